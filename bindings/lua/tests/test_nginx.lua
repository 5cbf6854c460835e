-- The rock inside a real nginx (its Lua module, LuaJIT): bindings/lua/examples/nginx/nginx.conf
-- as shipped (only its listen port and Lua paths changed, and nginx_test_locations.conf
-- included), one worker, against an emulator running in this process. Calls made in request
-- phases go through cosockets and overlap; the libcurl transport, forced, blocks the worker.
local foil = require "foil"

local here = (debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".")
local example_dir = here .. "/../examples/nginx"

local function read(path)
   local f = assert(io.open(path, "rb"))
   local text = f:read("*a")
   f:close()
   return text
end

-- Shared by the file's tests: one emulator, one nginx, started by the first test that needs them.
local nginx, emu, srv, tls, setup_error

local started, start_failure
local function server(t)
   if setup_error then t.skip(setup_error) end
   if srv then return srv, emu end
   if start_failure then error("nginx did not start (see the first test's failure)", 2) end
   local ok, err = pcall(started, t)
   if not ok then
      if type(err) == "table" then error(err, 0) end -- a skip
      start_failure = true
      error(err, 2)
   end
   return srv, emu
end

function started(t)
   local ok, socket_ok = pcall(require, "socket")
   if not ok or not socket_ok then
      setup_error = "LuaSocket is needed to talk to nginx (Debian: lua-socket)"
      t.skip(setup_error)
   end
   nginx = require "nginx_server"
   local available, why = nginx.available()
   if not available then
      setup_error = why
      t.skip(why)
   end
   emu = foil.testing.emulator{ session_count = 120, auto_approve_ms = 1000 }
   -- Two TLS fronts of the emulator (nginx proxying to it): one whose certificate the
   -- cosockets trust (lua_ssl_trusted_certificate), one they do not.
   tls = { dir = assert(io.popen("mktemp -d /tmp/foil-nginx-tls.XXXXXX")):read("*l"),
           trusted_port = nginx.free_port(), untrusted_port = nginx.free_port(),
           chunked_port = nginx.free_port() }
   for _, name in ipairs({ "trusted", "untrusted" }) do
      assert(os.execute(string.format(
         "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
            .. "-addext subjectAltName=IP:127.0.0.1,DNS:127.0.0.1 -keyout %s/%s.key -out %s/%s.pem 2>/dev/null",
         tls.dir, name, tls.dir, name)))
   end
   local servers = {}
   for _, name in ipairs({ "trusted", "untrusted" }) do
      servers[#servers + 1] = string.format([[
server {
    listen 127.0.0.1:%d ssl;
    ssl_certificate %s/%s.pem;
    ssl_certificate_key %s/%s.key;
    location / {
        proxy_pass %s;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}]], tls[name .. "_port"], tls.dir, name, tls.dir, name, emu.base_url)
   end
   -- A plain front that answers chunked: sub_filter rewrites the body, so nginx drops the
   -- emulator's Content-Length and sends Transfer-Encoding: chunked.
   servers[#servers + 1] = string.format([[
server {
    listen 127.0.0.1:%d;
    location / {
        proxy_pass %s;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        sub_filter_types application/json;
        sub_filter_once off;
        sub_filter '"object"' '"object"';
    }
}]], tls.chunked_port, emu.base_url)
   local conf = read(example_dir .. "/nginx.conf")
   local function swap(pattern, replacement)
      local out, n = conf:gsub(pattern, replacement)
      assert(n == 1, "the example nginx.conf no longer has " .. pattern)
      conf = out
   end
   swap("listen 127%.0%.0%.1:8080;", "listen 127.0.0.1:@PORT@;\n        include nginx_test_locations.conf;")
   swap('lua_package_path "[^"]*";', 'lua_package_path "@LUA_PATH@";')
   swap('lua_package_cpath "[^"]*";', 'lua_package_cpath "@LUA_CPATH@";')
   swap("lua_ssl_trusted_certificate [^;]*;", "lua_ssl_trusted_certificate " .. tls.dir .. "/trusted.pem;")
   swap("\nhttp {\n", "\nhttp {\n    include nginx_test_http.conf;\n")
   srv = nginx.start{
      conf = conf,
      files = {
         ["foil_app.lua"] = read(example_dir .. "/foil_app.lua"),
         ["nginx_test_locations.conf"] = read(here .. "/nginx_test_locations.conf"),
         ["nginx_test_http.conf"] = table.concat(servers, "\n") .. "\n",
      },
      env = { FOIL_SECRET_KEY = emu.secret_key, FOIL_BASE_URL = emu.base_url },
   }
   return srv, emu
end

local function json(body) return foil.json_decode(body) end

return function(t)
   t.test("nginx: the example's /check verifies a sealed token and reads the session", function()
      local s, e = server(t)
      local id = e:session_id(3)
      local status, body = s:get("/check", { ["X-Foil-Token"] = e:mint_sealed_token(id) })
      t.eq(status, 200, body)
      local got = json(body)
      t.eq(got.session_id, id)
      local direct = assert(e:client().sessions:get(id))
      t.eq(got.verdict, direct.decision.verdict)
      status = s:get("/check", { ["X-Foil-Token"] = "not-a-token" })
      t.eq(status, 401)
   end)

   t.test("nginx: 50 concurrent checks, each delayed 300 ms by the API, take about the delay", function()
      local s, e = server(t)
      local requests = {}
      for i = 1, 50 do
         requests[i] = { path = "/check", headers = { ["X-Foil-Token"] = e:mint_sealed_token(e:session_id(i)) } }
      end
      s:get("/check", requests[1].headers) -- the worker's client exists and is connected
      e:inject_fault("delay", { method = "GET", path = "/v1/sessions/", count = 50, delay_ms = 300 })
      local answers, seconds = s:get_many(requests)
      e:clear_faults()
      for i, a in ipairs(answers) do
         t.eq(a.status, 200, "request " .. i .. ": " .. tostring(a.body))
         t.eq(json(a.body).session_id, e:session_id(i))
      end
      -- Serially they would take 15 s; overlapping, the delay plus overheads (2-core CI: margin).
      t.ok(seconds >= 0.29, "faster than the delay: the fault did not apply (" .. seconds .. " s)")
      t.ok(seconds < 2.5, string.format("50 delayed checks took %.2f s: they did not overlap", seconds))
   end)

   t.test("nginx: the libcurl transport, forced, blocks the worker (the contrast)", function()
      local s, e = server(t)
      local requests = {}
      for i = 1, 8 do
         requests[i] = { path = "/t/check-curl", headers = { ["X-Foil-Token"] = e:mint_sealed_token(e:session_id(i)) } }
      end
      s:get("/t/check-curl", requests[1].headers)
      e:inject_fault("delay", { method = "GET", path = "/v1/sessions/", count = 8, delay_ms = 300 })
      local answers, seconds = s:get_many(requests)
      e:clear_faults()
      for i, a in ipairs(answers) do
         t.eq(a.status, 200, tostring(a.body))
         t.eq(json(a.body).session_id, e:session_id(i))
      end
      -- One worker, each call holding it 300 ms: one after the other.
      t.ok(seconds >= 8 * 0.3 * 0.9, string.format("8 blocking calls took only %.2f s", seconds))
   end)

   t.test("nginx: API and transport failures are the same nil, err as outside nginx", function()
      local s, e = server(t)
      local direct = e:client{ timeout = 0.5, max_response_bytes = 1048576 }
      local cases = {
         { fault = nil, id = "sid_missing" },
         { fault = { "status", { status = 500 } } },
         { fault = { "status", { status = 403 } } },
         { fault = { "corrupt" } },
         { fault = { "content_type" } },
         { fault = { "truncate" } },
         { fault = { "reset" } },
         { fault = { "oversized" } },
         { fault = { "delay", { delay_ms = 1500 } }, timeout = 0.5 },
      }
      for _, c in ipairs(cases) do
         local id = c.id or e:session_id(1)
         local function arm()
            if not c.fault then return end
            local o = { method = "GET", path = "/v1/sessions/", count = 1 }
            for k, v in pairs(c.fault[2] or {}) do o[k] = v end
            e:inject_fault(c.fault[1], o)
         end
         arm()
         local _, want = direct.sessions:get(id)
         e:clear_faults()
         t.ok(want, "outside nginx, the fault gave no error")
         arm()
         local path = "/t/get/" .. id .. "?transport=ngx&max=1048576&timeout=" .. (c.timeout or 10)
         local status, body = s:get(path)
         e:clear_faults()
         t.eq(status, 200, body)
         local got = json(body).error
         local what = (c.fault and c.fault[1] or "not found") .. ": " .. tostring(body)
         t.ok(got, what)
         t.ok(got.metatable, "a foil.Error: " .. what)
         t.eq(got.kind, want.kind, what)
         t.eq(got.status, want.status, what)
         t.eq(got.code, want.code, what)
         if want.status ~= 0 then t.eq(got.message, want.message, what) end
      end
   end)

   t.test("nginx: a call in log_by_lua or header_filter_by_lua is nil, err naming ngx.timer.at", function()
      local s, e = server(t)
      for _, phase in ipairs({ "log", "header_filter" }) do
         local status = s:get("/t/" .. phase:gsub("_", "-") .. "/" .. e:session_id(1))
         t.eq(status, 200)
         local body
         for _ = 1, 50 do -- the log phase runs after the answer went out
            status, body = s:get("/t/last/" .. phase)
            if not json(body).missing then break end
            require("socket").sleep(0.02)
         end
         local got = json(body)
         t.ok(not got.raised, phase .. ": raised instead of returning nil, err: " .. tostring(got.raised))
         t.eq(got.result, false, phase)
         t.eq(got.error.kind, "state", phase)
         t.eq(got.error.code, "client.ngx_phase", phase)
         t.ok(got.error.message:find("ngx.timer.at", 1, true), phase .. ": " .. got.error.message)
         t.ok(got.error.message:find(phase, 1, true), phase .. ": names the phase: " .. got.error.message)
      end
   end)

   t.test("nginx: a call from an ngx.timer callback goes through cosockets", function()
      local s, e = server(t)
      local status, body = s:get("/t/timer/" .. e:session_id(2))
      t.eq(status, 200, body)
      local got = json(body)
      t.eq(got.phase, "timer")
      t.eq(got.id, e:session_id(2), body)
   end)

   t.test("nginx: keep-alive: sequential calls reuse one connection (setkeepalive pool)", function()
      local s, e = server(t)
      s:get("/t/several/" .. e:session_id(1) .. "?n=1") -- the pool has a connection
      local before_conn, before_req = e.connections, e.requests
      local status, body = s:get("/t/several/" .. e:session_id(1) .. "?n=10")
      t.eq(status, 200, body)
      t.eq(e.requests - before_req, 10)
      t.ok(e.connections - before_conn <= 1,
           "10 calls opened " .. (e.connections - before_conn) .. " connections")
   end)

   t.test("nginx: an iterator walks every page through cosockets", function()
      local s, e = server(t)
      local status, body = s:get("/t/walk?limit=25")
      t.eq(status, 200, body)
      local ids = json(body).ids
      local want = {}
      for item in e:client().sessions:iter{ limit = 50 } do want[#want + 1] = item.id end
      t.eq(#ids, 120)
      t.same(ids, want)
   end)

   t.test("nginx: a walk requests the next page ahead (prefetch) while the caller works on one", function()
      local s, e = server(t)
      local limit, delay, work = 20, 0.25, 0.25
      local want = {}
      for item in e:client().sessions:iter{ limit = limit } do want[#want + 1] = item.id end
      local pages = math.ceil(#want / limit)
      local serial = pages * (delay + work)
      local got = {}
      for _, prefetch in ipairs({ "1", "0" }) do
         e:inject_fault("delay", { method = "GET", path = "/v1/sessions", count = 100, delay_ms = delay * 1000 })
         local status, body = s:get("/t/walk-timed?limit=" .. limit .. "&work=" .. work .. "&prefetch=" .. prefetch)
         e:clear_faults()
         t.eq(status, 200, body)
         got[prefetch] = json(body)
         t.same(got[prefetch].ids, want, "prefetch=" .. prefetch .. ": the libcurl walk's items")
      end
      -- Without prefetch each page costs its delay plus the work; with it, the next page's
      -- delay runs during the work (2-core CI: generous margins).
      t.ok(got["0"].seconds >= serial * 0.9,
           string.format("prefetch = false: %.2f s for %d pages, expected about %.2f", got["0"].seconds, pages, serial))
      t.ok(got["1"].seconds < serial * 0.8,
           string.format("prefetch: %.2f s for %d pages, not clearly under %.2f", got["1"].seconds, pages, serial))
   end)

   t.test("nginx: a walk abandoned with the next page in flight: no error, the connection is reused", function()
      local s, e = server(t)
      local log_before = #s:error_log()
      local before_req = e.requests
      e:inject_fault("delay", { method = "GET", path = "/v1/sessions", count = 2, delay_ms = 300 })
      local status, body = s:get("/t/walk-break?limit=10&take=3")
      e:clear_faults()
      t.eq(status, 200, body)
      t.eq(e.requests - before_req, 2, "the first page and the next, requested ahead")
      local want = {}
      for item in e:client().sessions:iter{ limit = 10 } do
         want[#want + 1] = item.id
         if #want == 3 then break end
      end
      t.same(json(body).ids, want)
      local before_conn = e.connections
      status, body = s:get("/t/several/" .. e:session_id(1) .. "?n=1")
      t.eq(status, 200, body)
      t.eq(e.connections - before_conn, 0, "the next call opened a connection: the pool lost them")
      local log = s:error_log():sub(log_before + 1)
      for line in log:gmatch("[^\n]+") do
         t.ok(not line:find("%[error%]") and not line:find("%[alert%]") and not line:find("%[crit%]"), line)
      end
   end)

   t.test("nginx: client:cancel() from another request ends a cosocket call at once (cancelled)", function()
      local s, e = server(t)
      local id = e:session_id(7)
      s:get("/t/slow/" .. id) -- the worker's shared client exists
      -- The error the libcurl transport gives a cancelled sessions:get (the core's, from the
      -- same request prepared outside nginx).
      local direct = e:client()
      local req = foil.native.prepare(direct._h, "sessions.get", foil.native.params_json({ session_id = id }))
      local _, want = pcall(foil.native.settle_failure, req, foil.native.FOIL_E_CANCELLED, nil, 0, 0)
      t.eq(want.kind, "cancelled")
      e:inject_fault("delay", { method = "GET", path = "/v1/sessions/", count = 1, delay_ms = 5000 })
      local socket = require "socket"
      local started = socket.gettime()
      local finish = s:start_get("/t/slow/" .. id)
      socket.sleep(0.3)
      local status, body = s:get("/t/cancel")
      t.eq(status, 200, body)
      status, body = finish()
      local seconds = socket.gettime() - started
      e:clear_faults()
      t.eq(status, 200, body)
      local got = json(body)
      t.ok(got.error, "not cancelled: " .. body)
      t.eq(got.error.kind, want.kind, body)
      t.eq(got.error.code, want.code, body)
      t.eq(got.error.message, want.message, body)
      t.ok(seconds < 2, string.format("the cancelled call took %.2f s (the API delays 5 s)", seconds))
      -- Only the calls in flight are cancelled: the next one runs.
      status, body = s:get("/t/slow/" .. id)
      t.eq(status, 200, body)
      t.eq(json(body).id, id, body)
   end)

   t.test("nginx: client:cancel() ends a retry's back-off and a walk waiting for its prefetched page", function()
      local s, e = server(t)
      local socket = require "socket"
      local id = e:session_id(8)
      s:get("/t/slow/" .. id .. "?client=retry")
      -- Ten retries of 503s, each after the emulator's Retry-After (1 s): the cancel at 0.2 s
      -- finds the call waiting to retry, and ends the wait (not the next attempt at 1 s).
      e:inject_fault("status", { method = "GET", path = "/v1/sessions/", count = 20, status = 503 })
      local started = socket.gettime()
      local finish = s:start_get("/t/slow/" .. id .. "?client=retry")
      socket.sleep(0.2)
      t.eq((s:get("/t/cancel?client=retry")), 200)
      local status, body = finish()
      local seconds = socket.gettime() - started
      e:clear_faults()
      t.eq(status, 200, body)
      local got = json(body)
      t.eq(got.error and got.error.kind, "cancelled", body)
      t.ok(seconds < 0.7, string.format("the cancelled retries took %.2f s", seconds))

      -- Pages of 10, the first two delayed 1 s: the walk reads the first page at 1 s and then
      -- waits for the second, requested ahead; the cancel at 1.5 s ends that wait.
      e:inject_fault("delay", { method = "GET", path = "/v1/sessions", count = 2, delay_ms = 1000 })
      started = socket.gettime()
      finish = s:start_get("/t/walk-all?limit=10")
      socket.sleep(1.5)
      t.eq((s:get("/t/cancel")), 200)
      status, body = finish()
      seconds = socket.gettime() - started
      e:clear_faults()
      t.eq(status, 200, body)
      got = json(body)
      t.eq(got.error and got.error.kind, "cancelled", body)
      t.eq(#got.ids, 10, "the first page, then the cancel")
      t.ok(seconds < 1.9, string.format("the cancelled walk took %.2f s", seconds))
   end)

   t.test("nginx: a Gate signup through cosockets: create, wait (ngx.sleep between polls), ack", function()
      local s = server(t)
      local status, body = s:get("/t/signup")
      t.eq(status, 200, body)
      local got = json(body)
      t.ok(not got.error, body)
      t.eq(got.status, "acknowledged", body)
      t.eq(got.polled, "pending", "s:poll() before the approval: " .. body)
      t.ok(#got.outputs > 0, body)
   end)

   t.test("nginx: https through cosockets: the certificate is verified (lua_ssl_trusted_certificate)", function()
      local s, e = server(t)
      local id = e:session_id(4)
      local status, body = s:get("/t/get/" .. id .. "?base=https://127.0.0.1:" .. tls.trusted_port)
      t.eq(status, 200, body)
      t.eq(json(body).id, id, body)
      status, body = s:get("/t/get/" .. id .. "?base=https://127.0.0.1:" .. tls.untrusted_port)
      t.eq(status, 200, body)
      local err = json(body).error
      t.ok(err, "an untrusted certificate was accepted: " .. body)
      t.eq(err.kind, "connection", body)
      t.ok(err.message:find("certificate", 1, true) or err.message:find("handshake", 1, true), body)
   end)

   t.test("nginx: chunked responses are read (a front that answers chunked)", function()
      local s, e = server(t)
      local id = e:session_id(5)
      local raw = require("socket").tcp()
      raw:settimeout(5)
      assert(raw:connect("127.0.0.1", tls.chunked_port))
      raw:send("GET /v1/sessions/" .. id .. " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " .. e.secret_key
               .. "\r\nConnection: close\r\n\r\n")
      local head = raw:receive("*a") or ""
      raw:close()
      t.ok(head:lower():find("transfer%-encoding: chunked"), "the front does not answer chunked")
      local status, body = s:get("/t/get/" .. id .. "?base=http://127.0.0.1:" .. tls.chunked_port)
      t.eq(status, 200, body)
      t.eq(json(body).id, id, body)
   end)

   t.test("nginx: opt-in retries through cosockets (ngx.sleep between attempts)", function()
      local s, e = server(t)
      local id = e:session_id(6)
      local before = e.requests
      e:inject_fault("status", { method = "GET", path = "/v1/sessions/", count = 1, status = 503 })
      local status, body = s:get("/t/get/" .. id .. "?retries=2")
      e:clear_faults()
      t.eq(status, 200, body)
      t.eq(json(body).id, id, body)
      t.eq(e.requests - before, 2, "one failed attempt, one retry")
      before = e.requests
      e:inject_fault("status", { method = "GET", path = "/v1/sessions/", count = 1, status = 503 })
      status, body = s:get("/t/get/" .. id .. "?retries=0&timeout=5")
      e:clear_faults()
      t.eq(json(body).error.kind, "server", body)
      t.eq(e.requests - before, 1, "no retry unless asked for")
   end)

   t.test("nginx: a hostile server's malformed answers are nil, err (connection); the worker keeps serving", function()
      local s, e = server(t)
      local socket = require "socket"
      local body = '{"data":{"id":"sid_x"}}'
      local function head(lines) return table.concat(lines, "\r\n") .. "\r\n\r\n" end
      local ok200 = "HTTP/1.1 200 OK"
      local ctype = "Content-Type: application/json"
      -- name -> the raw answer: none is a valid HTTP/1.1 answer (RFC 9112).
      local answers = {
         -- A fractional Content-Length made the body loop ask for 0.5 byte forever: the
         -- worker spun at 100% CPU and served nothing else.
         cl_fraction = head({ ok200, ctype, "Content-Length: " .. (#body - 0.5) }) .. body,
         cl_negative = head({ ok200, ctype, "Content-Length: -5" }) .. body,
         cl_hex = head({ ok200, ctype, string.format("Content-Length: 0x%x", #body) }) .. body,
         cl_exponent = head({ ok200, ctype, "Content-Length: 2e1" }) .. body,
         cl_twice = head({ ok200, ctype, "Content-Length: " .. #body, "Content-Length: 3" }) .. body,
         chunk_negative = head({ ok200, ctype, "Transfer-Encoding: chunked" }) .. "-5\r\n" .. body .. "\r\n0\r\n\r\n",
         chunk_huge = head({ ok200, ctype, "Transfer-Encoding: chunked" }) .. string.rep("f", 24) .. "\r\n" .. body,
         header_nul = head({ ok200, ctype, "X-Bad: a\0b", "Content-Length: " .. #body }) .. body,
         header_name_nul = head({ ok200, ctype, "X-B\0ad: ab", "Content-Length: " .. #body }) .. body,
         status_099 = head({ "HTTP/1.1 099 Odd", "Content-Length: " .. #body }) .. body,
         status_000 = head({ "HTTP/1.1 000 Odd", "Content-Length: " .. #body }) .. body,
         headers_huge = ok200 .. "\r\n" .. string.rep("X-H: 1\r\n", 60000) .. "Content-Length: 2\r\n\r\n{}",
         -- Well-formed, but announcing a body past the size cap: the cap's error (protocol)
         -- at the headers, as libcurl gives it, not a read of a body that may never come.
         cl_past_cap = head({ ok200, ctype, "Content-Length: 99999999999999" }) .. body,
      }
      local kinds = { cl_past_cap = "protocol" }
      local dir = assert(io.popen("mktemp -d /tmp/foil-raw.XXXXXX")):read("*l")
      local names = {}
      for name, raw in pairs(answers) do
         names[#names + 1] = name
         local f = assert(io.open(dir .. "/" .. name, "wb"))
         f:write(raw)
         f:close()
      end
      table.sort(names)
      local interp = -1
      while arg[interp - 1] do interp = interp - 1 end
      local p = io.popen(string.format("%s %s/raw_server.lua %s > %s/port 2>/dev/null & echo $!", arg[interp],
                                       here, dir, dir))
      local pid = p:read("*l")
      p:close()
      local port
      for _ = 1, 500 do
         local f = io.open(dir .. "/port")
         port = f and f:read("*l")
         if f then f:close() end
         if port and port ~= "" then break end
         socket.sleep(0.01)
      end
      local results = {}
      for _, name in ipairs(names) do
         local status, got = s:get("/t/get/" .. name .. "?timeout=3&base=http://127.0.0.1:" .. tostring(port), nil, 10)
         results[name] = { status = status, body = got }
      end
      os.execute("kill " .. pid .. " 2>/dev/null; rm -rf '" .. dir .. "'")
      for _, name in ipairs(names) do
         local r = results[name]
         t.eq(r.status, 200, name .. ": raised or no answer (the worker hung?): " .. tostring(r.body))
         local err = r.status == 200 and json(r.body).error
         t.ok(err and err.metatable, name .. ": " .. tostring(r.body))
         t.eq(err and err.kind, kinds[name] or "connection", name .. ": " .. tostring(r.body))
      end
      t.ok(tostring(json(results.cl_past_cap.body).error.message):find("exceeds the", 1, true),
           results.cl_past_cap.body)
      -- The worker still serves.
      local status, got = s:get("/t/get/" .. e:session_id(1), nil, 10)
      t.eq(status, 200, got)
      t.eq(json(got).id, e:session_id(1), got)
   end)

   t.test("nginx: requests that go away mid-call (lua_check_client_abort) leave no watched call behind", function()
      local s, e = server(t)
      local socket = require "socket"
      local id = e:session_id(9)
      s:get("/t/slow/" .. id) -- the worker's shared client exists
      local status, body = s:get("/t/watched")
      t.eq(status, 200, body)
      t.ok(json(body).found, "foil/ngx.lua no longer keeps its calls in `calls`: " .. body)
      local before = json(body).watched
      e:inject_fault("delay", { method = "GET", path = "/v1/sessions/", count = 20, delay_ms = 500 })
      for _ = 1, 20 do
         local c = socket.tcp()
         c:settimeout(5)
         assert(c:connect("127.0.0.1", s.port))
         c:send("GET /t/slow-abortable/" .. id .. " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
         socket.sleep(0.05)
         c:close() -- nginx ends the request while its call waits
      end
      socket.sleep(0.8) -- every delayed answer has come (or its socket was closed)
      e:clear_faults()
      status, body = s:get("/t/watched")
      t.eq(status, 200, body)
      t.eq(json(body).watched, before, "calls of ended requests are still watched: " .. body)
      status, body = s:get("/t/slow/" .. id)
      t.eq(status, 200, body)
      t.eq(json(body).id, id, body)
   end)

   t.test("nginx: the error log has no Lua error and no alert; nginx stops", function()
      local s = server(t)
      local log = s:error_log()
      s:stop()
      srv, setup_error = nil, "nginx was stopped"
      emu:close()
      os.execute("rm -rf '" .. tls.dir .. "'")
      for line in log:gmatch("[^\n]+") do
         t.ok(not line:find("%[alert%]") and not line:find("%[emerg%]") and not line:find("%[crit%]"), line)
         t.ok(not line:find("lua entry thread aborted", 1, true), line)
         t.ok(not line:find("runtime error", 1, true), line)
      end
   end)
end
