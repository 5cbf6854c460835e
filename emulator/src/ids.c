/* Identifiers (Foil prefixes + base32 / hex bodies), timestamps and seeded mixing. */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char emu_base32_alphabet[33] = "0123456789abcdefghjkmnpqrstvwxyz";

void emu_id_new(char *out, size_t outsz, const char *prefix) {
    unsigned char rnd[26];
    randombytes_buf(rnd, sizeof(rnd));
    size_t p = strlen(prefix);
    if (p + 27 > outsz) p = 0;
    memcpy(out, prefix, p);
    for (size_t i = 0; i < 26; i++)
        out[p + i] = emu_base32_alphabet[rnd[i] & 31];
    out[p + 26] = '\0';
}

void emu_hex_id_new(char *out, size_t outsz, const char *prefix) {
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof(rnd));
    size_t p = strlen(prefix);
    if (p + 33 > outsz) p = 0;
    memcpy(out, prefix, p);
    sodium_bin2hex(out + p, 33, rnd, sizeof(rnd));
}

/* xoshiro-style generator per thread: request ids need uniqueness, not secrecy. */
static _Thread_local uint64_t rid_state[2];

void emu_request_id(char out[40]) {
    static const char hex[] = "0123456789abcdef";
    if (!rid_state[0] && !rid_state[1]) randombytes_buf(rid_state, sizeof(rid_state));
    memcpy(out, "req_", 4);
    for (int half = 0; half < 2; half++) {
        uint64_t s1 = rid_state[0];
        const uint64_t s0 = rid_state[1];
        const uint64_t r = s0 + s1;
        rid_state[0] = s0;
        s1 ^= s1 << 23;
        rid_state[1] = s1 ^ s0 ^ (s1 >> 18) ^ (s0 >> 5);
        uint64_t v = emu_mix64(r);
        for (int i = 0; i < 16; i++)
            out[4 + half * 16 + i] = hex[(v >> (i * 4)) & 15];
    }
    out[36] = '\0';
}

void emu_digits_new(char *out, size_t digits) {
    for (size_t i = 0; i < digits; i++)
        out[i] = (char)('0' + randombytes_uniform(10));
    out[digits] = '\0';
}

int64_t emu_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void two_digits(char *out, unsigned v) {
    out[0] = (char)('0' + v / 10 % 10);
    out[1] = (char)('0' + v % 10);
}

/* Hand-formatted (no gmtime_r, no snprintf): list pages print thousands of timestamps.
 * Days to civil date after Howard Hinnant's days_from_civil inverse. */
void emu_iso8601(int64_t ms, char out[32]) {
    int64_t secs = ms >= 0 ? ms / 1000 : -((999 - ms) / 1000);
    unsigned millis = (unsigned)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((86399 - secs) / 86400);
    unsigned sod = (unsigned)(secs - days * 86400);
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned day = doy - (153 * mp + 2) / 5 + 1;
    unsigned month = mp < 10 ? mp + 3 : mp - 9;
    unsigned year = (unsigned)((int64_t)yoe + era * 400 + (month <= 2)) % 10000u;
    two_digits(out, year / 100);
    two_digits(out + 2, year % 100);
    out[4] = '-';
    two_digits(out + 5, month);
    out[7] = '-';
    two_digits(out + 8, day);
    out[10] = 'T';
    two_digits(out + 11, sod / 3600);
    out[13] = ':';
    two_digits(out + 14, sod / 60 % 60);
    out[16] = ':';
    two_digits(out + 17, sod % 60);
    out[19] = '.';
    out[20] = (char)('0' + millis / 100);
    two_digits(out + 21, millis % 100);
    out[23] = 'Z';
    out[24] = '\0';
}

uint64_t emu_mix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t emu_hash3(uint64_t seed, uint64_t tag, uint64_t index) {
    return emu_mix64(emu_mix64(seed ^ (tag * 0x9e3779b97f4a7c15ULL)) ^ index);
}

/* An invertible permutation of 64-bit values, so ids decode back to their index. */
#define PERM_K1 0xbf58476d1ce4e5b9ULL
#define PERM_K2 0x94d049bb133111ebULL

static uint64_t inverse_odd(uint64_t k) {
    uint64_t inv = k;
    for (int i = 0; i < 6; i++)
        inv *= 2 - k * inv;
    return inv;
}

static uint64_t unxorshift(uint64_t y, int s) {
    uint64_t x = y;
    for (int i = 0; i < 64 / s + 1; i++)
        x = y ^ (x >> s);
    return x;
}

static uint64_t permute(uint64_t x) {
    x ^= x >> 31;
    x *= PERM_K1;
    x ^= x >> 29;
    x *= PERM_K2;
    return x;
}

static uint64_t unpermute(uint64_t x) {
    x *= inverse_odd(PERM_K2);
    x = unxorshift(x, 29);
    x *= inverse_odd(PERM_K1);
    return unxorshift(x, 31);
}

static void encode13(char *out, uint64_t v) {
    /* 13 characters x 5 bits = 65 bits, most significant first. */
    for (int i = 12; i >= 0; i--) {
        out[i] = emu_base32_alphabet[v & 31];
        v >>= 5;
    }
}

static int decode13(const char *s, uint64_t *v) {
    uint64_t acc = 0;
    for (int i = 0; i < 13; i++) {
        const char *p = s[i] ? strchr(emu_base32_alphabet, s[i]) : NULL;
        if (!p) return -1;
        if (i == 0 && (p - emu_base32_alphabet) > 15) return -1; /* 65th bit must be 0 */
        acc = (acc << 5) | (uint64_t)(p - emu_base32_alphabet);
    }
    *v = acc;
    return 0;
}

void emu_index_id(char out[27], uint64_t seed, uint64_t tag, uint64_t index) {
    uint64_t mask = emu_hash3(seed, tag, 0x5eed);
    uint64_t v = permute(index ^ mask);
    encode13(out, v >> 1); /* keep the top character small, see decode13 */
    encode13(out + 13, emu_hash3(seed, tag, v) >> 1);
    out[26] = '\0';
    /* The low bit of v is carried in the check half's lowest bit. */
    out[25] = emu_base32_alphabet[((emu_hash3(seed, tag, v) >> 1) & 30) | (v & 1)];
}

int emu_index_from_id(const char *body, uint64_t seed, uint64_t tag, uint64_t *index) {
    if (strlen(body) != 26) return -1;
    uint64_t hi;
    if (decode13(body, &hi) != 0) return -1;
    const char *last = strchr(emu_base32_alphabet, body[25]);
    if (!last) return -1;
    uint64_t v = (hi << 1) | ((uint64_t)(last - emu_base32_alphabet) & 1);
    uint64_t mask = emu_hash3(seed, tag, 0x5eed);
    uint64_t idx = unpermute(v) ^ mask;
    char check[27];
    emu_index_id(check, seed, tag, idx);
    if (strcmp(check, body) != 0) return -1;
    *index = idx;
    return 0;
}
