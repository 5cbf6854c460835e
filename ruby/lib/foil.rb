# libfoil for Ruby: a fast, native drop-in for Foil's official `foil-server` gem.
#
# Port with two edits: `require "foil/server"` -> `require "foil"` and `Foil::Server::` -> `Foil::`.
# Beyond the official gem: Gate (`client.gate.signup`), opt-in retries, proxy and CA options,
# a typed error per failure class, and Foil::Testing::Emulator (`require "foil/testing"`).
# Every request runs with the GVL released; one client may be shared by any number of threads.
require "json"
require_relative "foil/version"
require "foil/native"
require_relative "foil/errors"
require_relative "foil/record"
require_relative "foil/arguments"
require_relative "foil/fiber_transport"
require_relative "foil/client"
require_relative "foil/gate_signup"
require_relative "foil/helpers"

module Foil
  autoload :Testing, "foil/testing"
end
