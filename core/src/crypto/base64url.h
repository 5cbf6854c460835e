/* base64 codecs used by the delivery crypto (base64url) and sealed tokens (standard). */
#ifndef FOIL_BASE64URL_H
#define FOIL_BASE64URL_H

#include <stddef.h>

/* Unpadded base64url of `len` bytes as a malloc'd string; NULL when out of memory. */
char *foil_b64url_encode(const unsigned char *bin, size_t len);

/* Decode base64url with or without '=' padding into a malloc'd buffer (*out, *out_len).
 * Returns 0, or -1 for text that is not canonical base64url (*out stays NULL) and -2
 * when out of memory. The caller wipes and frees *out when it holds a secret. */
int foil_b64url_decode(const char *text, unsigned char **out, size_t *out_len);

/* Decode base64url (padding optional) that must be exactly `len` bytes into `out`.
 * Returns 0, or -1 when the text is invalid or decodes to another length. */
int foil_b64url_decode_exact(const char *text, unsigned char *out, size_t len);

/* Standard-alphabet base64 (padding optional), as used by sealed tokens; same
 * return values as foil_b64url_decode. Not constant time: only for public data
 * such as tokens, never for keys or other secrets. */
int foil_b64_decode(const char *text, unsigned char **out, size_t *out_len);

#endif
