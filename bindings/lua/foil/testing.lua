--- foil.testing: a local Foil API (the emulator embedded in the module) for your own tests.
--
--   local foil = require "foil"
--   local emu <close> = foil.testing.emulator{}          -- Lua 5.4; emu:close() on LuaJIT
--   local client = emu:client()                           -- or foil.new{ base_url = emu.base_url, secret_key = emu.secret_key }
--   local s = assert(client.gate:signup{ service_id = "foil" })
--   emu:approve(s.id)
--   local outputs = assert(s:wait{ timeout = 10 })
--
-- No network: it listens on 127.0.0.1, with real Gate crypto, seeded sessions and
-- fingerprints, and fault injection.
-- Reached through foil.testing only: foil.lua loads this file on first use and hands it
-- itself (testing._init), so this file requires nothing and the two never load each other.
local foil, native

local testing = {}

function testing._init(binding)
   foil, native = binding, binding.native
   return testing
end

local Emulator = {}
testing.Emulator = Emulator

testing.FAULT_KINDS = { "status", "delay", "reset", "truncate", "corrupt", "content_type", "oversized" }

local function argerror(message, level)
   error(setmetatable({ kind = "invalid_argument", status = 0, code = "client.invalid_argument",
                        message = message, retryable = false, field_errors = {} }, foil.Error),
         (level or 1) + 1)
end

local function h(emu)
   local handle = rawget(emu, "_h")
   if not handle or not native.is_open(handle) then
      error(setmetatable({ kind = "state", status = 0, code = "client.closed",
                           message = "this emulator is stopped", retryable = false, field_errors = {} },
                         foil.Error), 3)
   end
   return handle
end

local NUMBERS = { "port", "seed", "session_count", "fingerprint_count", "gate_ttl_seconds",
                  "auto_approve_ms", "threads" }

--- foil.testing.emulator{ port = 0, seed = 0, session_count = 250, fingerprint_count = 120,
---   gate_ttl_seconds = 900, auto_approve_ms = 0, rate_limit = false, threads = 4 }
-- Zero means the documented default for every number.
function testing.emulator(opts)
   opts = opts or {}
   if type(opts) ~= "table" then argerror("emulator options must be a table", 2) end
   local known = { rate_limit = true }
   for _, k in ipairs(NUMBERS) do known[k] = true end
   for k in pairs(opts) do
      if not known[k] then argerror("emulator: unknown option " .. tostring(k), 2) end
   end
   local v = {}
   for _, k in ipairs(NUMBERS) do
      local n = opts[k] or 0
      if type(n) ~= "number" or n < 0 or n ~= math.floor(n) then
         argerror(k .. " must be an integer >= 0", 2)
      end
      v[k] = n
   end
   local handle = native.binding_emulator_start(v.port, v.seed, v.session_count, v.fingerprint_count,
                                                v.gate_ttl_seconds, v.auto_approve_ms,
                                                opts.rate_limit and 1 or 0, v.threads)
   return setmetatable({ _h = handle }, Emulator)
end

function Emulator.__index(emu, k)
   local m = Emulator[k]
   if m ~= nil then return m end
   if k == "base_url" then return native.emulator_base_url(h(emu)) end
   if k == "secret_key" then return native.emulator_secret_key(h(emu)) end
   if k == "port" then return native.emulator_port(h(emu)) end
   if k == "organization_id" then return native.emulator_organization_id(h(emu)) end
   if k == "requests" then return native.binding_emulator_requests(h(emu)) end
   if k == "connections" then return native.binding_emulator_connections(h(emu)) end
   return nil
end

--- emu:client{ ...foil.new options }: a client pointed at this emulator with its secret key.
function Emulator:client(opts)
   local o = { base_url = self.base_url, secret_key = self.secret_key }
   for k, val in pairs(opts or {}) do o[k] = val end
   return foil.new(o)
end

--- emu:approve(gate_session_id) / emu:deny(gate_session_id)
function Emulator:approve(id) native.emulator_approve(h(self), id) end
function Emulator:deny(id) native.emulator_deny(h(self), id) end
--- emu:approve_login(login_session_id): the one-time code.
function Emulator:approve_login(id) return native.emulator_approve_login(h(self), id) end
--- emu:add_secret_key("sessions:list,sessions:read"): a new secret key with those scopes.
function Emulator:add_secret_key(scopes) return native.emulator_add_secret_key(h(self), scopes or "*") end
--- emu:add_service{ id =, name =, outputs = {...}, webhook_url =, webhook_secret =,
---   dashboard_login_url =, hidden = false }
function Emulator:add_service(s)
   if type(s) ~= "table" or type(s.id) ~= "string" then argerror("add_service{ id = ... }", 2) end
   native.binding_emulator_add_service(h(self), s.id, s.name,
                                       s.outputs and native.json_encode(s.outputs) or nil,
                                       s.webhook_url, s.webhook_secret, s.dashboard_login_url,
                                       s.hidden and 1 or 0)
end

--- emu:inject_fault(kind, { method =, path =, count = 1, status = 0, delay_ms = 0 })
function Emulator:inject_fault(kind, o)
   o = o or {}
   local k = type(kind) == "string" and native.emulator_fault_kind_from_name(kind) or 0
   if k == 0 then argerror("kind must be one of " .. table.concat(testing.FAULT_KINDS, ", "), 2) end
   native.emulator_inject_fault(h(self), o.method, o.path, o.count or 1, k, o.status or 0, o.delay_ms or 0)
end
function Emulator:clear_faults() native.emulator_clear_faults(h(self)) end

--- emu:mint_sealed_token(session_id, version): a sealed token sealed with emu.secret_key.
function Emulator:mint_sealed_token(session_id, version)
   return native.emulator_mint_sealed_token(h(self), session_id, version or 1)
end

--- emu:session_id(index): id of the seeded session at index (0 = newest).
function Emulator:session_id(index) return native.emulator_session_id(h(self), index or 0) end

--- emu:close(): stop serving (idempotent). Also __close (Lua 5.4 `<close>`) and __gc.
function Emulator:close()
   local handle = rawget(self, "_h")
   if handle then native.close(handle) end
end
Emulator.stop = Emulator.close
Emulator.__close = Emulator.close

function Emulator.__tostring(emu)
   local handle = rawget(emu, "_h")
   if not native.is_open(handle) then return "foil.testing.Emulator(stopped)" end
   return "foil.testing.Emulator(" .. native.emulator_base_url(handle) .. ")"
end

return testing
