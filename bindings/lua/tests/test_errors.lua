-- Failures: nil, err for API and network failures (with every field of the error record),
-- error() for programmer errors; kinds from the core's status table, with parents.
return function(t)
   local foil = require "foil"
   local env = require "env"

   t.test("every kind of the core's status table is in foil.errors", function()
      local n = 0
      for kind, v in pairs(foil.errors) do
         t.eq(kind, v)
         n = n + 1
      end
      t.ok(n >= 24, "kinds: " .. n)
      local e = setmetatable({ kind = "not_found" }, foil.Error)
      t.ok(e:is("not_found") and e:is("api") and e:is("error") and not e:is("connection"))
      t.ok(setmetatable({ kind = "invalid_argument" }, foil.Error):is("validation"))
      t.ok(setmetatable({ kind = "invalid_argument" }, foil.Error):is("api"))
      t.ok(setmetatable({ kind = "timeout" }, foil.Error):is("connection"))
   end)

   t.test("an API error: fields, one-line tostring with the request id", function()
      local c = env.client()
      local v, err = c.sessions:get("sid_0000000000000000000000000")
      t.eq(v, nil)
      t.eq(err.kind, "not_found")
      t.ok(err:is("api"))
      t.eq(err.status, 404)
      t.eq(err.code, "request.not_found")
      t.ok(err.message and #err.message > 0)
      t.ok(err.request_id and err.request_id:find("^req_"))
      local line = tostring(err)
      t.ok(line:find(err.request_id, 1, true), line)
      t.ok(not line:find("\n"), "one line")
      t.eq(err.retryable, false)
      t.eq(err.retry_after, nil)
      t.eq(type(err.field_errors), "table")
      t.eq(foil.json_decode(err.body).error.code, err.code)
      t.ok(not line:find(env.emulator().secret_key, 1, true), "no secret in the message")
      -- assert() reads well
      local ok, raised = pcall(function() return assert(c.sessions:get("sid_0000000000000000000000000")) end)
      t.eq(ok, false)
      t.eq(raised.kind, "not_found")
   end)

   t.test("authentication and permission", function()
      local emu = env.emulator()
      local c = foil.new{ secret_key = "sk_test_wrong", base_url = emu.base_url }
      local err = t.fails("authentication", c.sessions:list{})
      t.eq(err.status, 401)
      t.ok(not tostring(err):find("sk_test_wrong", 1, true), "the wrong key is not echoed")
      local narrow = foil.new{ secret_key = emu:add_secret_key("fingerprints:list"), base_url = emu.base_url }
      t.fails("permission", narrow.sessions:list{})
      t.ok(#assert(narrow.fingerprints:list{ limit = 1 }).items == 1)
   end)

   t.test("a missing secret key raises (configuration)", function()
      local emu = env.emulator()
      local saved = os.getenv("FOIL_SECRET_KEY")
      if saved then t.skip("FOIL_SECRET_KEY is set in the environment") end
      local c = foil.new{ base_url = emu.base_url }
      t.raises(function() return c.sessions:list{} end, "configuration")
   end)

   t.test("faults map to kinds: server, rate_limited, protocol, connection", function()
      local c, emu = env.client(), env.emulator()
      emu:inject_fault("status", { path = "/v1/sessions", status = 503 })
      local err = t.fails("server", c.sessions:list{ limit = 1 })
      t.eq(err.retryable, true)
      t.eq(err.status, 503)
      emu:inject_fault("status", { path = "/v1/sessions", status = 429 })
      err = t.fails("rate_limited", c.sessions:list{ limit = 1 })
      t.ok(err:is("api"))
      emu:inject_fault("corrupt", { path = "/v1/sessions" })
      t.fails("protocol", c.sessions:list{ limit = 1 })
      emu:inject_fault("reset", { path = "/v1/sessions" })
      t.fails("connection", c.sessions:list{ limit = 1 })
      emu:inject_fault("truncate", { path = "/v1/sessions" })
      local _, e2 = c.sessions:list{ limit = 1 }
      t.ok(e2 and (e2.kind == "connection" or e2.kind == "protocol"), tostring(e2))
      emu:inject_fault("content_type", { path = "/v1/sessions" })
      local _, e3 = c.sessions:list{ limit = 1 }
      t.ok(e3 and e3:is("error"), tostring(e3))
      emu:clear_faults()
      t.ok(#assert(c.sessions:list{ limit = 1 }).items == 1)
   end)

   t.test("an error mid-iteration raises", function()
      local c, emu = env.client(), env.emulator()
      emu:inject_fault("status", { path = "/v1/sessions", status = 500, count = 1 })
      local ok, err = pcall(function()
         for _ in c.sessions:iter{ limit = 100 } do end
      end)
      emu:clear_faults()
      t.eq(ok, false)
      t.eq(err.kind, "server")
      -- a fault on the second page, after items were returned: without prefetch, since by then
      -- the default client has already asked for that page (and a failed page asked for ahead
      -- is asked for again)
      local plain = env.client{ prefetch = false }
      local n = 0
      ok, err = pcall(function()
         for _ in plain.sessions:iter{ limit = 100 } do
            n = n + 1
            if n == 50 then emu:inject_fault("status", { path = "/v1/sessions", status = 502, count = 1 }) end
         end
      end)
      emu:clear_faults()
      plain:close()
      t.eq(ok, false)
      t.eq(n, 100)
      t.eq(err.kind, "server")
   end)

   t.test("retries are opt-in", function()
      local emu = env.emulator()
      local c = emu:client{ max_retries = 2 }
      emu:inject_fault("status", { path = "/v1/sessions", status = 503, count = 2 })
      t.ok(#assert(c.sessions:list{ limit = 1 }).items == 1)
      emu:clear_faults()
   end)

   t.test("timeout", function()
      local emu = env.emulator()
      local c = emu:client{ timeout = 0.2 }
      emu:inject_fault("delay", { path = "/v1/sessions", delay_ms = 1500 })
      local err = t.fails("timeout", c.sessions:list{ limit = 1 })
      t.ok(err:is("connection"))
      emu:clear_faults()
   end)

   t.test("a network failure is nil, err (connection)", function()
      local c = foil.new{ secret_key = "sk_test_x", base_url = "http://127.0.0.1:9" }
      local err = t.fails("connection", c.sessions:list{})
      t.eq(err.status, 0)
   end)
   t.test("tostring(err) escapes a server's control characters (one safe log line)", function()
      local canned = require "canned"
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write('{"error":{"code":"request.not_found\\u001b[31m","message":"gone\\u001b[2J\\u0007 now\\r\\nX-Forged: 1\\u009b!",'
              .. '"status":404,"retryable":false}}')
      f:close()
      local srv = canned.start("GET", "/v1/sessions/.*", path, 404)
      local c = foil.new{ secret_key = "sk_test_x", base_url = srv.base_url, timeout = 5 }
      local _, err = c.sessions:get("sid_x")
      srv.stop()
      os.remove(path)
      t.fails("not_found", nil, err)
      t.eq(err.message, "gone\27[2J\7 now\r\nX-Forged: 1\194\155!", "the message itself is the server's")
      local line = tostring(err)
      t.ok(not line:find("[%z\1-\31\127]"), "a control character in tostring(err): " .. string.format("%q", line))
      t.ok(not line:find("\194[\128-\159]"), "a C1 control in tostring(err): " .. string.format("%q", line))
      t.ok(line:find("request.not_found\\027[31m", 1, true), line)
      t.ok(line:find("gone\\027[2J\\007 now X-Forged: 1\\194\\155!", 1, true), line)
   end)
end
