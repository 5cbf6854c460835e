--- Handlers of the nginx test's own locations (test_nginx.lua includes them next to the
-- example's). Each answers JSON: the result, or the foil error's fields.
local foil = require "foil"

local app = {}

local clients = {}
local function client(transport)
   local key = transport or "auto"
   if not clients[key] then clients[key] = foil.new{ transport = transport, timeout = 10 } end
   return clients[key]
end

-- The worker's client that retries (opt-in max_retries), for /t/slow and /t/cancel.
local function retrying_client()
   if not clients.retry then clients.retry = foil.new{ timeout = 10, max_retries = 10 } end
   return clients.retry
end
local function shared(which) return which == "retry" and retrying_client() or client() end

local function error_fields(err)
   return { kind = err.kind, status = err.status, code = err.code, message = err.message,
            metatable = getmetatable(err) == foil.Error, text = tostring(err) }
end

local function reply(value)
   ngx.header["Content-Type"] = "application/json"
   ngx.say(foil.json_encode(value))
end

--- GET /t/get/<id>?transport=curl|ngx&timeout=s&base=url&retries=n&max=bytes: sessions:get through that
-- transport (a client of its own when timeout, base or retries is given).
function app.get(id)
   local args = ngx.req.get_uri_args()
   local c = (args.timeout or args.base or args.retries or args.max)
      and foil.new{ transport = args.transport, timeout = tonumber(args.timeout), base_url = args.base,
                    max_retries = tonumber(args.retries), max_response_bytes = tonumber(args.max) }
      or client(args.transport)
   local session, err = c.sessions:get(id)
   if not session then return reply({ error = error_fields(err) }) end
   return reply({ id = session.id })
end

--- GET /t/check-curl: the example's /check, through a client that forces libcurl.
function app.check_curl()
   local data, err = foil.verify_foil_token(ngx.var.http_x_foil_token, os.getenv("FOIL_SECRET_KEY"))
   if not data then return reply({ error = error_fields(err) }) end
   local session, serr = client("curl").sessions:get(data.session_id)
   if not session then return reply({ error = error_fields(serr) }) end
   return reply({ session_id = session.id })
end

--- GET /t/walk?limit=n: every session id through an iterator.
function app.walk()
   local ids = {}
   for s in client().sessions:iter{ limit = tonumber(ngx.req.get_uri_args().limit) } do
      ids[#ids + 1] = s.id
   end
   return reply({ ids = ids })
end

--- GET /t/walk-timed?limit=n&work=s&prefetch=0|1: every session id through an iterator
-- (prefetch=0: a client with prefetch = false), sleeping `work` seconds (ngx.sleep) at each
-- page's first item, as a caller working on each page would; and the walk's seconds.
function app.walk_timed()
   local args = ngx.req.get_uri_args()
   local limit, work = tonumber(args.limit), tonumber(args.work) or 0
   local c = args.prefetch == "0" and foil.new{ prefetch = false, timeout = 10 } or client()
   ngx.update_time()
   local started = ngx.now()
   local ids = {}
   for s in c.sessions:iter{ limit = limit } do
      if #ids % limit == 0 then ngx.sleep(work) end
      ids[#ids + 1] = s.id
   end
   ngx.update_time()
   return reply({ ids = ids, seconds = ngx.now() - started })
end

--- GET /t/walk-break?limit=n&take=k: the first k items of a walk, then break (the next
-- page, requested ahead, is still in flight).
function app.walk_break()
   local args = ngx.req.get_uri_args()
   local ids = {}
   for s in client().sessions:iter{ limit = tonumber(args.limit) } do
      ids[#ids + 1] = s.id
      if #ids == tonumber(args.take) then break end
   end
   collectgarbage()
   return reply({ ids = ids })
end

--- GET /t/walk-all?limit=n: every session id through the worker's shared client, or the
-- error the walk raised.
function app.walk_all()
   local ids = {}
   local ok, err = pcall(function()
      for s in client().sessions:iter{ limit = tonumber(ngx.req.get_uri_args().limit) } do
         ids[#ids + 1] = s.id
      end
   end)
   return reply({ ids = ids, error = not ok and error_fields(err) or nil })
end

--- GET /t/slow/<id>?client=retry: sessions:get on the worker's shared client (or its
-- retrying one), and its seconds (for /t/cancel to end it).
function app.slow(id)
   ngx.update_time()
   local started = ngx.now()
   local session, err = shared(ngx.req.get_uri_args().client).sessions:get(id)
   ngx.update_time()
   return reply({ id = session and session.id, error = err and error_fields(err),
                  seconds = ngx.now() - started })
end

--- GET /t/cancel?client=retry: client:cancel() on the worker's shared client (or its
-- retrying one), from this request.
function app.cancel()
   shared(ngx.req.get_uri_args().client):cancel()
   return reply({ cancelled = true })
end

--- GET /t/several?n=k: k sequential calls on one client (keep-alive reuse).
function app.several(id)
   local n = tonumber(ngx.req.get_uri_args().n) or 3
   for _ = 1, n do
      local session, err = client().sessions:get(id)
      if not session then return reply({ error = error_fields(err) }) end
   end
   return reply({ calls = n })
end

-- What a call in a phase without cosockets returned (log, header_filter), for /t/last.
local last = {}

function app.call_from(phase, id)
   local ok, session, err = pcall(function() return client().sessions:get(id) end)
   last[phase] = ok and { result = session ~= nil, error = err and error_fields(err) }
      or { raised = tostring(session) }
end

function app.last(phase) return reply(last[phase] or { missing = true }) end

--- GET /t/timer/<id>: the call from ngx.timer.at (where cosockets exist), waited for.
function app.timer(id)
   local done = {}
   local ok, terr = ngx.timer.at(0, function(premature)
      if premature then return end
      done.session, done.err = client().sessions:get(id)
      done.phase = ngx.get_phase()
   end)
   if not ok then return reply({ timer_error = terr }) end
   for _ = 1, 200 do
      if done.phase then break end
      ngx.sleep(0.01)
   end
   return reply({ phase = done.phase, id = done.session and done.session.id,
                  error = done.err and error_fields(done.err) })
end

--- GET /t/signup: a Gate signup through cosockets (the emulator auto-approves): create, wait
-- (sleeping with ngx.sleep), ack.
function app.signup()
   local s, err = client().gate:signup{ service_id = "foil", account_name = "nginx-test" }
   if not s then return reply({ error = error_fields(err) }) end
   local polled, perr = s:poll()
   if not polled then return reply({ error = error_fields(perr) }) end
   local steps = 0
   local outputs, werr = s:wait{ timeout = 10, interval = 0.05,
                                 on_progress = function() steps = steps + 1 end }
   if not outputs then return reply({ error = error_fields(werr) }) end
   local acked, aerr = s:ack()
   if not acked then return reply({ error = error_fields(aerr) }) end
   local names = {}
   for k in pairs(outputs) do names[#names + 1] = k end
   table.sort(names)
   return reply({ status = s.status, polled = polled, outputs = names, steps = steps })
end

--- GET /t/watched: how many cosocket calls foil/ngx.lua watches (for client:cancel()), after
-- a full collection: those in flight; a call whose request nginx ended goes with it.
function app.watched()
   collectgarbage()
   collectgarbage()
   local cancel, calls = require("foil.ngx").cancel, nil
   for i = 1, math.huge do
      local name, value = debug.getupvalue(cancel, i)
      if not name then break end
      if name == "calls" then calls = value end
   end
   local n = 0
   for _, set in pairs(calls or {}) do
      for _ in pairs(set) do n = n + 1 end
   end
   return reply({ watched = n, found = calls ~= nil })
end

return app
