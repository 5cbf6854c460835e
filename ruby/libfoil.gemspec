# The libfoil gem: `require "foil"`. Build it with ruby/make_gem.sh (the gem ships the SWIG
# wrapper and libfoil's C sources).
require_relative "lib/foil/version"

Gem::Specification.new do |s|
  s.name = "libfoil"
  s.version = Foil::VERSION
  s.summary = "Fast native Foil API client (drop-in for the foil-server gem) with Gate signup and a local emulator"
  s.description = "Ruby bindings for libfoil, a C client for the Foil API: Sessions, Fingerprints, " \
                  "Organizations, API keys, Webhooks and Gate, with the GVL released during every request."
  s.authors = ["libfoil contributors"]
  s.license = "MIT"
  s.required_ruby_version = ">= 3.1"
  s.files = Dir["lib/**/*.rb", "sig/**/*.rbs", "ext/**/*.{c,h,def,rb}", "README.md"]
  s.require_paths = ["lib"]
  s.extensions = ["ext/foil/extconf.rb"]
end
