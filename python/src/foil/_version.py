"""The package version (the libfoil C library's version is ``foil.native.version_string()``)."""

__version__ = "0.2.0"
