--- One emulator for the whole run (600 sessions, 130 fingerprints), and a client on it.
local foil = require "foil"
local env = {}
local emu
function env.emulator()
   if not emu then emu = foil.testing.emulator{ session_count = 600, fingerprint_count = 130 } end
   return emu
end
function env.client(opts) return env.emulator():client(opts) end
local n = 0
function env.unique(prefix)
   n = n + 1
   return string.format("%s-%d-%d", prefix, os.time() % 100000, n)
end
return env
