# Debian packages with CPack (`cpack -G DEB` in a build configured with
# -DCMAKE_INSTALL_PREFIX=/usr; scripts/dist.sh does both). One package per install component:
#   libfoil0     the shared library (runtime)
#   libfoil-dev  headers, libfoil.so, foil.pc and the CMake package (dev)
#   foil         the command line, with its embedded emulator (cli)
# Versions come from project(); Depends from dpkg-shlibdeps, plus libfoil-dev -> libfoil0 (=).
# A placeholder address (.invalid); a distributor sets their own.
set(FOIL_PACKAGE_MAINTAINER "libfoil maintainers <maintainers@libfoil.invalid>"
    CACHE STRING "Maintainer field of the Debian packages")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libfoil)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR libfoil)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL runtime dev cli)
set(CPACK_DEB_COMPONENT_INSTALL ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${FOIL_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libfoil0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "C client library for the Foil API\nSessions, Fingerprints, Organizations, API keys, Webhooks and Gate\nsignup (delivery crypto, sealed tokens) over libcurl, cJSON and libsodium.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libfoil-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "C client library for the Foil API (development files)\nHeaders (<foil/foil.h>), libfoil.so, the pkg-config file foil.pc and the\nCMake package (find_package(Foil), target Foil::foil).")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME foil)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION net)
set(CPACK_COMPONENT_CLI_DESCRIPTION
    "Foil API command line and local emulator\nfoil signup/login/registry/sessions/fingerprints/token/webhook, and\n`foil emulator`, the whole Foil API on loopback for tests.")

include(CPack)
