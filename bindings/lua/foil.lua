--- libfoil for Lua 5.4 and LuaJIT: a client for the Foil API.
--
--   local foil = require "foil"
--   local client = foil.new{ secret_key = os.getenv "FOIL_SECRET_KEY" }
--   local page = assert(client.sessions:list{ limit = 5 })
--   for _, s in ipairs(page.items) do print(s.id) end
--
-- Conventions (LuaSocket / lua-resty): an API or network failure returns `nil, err`, where
-- err is a foil.Error table (kind, status, code, message, request_id, retryable,
-- retry_after, docs_url, next_action, field_errors, allowed_values, details, body) whose
-- tostring is one line; a programmer error (wrong argument type, missing required field,
-- a closed handle) raises with error(). Results are plain tables: JSON null is foil.null.
-- Iterators (`for s in client.sessions:iter{} do`) raise on a failure mid-walk.
local native = require "foil.native"

local foil = {}
foil._VERSION = "0.2.0"
foil.native = native
--- The JSON null sentinel (a NULL lightuserdata, equal to lua-cjson's cjson.null).
foil.null = native.null()
foil.DEFAULT_BASE_URL = native.FOIL_DEFAULT_BASE_URL or "https://api.usefoil.com"

local null = foil.null
local type, pairs, ipairs, select, error, pcall, tostring, setmetatable, getmetatable =
    type, pairs, ipairs, select, error, pcall, tostring, setmetatable, getmetatable
local unpack = table.unpack or unpack
local fmt = string.format

-- ---------------------------------------------------------------------------------------
-- Errors

--- Metatable of every error table.
local Error = {}
Error.__index = Error
foil.Error = Error

-- kind -> parent kind, and every kind, from the core's status table (foil_status_count/at,
-- foil_status_kind/parent): foil.errors.not_found == "not_found".
local PARENT = {}
foil.errors = {}
for i = 0, native.status_count() - 1 do
   local value = native.status_at(i)
   local kind = native.status_kind(value)
   if kind ~= "ok" then
      foil.errors[kind] = kind
      PARENT[kind] = native.status_parent(value)
   end
end

--- err:is("api") is true for a not_found error; every kind is checked along its parents.
function Error:is(kind)
   local k = self.kind
   while k do
      if k == kind then return true end
      k = PARENT[k]
   end
   return kind == "error"
end

--- One line, with the request id; never a secret (messages carry none).
function Error.__tostring(e)
   local s = "foil." .. tostring(e.kind)
   local detail = {}
   if e.status and e.status ~= 0 then detail[#detail + 1] = tostring(e.status) end
   if e.code then detail[#detail + 1] = e.code end
   if #detail > 0 then s = s .. " (" .. table.concat(detail, ", ") .. ")" end
   s = s .. ": " .. tostring(e.message)
   if e.request_id then s = s .. " [request " .. tostring(e.request_id) .. "]" end
   -- The message and code may come from the server: line breaks read as spaces, and other
   -- control characters (C0, DEL, UTF-8 C1) as \ddd, so a log line cannot move a terminal's
   -- cursor or forge another line.
   s = s:gsub("[\r\n]+", " ")
   return (s:gsub("[%z\1-\31\127]", function(c) return fmt("\\%03d", c:byte()) end)
            :gsub("\194([\128-\159])", function(c) return fmt("\\194\\%03d", c:byte()) end))
end
native.set_error_metatable(Error)

-- Kinds that mean the caller is wrong, not the world: these raise.
local RAISES = { invalid_argument = true, configuration = true, state = true, out_of_memory = true }

local function is_error(v) return getmetatable(v) == Error end
foil.is_error = is_error

local function new_error(kind, message, code)
   return setmetatable({ kind = kind, status = 0, code = code or ("client." .. kind),
                         message = message, retryable = false, field_errors = {} }, Error)
end

--- Raise a programmer error (level as error()).
local function argerror(message, level)
   error(new_error("invalid_argument", message), (level or 1) + 1)
end

local function settle(level, ok, ...)
   if ok then return ... end
   local err = ...
   if is_error(err) and not RAISES[err.kind] then return nil, err end
   error(err, level + 1)
end

--- Call a native function: results, or nil, err for a runtime failure; raises otherwise.
local function try(f, ...)
   return settle(2, pcall(f, ...))
end
foil._try = try

-- Functions that check outside data (tokens, signatures, envelopes, JSON text): every
-- failure of the data is a result (nil, err); only wrong Lua argument types raise.
local function settle_data(level, ok, ...)
   if ok then return ... end
   local err = ...
   if is_error(err) then return nil, err end
   error(err, level + 1)
end
local function try_data(f, ...)
   return settle_data(2, pcall(f, ...))
end

-- ---------------------------------------------------------------------------------------
-- Argument checks

local function check_table(v, what, level)
   if v == nil then return {} end
   if type(v) ~= "table" then
      argerror(fmt("%s must be a table, not %s", what, type(v)), (level or 2) + 1)
   end
   return v
end

local function check_string(v, what, optional, level)
   if v == nil and optional then return nil end
   if type(v) ~= "string" then
      argerror(fmt("%s must be a string, not %s", what, type(v)), (level or 2) + 1)
   end
   return v
end

local function check_number(v, what, optional, level)
   if v == nil and optional then return nil end
   if type(v) ~= "number" or v ~= v then
      argerror(fmt("%s must be a number, not %s", what, v ~= v and "NaN" or type(v)), (level or 2) + 1)
   end
   return v
end

local function check_boolean(v, what, level)
   if type(v) ~= "boolean" then
      argerror(fmt("%s must be a boolean, not %s", what, type(v)), (level or 2) + 1)
   end
   return v
end

local function check_known(t, known, what, level)
   for k in pairs(t) do
      if not known[k] then
         argerror(fmt("%s: unknown option %s", what, tostring(k)), (level or 2) + 1)
      end
   end
end

-- Seconds as the milliseconds the core takes: the range and its error are the core's
-- (foil_seconds_to_ms), raised as an invalid_argument error table.
local function to_ms(seconds, what, level)
   check_number(seconds, what, false, (level or 2) + 1)
   return native.seconds_to_ms(what, seconds)
end

-- ---------------------------------------------------------------------------------------
-- Handles: a Lua object over a native handle; close() frees it now, __gc / __close too.

local function handle_of(obj, what, level)
   local h = obj and rawget(obj, "_h")
   if not h or not native.is_open(h) then
      error(new_error("state", fmt("this %s is closed", what), "client.closed"), (level or 2) + 1)
   end
   return h
end

local function close_handle(obj)
   local h = rawget(obj, "_h")
   if h then native.close(h) end
end

-- ---------------------------------------------------------------------------------------
-- Transports: where a call's I/O happens, chosen here and nowhere else.
--
-- libcurl (the core's own, blocking) outside nginx and where nginx has no cosockets but may
-- block (init_by_lua, init_worker_by_lua); nginx cosockets (foil/ngx.lua over the core's
-- sans-IO calls) in the phases that have them, so a call yields only its request's coroutine;
-- a clear nil, err in the phases that have neither. foil.new{ transport = "curl" | "ngx" }
-- forces one.

local CURL = {
   name = "curl",
   call = native.call,
   walk = function(h, name, params_json, fields)
      return native.walk(native.call_iter(h, name, params_json), fields)
   end,
   signup_create = native.gate_session_create,
   -- (signup, client): the client's handle is for the ngx transport's cancel.
   signup_poll = function(s) return native.gate_session_poll(s) end,
   signup_step = function(s) return native.gate_session_step(s) end,
   signup_ack = function(s) return native.gate_session_ack(s) end,
   sleep = native.sleep,
}

-- nginx phases (ngx.get_phase()) whose Lua code may use cosockets, and those where a blocking
-- call is acceptable because no request is being served yet.
local COSOCKET_PHASES = {
   rewrite = true, server_rewrite = true, access = true, content = true, timer = true,
   ssl_cert = true, ssl_session_fetch = true, ssl_client_hello = true,
}
local BLOCKING_PHASES = { init = true, init_worker = true, exit_worker = true }

local ngx_transport
local function load_ngx_transport()
   if not ngx_transport then
      ngx_transport = require("foil.ngx")._init(native, new_error)
      ngx_transport.name = "ngx"
   end
   return ngx_transport
end

-- The nginx phase, or nil outside nginx's Lua module.
local function nginx_phase()
   local ngx = rawget(_G, "ngx")
   return ngx and type(ngx.get_phase) == "function" and ngx.get_phase() or nil
end

--- The transport for a call of `client` now: a transport table, or nil, err.
local function transport_for(client)
   local forced = rawget(client, "_transport")
   if forced == "curl" then return CURL end
   local phase = nginx_phase()
   if phase and COSOCKET_PHASES[phase] then return load_ngx_transport() end
   if forced ~= "ngx" and (not phase or BLOCKING_PHASES[phase]) then return CURL end
   if not phase then
      return nil, new_error("configuration", "transport = \"ngx\" needs nginx's Lua module (ngx.socket.tcp)",
                            "client.ngx_transport")
   end
   return nil, new_error("state", fmt("nginx has no cosockets in the %s phase, and a blocking call would "
      .. "stall every request of this worker: make the call from ngx.timer.at(0, function() ... end) "
      .. "(or in a rewrite, access or content phase)", phase), "client.ngx_phase")
end
foil._transport_for = transport_for

-- ---------------------------------------------------------------------------------------
-- The client and its namespaces, built from the core's operation table.

local Client = {}
Client.__index = Client
foil.Client = Client

local Namespace = {}
Namespace.__index = Namespace

-- (positional path params..., [named table]) -> one params table.
local function build_params(op, path, ...)
   local n = select("#", ...)
   local args = { ... }
   local named = {}
   if n > 0 and type(args[n]) == "table" then
      for k, v in pairs(args[n]) do named[k] = v end
      n = n - 1
   end
   if n > #path then
      argerror(fmt("%s takes %d positional argument%s (%s) and a table of named arguments",
                   op, #path, #path == 1 and "" or "s", table.concat(path, ", ")), 4)
   end
   for i = 1, n do
      local name = path[i]
      if args[i] ~= nil then
         if named[name] ~= nil then argerror(fmt("%s: %s given twice", op, name), 4) end
         if type(args[i]) ~= "string" then
            argerror(fmt("%s: %s must be a string, not %s", op, name, type(args[i])), 4)
         end
         named[name] = args[i]
      end
   end
   return named
end

-- The core's operation table: { {name=, path=, paginated=, model=}, ... }. path: the path
-- parameters, in path order (foil_operation_params); model: what the operation returns, each
-- item's for a list (foil_operation_result_model), nil for no content.
local operations
local function load_operations()
   if operations then return operations end
   operations = {}
   for i = 0, native.operation_count() - 1 do
      local path = {}
      for _, p in ipairs(native.json_decode(native.operation_params(i))) do
         if p["in"] == "path" then path[#path + 1] = p.name end
      end
      operations[#operations + 1] = {
         name = native.operation_sdk_name(i),
         path = path,
         paginated = native.operation_paginated(i) ~= 0,
         model = native.operation_result_model(i),
      }
   end
   return operations
end
foil.operations = function()
   local out = {}
   for i, op in ipairs(load_operations()) do out[i] = op.name end
   return out
end

-- Take `fields` out of the params (it is not sent): nil, or the paths compiled for the
-- operation's model (the paths `fields` may name are its documented fields; raises on a bad
-- or unknown path).
local function take_fields(op, params)
   local fields = params.fields
   if fields == nil then return nil end
   params.fields = nil
   if not op.model then argerror(fmt("%s returns no object: fields does not apply", op.name), 4) end
   return native.fields(fields, op.model)
end

local function make_call(op)
   local name, path = op.name, op.path
   return function(ns, ...)
      if getmetatable(ns) ~= Namespace then
         argerror(fmt("call %s with ':' (client.%s:method(...))", name, name), 2)
      end
      local h = handle_of(ns._client, "client", 2)
      local params = build_params(name, path, ...)
      local fields = take_fields(op, params)
      local transport, terr = transport_for(ns._client)
      if not transport then return nil, terr end
      local result, err = try(transport.call, h, name, native.params_json(params))
      if result == nil then
         if err then return nil, err end
         return true -- no content
      end
      return native.call_result(result, fields)
   end
end

local function make_iter(op)
   local name, path = op.name, op.path
   return function(ns, ...)
      if getmetatable(ns) ~= Namespace then
         argerror(fmt("call %s with ':'", name), 2)
      end
      local h = handle_of(ns._client, "client", 2)
      local params = build_params(name, path, ...)
      local fields = take_fields(op, params)
      -- An iterator cannot return nil, err: a failure to start or mid-walk raises.
      local transport, terr = transport_for(ns._client)
      if not transport then error(terr, 2) end
      local ok, walk = pcall(transport.walk, h, name, native.params_json(params), fields,
                             rawget(ns._client, "_prefetch"))
      if not ok then error(walk, 2) end
      return walk
   end
end

local function namespace(client)
   return setmetatable({ _client = client }, Namespace)
end

local function install_operations(client)
   for _, op in ipairs(load_operations()) do
      local parts = {}
      for part in op.name:gmatch("[^.]+") do parts[#parts + 1] = part end
      local ns = client
      for i = 1, #parts - 1 do
         local child = rawget(ns, parts[i])
         if not child then
            child = namespace(client)
            rawset(ns, parts[i], child)
         end
         ns = child
      end
      local method = parts[#parts]
      rawset(ns, method, make_call(op))
      if op.paginated then
         local iter_name = method == "list" and "iter" or method:gsub("^list_", "iter_")
         rawset(ns, iter_name, make_iter(op))
      end
   end
   local sessions = rawget(client, "sessions")
   if sessions then
      --- client.sessions:attach_client_user(id, user_id)
      function sessions.attach_client_user(ns, session_id, client_user_id)
         check_string(session_id, "session_id")
         check_string(client_user_id, "client_user_id")
         return ns:update(session_id, { client_user_id = client_user_id })
      end
      --- client.sessions:clear_client_user(id)
      function sessions.clear_client_user(ns, session_id)
         check_string(session_id, "session_id")
         return ns:update(session_id, { client_user_id = null })
      end
   end
   local gate = rawget(client, "gate")
   if not gate then
      gate = namespace(client)
      rawset(client, "gate", gate)
   end
   gate.signup = function(ns, args) return foil._signup(ns._client, args) end
end

local CLIENT_OPTIONS = {
   secret_key = true, base_url = true, timeout = true, connect_timeout = true,
   max_retries = true, ca_bundle = true, proxy = true, user_agent = true,
   max_response_bytes = true, prefetch = true, transport = true,
}
local TRANSPORTS = { curl = true, ngx = true }

--- foil.new{ secret_key = ..., base_url = ..., timeout = 30, connect_timeout = ...,
---   max_retries = 0, ca_bundle = ..., proxy = ..., user_agent = ..., prefetch = true,
---   transport = nil | "curl" | "ngx" }
-- secret_key defaults to FOIL_SECRET_KEY, base_url to FOIL_BASE_URL or the API. prefetch:
-- iterators request the next page while the current one is read (false turns that off).
-- transport: nil picks per call (nginx cosockets where the nginx phase has them, libcurl
-- elsewhere); "curl" or "ngx" forces one (README: "Inside nginx").
function foil.new(opts)
   opts = check_table(opts, "foil.new options")
   check_known(opts, CLIENT_OPTIONS, "foil.new")
   local options = {
      secret_key = check_string(opts.secret_key, "secret_key", true),
      base_url = check_string(opts.base_url, "base_url", true),
      timeout_ms = opts.timeout ~= nil and to_ms(opts.timeout, "timeout") or nil,
      connect_timeout_ms = opts.connect_timeout ~= nil and to_ms(opts.connect_timeout, "connect_timeout") or nil,
      max_retries = check_number(opts.max_retries, "max_retries", true),
      ca_bundle = check_string(opts.ca_bundle, "ca_bundle", true),
      proxy = check_string(opts.proxy, "proxy", true),
      user_agent = check_string(opts.user_agent, "user_agent", true),
      max_response_bytes = check_number(opts.max_response_bytes, "max_response_bytes", true),
      client_suffix = "lua/" .. (jit and jit.version or _VERSION),
   }
   if opts.prefetch ~= nil then options.prefetch = check_boolean(opts.prefetch, "prefetch") end
   local transport = check_string(opts.transport, "transport", true)
   if transport and not TRANSPORTS[transport] then
      argerror(fmt("transport must be \"curl\" or \"ngx\", not %q", transport), 2)
   end
   if transport == "ngx" and not nginx_phase() then
      error(new_error("configuration", "transport = \"ngx\" needs nginx's Lua module (ngx.socket.tcp)",
                      "client.ngx_transport"), 2)
   end
   if options.max_retries and (options.max_retries < 0 or options.max_retries ~= math.floor(options.max_retries)) then
      argerror("max_retries must be an integer >= 0", 2)
   end
   local h = native.client_new()
   local ok, err = pcall(native.client_configure, h, native.json_encode(options))
   if not ok then
      native.close(h)
      error(err, 2)
   end
   local client = setmetatable({ _h = h, _transport = transport, _prefetch = options.prefetch ~= false },
                               Client)
   install_operations(client)
   return client
end

--- The base URL the client talks to.
function Client:base_url()
   return native.client_base_url(handle_of(self, "client", 2))
end

--- Abort the requests in flight on this client (from another coroutine's hook, a signal...;
-- inside nginx, from any request or timer of the worker: its cosocket calls end at once).
function Client:cancel()
   local h = handle_of(self, "client", 2)
   native.client_cancel(h)
   if ngx_transport then ngx_transport.cancel(h) end
end

--- Free the client now (idempotent); later calls raise a state error.
function Client:close() close_handle(self) end
Client.__close = Client.close

function Client:is_closed() return not native.is_open(rawget(self, "_h")) end

function Client.__tostring(c)
   if c:is_closed() then return "foil.Client(closed)" end
   -- Credentials written in base_url (https://user:pw@host) show as ***@.
   return "foil.Client(" .. (native.client_base_url_redacted(c._h) or "?") .. ")"
end

-- ---------------------------------------------------------------------------------------
-- Gate signup: create, show consent_url, wait, write outputs, ack.

local Signup = {}
foil.GateSignup = Signup

local SIGNUP_FIELDS = {
   id = native.gate_session_id,
   service_id = native.gate_session_service_id,
   account_name = native.gate_session_account_name,
   consent_url = native.gate_session_consent_url,
   expires_at = native.gate_session_expires_at,
   status = native.gate_session_status,
   docs_url = native.gate_session_docs_url,
   poll_token = native.gate_session_poll_token,
}

local function signup_outputs(h) return native.gate_session_outputs(h) end
-- {KEY = "reason"}: the core's view (foil_gate_session_refused), as in every binding.
local function signup_refused(h) return native.gate_session_refused(h) or {} end

function Signup.__index(s, k)
   local method = Signup[k]
   if method ~= nil then return method end
   local field = SIGNUP_FIELDS[k]
   if field then return field(handle_of(s, "Gate signup", 2)) end
   if k == "outputs" then
      return signup_outputs(handle_of(s, "Gate signup", 2))
   end
   if k == "refused" then return signup_refused(handle_of(s, "Gate signup", 2)) end
   if k == "poll_data" then return native.gate_session_poll_data(handle_of(s, "Gate signup", 2)) end
   return nil
end

local function new_signup(client, h)
   return setmetatable({ _h = h, _client = client }, Signup)
end

--- client.gate:signup{ service_id = "acme", account_name = ..., metadata = {...} }
function foil._signup(client, args)
   args = check_table(args, "gate:signup arguments", 3)
   check_known(args, { service_id = true, account_name = true, metadata = true }, "gate:signup", 3)
   check_string(args.service_id, "service_id", false, 3)
   check_string(args.account_name, "account_name", true, 3)
   local metadata
   if args.metadata ~= nil then
      check_table(args.metadata, "metadata", 3)
      metadata = native.json_encode(args.metadata)
   end
   local transport, terr = transport_for(client)
   if not transport then return nil, terr end
   local h, err = try(transport.signup_create, handle_of(client, "client", 3), args.service_id,
                      args.account_name, metadata)
   if not h then return nil, err end
   return new_signup(client, h)
end

--- s:poll(): one poll; the status string, or nil, err.
function Signup:poll()
   local h = handle_of(self, "Gate signup", 2)
   local transport, terr = transport_for(self._client)
   if not transport then return nil, terr end
   local ok, err = try(transport.signup_poll, h, rawget(self._client, "_h"))
   if ok == nil and err then return nil, err end
   return native.gate_session_status(h)
end

--- s:wait{ timeout = seconds, interval = seconds, on_progress = function(status, seconds_left) end }
-- Loops in Lua over the core's step call, sleeping between steps: the outputs table once
-- approved; nil, err for rejected / expired / timeout / cancelled / gone / API failures. An
-- error raised by on_progress propagates and ends the wait (the signup stays usable).
function Signup:wait(opts)
   opts = check_table(opts, "wait options")
   check_known(opts, { timeout = true, interval = true, on_progress = true }, "wait")
   local h = handle_of(self, "Gate signup", 2)
   local timeout_ms = opts.timeout ~= nil and to_ms(opts.timeout, "timeout") or 0
   local interval_ms = opts.interval ~= nil and to_ms(opts.interval, "interval") or 0
   local on_progress = opts.on_progress
   if on_progress ~= nil and type(on_progress) ~= "function" then
      argerror("on_progress must be a function", 2)
   end
   local transport, terr = transport_for(self._client)
   if not transport then return nil, terr end
   local ok, err = try(native.gate_session_wait_start, h, timeout_ms, interval_ms)
   if ok == nil and err then return nil, err end
   while true do
      local wait_ms, step_err = try(transport.signup_step, h, rawget(self._client, "_h"))
      if wait_ms == nil then return nil, step_err end
      if wait_ms == 0 then return signup_outputs(h) end
      if on_progress then
         on_progress(native.gate_session_status(h), native.gate_session_seconds_left(h))
      end
      transport.sleep(wait_ms / 1000) -- in nginx, ngx.sleep: only this request waits
   end
end

--- s:ack(): acknowledge the delivery (after writing the outputs durably).
function Signup:ack()
   local h = handle_of(self, "Gate signup", 2)
   local transport, terr = transport_for(self._client)
   if not transport then return nil, terr end
   local ok, err = try(transport.signup_ack, h, rawget(self._client, "_h"))
   if ok == nil and err then return nil, err end
   return true
end

--- s:export(): a string (private key included: store it privately) for foil.gate_signup_import.
function Signup:export()
   return try(native.gate_session_export, handle_of(self, "Gate signup", 2))
end

--- s:cancel(): make the current or next wait return a cancelled error.
function Signup:cancel()
   native.gate_session_cancel(handle_of(self, "Gate signup", 2))
end

function Signup:close() close_handle(self) end
Signup.__close = Signup.close

function Signup.__tostring(s)
   local h = rawget(s, "_h")
   if not native.is_open(h) then return "foil.GateSignup(closed)" end
   return fmt("foil.GateSignup(%s, %s, %s)", native.gate_session_id(h) or "?",
              native.gate_session_service_id(h) or "?", native.gate_session_status(h) or "?")
end

--- foil.gate_signup_import(client, saved): resume an exported signup.
function foil.gate_signup_import(client, saved)
   if getmetatable(client) ~= Client then argerror("gate_signup_import: expected a foil client", 2) end
   check_string(saved, "saved signup")
   local h, err = try_data(native.gate_session_import, handle_of(client, "client", 2), saved)
   if not h then return nil, err end
   return new_signup(client, h)
end

-- ---------------------------------------------------------------------------------------
-- Module functions: tokens, webhooks, delivery crypto, env policy.

local function document(h)
   local root = native.document_root(h)
   native.close(h)
   return root
end

local function json_text(v, what, level)
   if type(v) == "string" then return v end
   if type(v) == "table" then return native.json_encode(v) end
   argerror(fmt("%s must be a table or JSON text, not %s", what, type(v)), (level or 2) + 1)
end

--- foil.verify_foil_token(token, secret): the token's data, or nil, err.
function foil.verify_foil_token(token, secret)
   check_string(token, "token")
   check_string(secret, "secret")
   local h, err = try_data(native.sealed_token_verify, token, secret)
   if not h then return nil, err end
   return document(h)
end

--- foil.safe_verify_foil_token(token, secret): { ok = true, data = ... } or { ok = false, error = err }.
function foil.safe_verify_foil_token(token, secret)
   local data, err = foil.verify_foil_token(token, secret)
   if data == nil then return { ok = false, error = err } end
   return { ok = true, data = data }
end

-- A webhook timestamp given as a number: its decimal text (whole seconds only).
local function timestamp_text(ts, level)
   if type(ts) ~= "number" then return ts end
   if ts ~= ts or ts ~= math.floor(ts) or math.abs(ts) >= 2^53 then
      argerror(fmt("timestamp must be a whole number of seconds, not %s", tostring(ts)), level + 1)
   end
   return fmt("%d", ts)
end

--- foil.verify_webhook_signature{ secret =, timestamp =, raw_body =, signature =,
---   max_age_seconds = 300, now = os.time() }: true, or nil, err.
function foil.verify_webhook_signature(args)
   args = check_table(args, "verify_webhook_signature arguments")
   check_known(args, { secret = true, timestamp = true, raw_body = true, signature = true,
                       max_age_seconds = true, now = true, now_seconds = true },
               "verify_webhook_signature")
   check_string(args.secret, "secret")
   -- An empty secret is the caller's mistake, not a bad signature: raise.
   if args.secret == "" then argerror("secret must be a non-empty string", 2) end
   local ts = timestamp_text(args.timestamp, 3)
   check_string(ts, "timestamp")
   check_string(args.raw_body, "raw_body")
   check_string(args.signature, "signature")
   local max_age = check_number(args.max_age_seconds, "max_age_seconds", true) or 300
   local now = check_number(args.now or args.now_seconds, "now", true) or 0
   local ok, err = try_data(native.webhook_signature_verify, args.secret, ts, args.raw_body,
                       args.signature, max_age, now)
   if ok == nil and err then return nil, err end
   return true
end
foil.verify_gate_webhook_signature = foil.verify_webhook_signature

--- foil.compute_webhook_signature(secret, timestamp, raw_body): the signature header value.
function foil.compute_webhook_signature(secret, timestamp, raw_body)
   timestamp = timestamp_text(timestamp, 3)
   return try_data(native.webhook_signature_compute, check_string(secret, "secret"),
              check_string(timestamp, "timestamp"), check_string(raw_body, "raw_body"))
end

--- foil.parse_webhook_event(raw_body): the event table, or nil, err.
function foil.parse_webhook_event(raw)
   check_string(raw, "raw_body")
   local h, err = try_data(native.webhook_event_parse, raw)
   if not h then return nil, err end
   return document(h)
end

--- foil.json_encode(value) / foil.json_decode(text): the binding's own JSON (foil.null aware).
function foil.json_encode(v) return native.json_encode(v) end
function foil.json_decode(text)
   check_string(text, "text")
   return try_data(native.json_decode, text)
end

-- Delivery key pairs. The same shape as in the other SDKs: `kp.delivery` (the request
-- table to send) and `kp.private_key` (the key to decrypt with: the key pair itself) are
-- values; kp.public_key, kp.key_id and kp:export_pkcs8() read the C key.
local KeyPair = {}
foil.DeliveryKeyPair = KeyPair

function KeyPair.__index(kp, k)
   local m = KeyPair[k]
   if m ~= nil then return m end
   if k == "public_key" then return native.delivery_key_pair_public_key(handle_of(kp, "key pair", 2)) end
   if k == "key_id" then return native.delivery_key_pair_key_id(handle_of(kp, "key pair", 2)) end
   return nil
end

--- kp:export_pkcs8(): the private key (a secret) as base64url PKCS#8.
function KeyPair:export_pkcs8()
   return native.delivery_key_pair_export_pkcs8(handle_of(self, "key pair", 2))
end

function KeyPair:close() close_handle(self) end
KeyPair.__close = KeyPair.close
function KeyPair.__tostring(kp)
   local h = rawget(kp, "_h")
   if not native.is_open(h) then return "foil.DeliveryKeyPair(closed)" end
   return "foil.DeliveryKeyPair(" .. native.delivery_key_pair_key_id(h) .. ")"
end

local function key_pair(h)
   local kp = setmetatable({ _h = h }, KeyPair)
   -- { version, algorithm, key_id, public_key }: public, so it stays readable after close
   kp.delivery = native.json_decode(native.delivery_key_pair_request_json(h))
   kp.private_key = kp
   return kp
end

--- foil.create_delivery_key_pair(): a fresh X25519 key pair.
function foil.create_delivery_key_pair()
   return key_pair(native.delivery_key_pair_new())
end

--- foil.import_delivery_private_key_pkcs8(text): a key pair, or nil, err.
function foil.import_delivery_private_key_pkcs8(text)
   local h, err = try_data(native.delivery_key_pair_import_pkcs8, check_string(text, "pkcs8"))
   if not h then return nil, err end
   return key_pair(h)
end

function foil.export_delivery_private_key_pkcs8(kp)
   if getmetatable(kp) ~= KeyPair then argerror("expected a foil.DeliveryKeyPair", 2) end
   return kp:export_pkcs8()
end

--- foil.decrypt_gate_delivery_envelope(private_key, envelope): the payload table
-- ({ outputs = {...}, ack_token = ..., ... }), or nil, err.
function foil.decrypt_gate_delivery_envelope(private_key, envelope)
   if getmetatable(private_key) ~= KeyPair then argerror("private_key must be a foil.DeliveryKeyPair", 2) end
   local h, err = try_data(native.gate_delivery_decrypt, handle_of(private_key, "key pair", 2),
                      json_text(envelope, "envelope"))
   if not h then return nil, err end
   local payload = native.delivery_payload_json(h)
   native.close(h)
   return payload
end

--- foil.encrypt_gate_delivery_payload(delivery, payload): the envelope table, or nil, err.
function foil.encrypt_gate_delivery_payload(delivery, payload)
   local text, err = try_data(native.gate_delivery_encrypt, json_text(delivery, "delivery"),
                         json_text(payload, "payload"))
   if not text then return nil, err end
   return native.json_decode(text)
end

--- foil.validate_gate_delivery_request(delivery): the delivery table, or nil, err.
function foil.validate_gate_delivery_request(delivery)
   local text = json_text(delivery, "delivery")
   local ok, err = try_data(native.gate_delivery_request_validate, text)
   if ok == nil and err then return nil, err end
   return native.json_decode(text)
end

--- foil.key_id_for_public_key(public_key_b64url): the delivery key id.
function foil.key_id_for_public_key(public_key)
   return try_data(native.gate_delivery_key_id, check_string(public_key, "public_key"))
end

--- foil.create_gate_approved_webhook_response{ delivery = ..., outputs = {...} }
function foil.create_gate_approved_webhook_response(args)
   args = check_table(args, "arguments")
   local text, err = try_data(native.gate_approved_webhook_response, json_text(args.delivery, "delivery"),
                         json_text(args.outputs or {}, "outputs"))
   if not text then return nil, err end
   return native.json_decode(text)
end

--- foil.validate_gate_approved_webhook_payload(payload): the payload table, or nil, err.
function foil.validate_gate_approved_webhook_payload(payload)
   local text = json_text(payload, "payload")
   local ok, err = try_data(native.gate_approved_webhook_payload_validate, text)
   if ok == nil and err then return nil, err end
   return native.json_decode(text)
end

--- Env-var policy helpers (the other SDKs' names).
function foil.derive_gate_agent_token_env_key(service_id)
   return try_data(native.gate_agent_token_env_key, check_string(service_id, "service_id"))
end
function foil.is_gate_managed_env_var_key(key)
   return native.env_key_is_gate_managed(check_string(key, "key")) ~= 0
end
function foil.is_blocked_gate_env_var_key(key)
   return native.env_key_is_blocked(check_string(key, "key")) ~= 0
end

--- foil.version(): the C core's version string.
function foil.version() return native.version_string() end

-- Lazily loaded: foil.testing (the embedded emulator).
setmetatable(foil, {
   __index = function(t, k)
      if k == "testing" then
         local testing = require("foil.testing")._init(t)
         rawset(t, "testing", testing)
         return testing
      end
   end,
})

return foil
