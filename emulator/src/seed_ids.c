/* The ids of the seeded sessions and fingerprints: index -> id and back. Sessions link to
 * fingerprints and fingerprints to sessions, so both seeds use these. */
#include "emu.h"

#include <string.h>

void emu_session_id_at(const foil_emulator_t *emu, uint64_t index, char out[EMU_ID_MAX]) {
    memcpy(out, "sid_", 4);
    emu_index_id(out + 4, emu->seed, EMU_TAG_SESSION, index);
}

int emu_session_index(const foil_emulator_t *emu, const char *sid, uint64_t *index) {
    if (strncmp(sid, "sid_", 4) != 0) return -1;
    if (emu_index_from_id(sid + 4, emu->seed, EMU_TAG_SESSION, index) != 0) return -1;
    return *index < emu->cfg.session_count ? 0 : -1;
}

void emu_fingerprint_id_at(const foil_emulator_t *emu, uint64_t index, char out[EMU_ID_MAX]) {
    memcpy(out, "vid_", 4);
    emu_index_id(out + 4, emu->seed, EMU_TAG_FINGERPRINT, index);
}

int emu_fingerprint_index(const foil_emulator_t *emu, const char *vid, uint64_t *index) {
    if (strncmp(vid, "vid_", 4) != 0 ||
        emu_index_from_id(vid + 4, emu->seed, EMU_TAG_FINGERPRINT, index) != 0)
        return -1;
    return *index < emu->cfg.fingerprint_count ? 0 : -1;
}
