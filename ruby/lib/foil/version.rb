module Foil
  # The gem's version (libfoil's version is Foil::Native.version_string).
  VERSION = "0.2.0"
end
