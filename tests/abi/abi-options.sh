# Options shared by tests/abi/check_abi.sh and scripts/update-abi.sh (sourced, not run):
# the public headers decide which types are part of the ABI, only what the exported
# functions reach is compared, and nothing that depends on the build machine is recorded.
# Usage: foil_abi_options INCLUDE_DIR SIDE   (SIDE: "" for abidw, "2" for abidiff's new side)
foil_abi_options() {
    printf '%s\n' --headers-dir"$2" "$1/foil" --header-file"$2" "$1/foil.h" \
        --drop-private-types --exported-interfaces-only
}
