-- Creating and dropping clients, iterators, signups and key pairs many times, with the GC
-- stepping, keeps memory flat (RSS from /proc/self/statm) and never double-frees.
return function(t)
   local foil = require "foil"
   local env = require "env"

   local function rss_kib()
      local f = io.open("/proc/self/statm")
      if not f then return nil end
      local pages = f:read("*n")
      pages = f:read("*n")
      f:close()
      return pages * 4
   end

   local function flat(step, n, slack_kib)
      if not rss_kib() then t.skip("no /proc/self/statm") end
      for i = 1, math.max(math.floor(n / 10), 1) do step(i) end
      collectgarbage()
      collectgarbage()
      local before = rss_kib()
      for i = 1, n do
         step(i)
         collectgarbage("step")
      end
      collectgarbage()
      collectgarbage()
      local grown = rss_kib() - before
      t.ok(grown < (slack_kib or 6 * 1024), string.format("RSS grew by %d KiB over %d iterations", grown, n))
   end

   t.test("clients and key pairs", function()
      local base = env.emulator().base_url
      flat(function(i)
         local c = foil.new{ secret_key = "sk_test_x", base_url = base, timeout = 5 }
         if i % 2 == 0 then c:close() end
         local kp = foil.create_delivery_key_pair()
         if i % 3 == 0 then kp:close() end
         local _ = foil.json_decode('{"a":[1,2,{"b":null}]}')
      end, 20000)
   end)

   t.test("iterators dropped early and errors", function()
      local c = env.client()
      flat(function(i)
         local step = c.sessions:iter{ limit = 10 }
         if i % 10 == 0 then step() end
         local _, err = foil.import_delivery_private_key_pkcs8("not a key")
         assert(err)
      end, 5000)
   end)

   t.test("network paths: lists, signups, not found", function()
      local c = env.client()
      flat(function(i)
         local page = assert(c.sessions:list{ limit = 20 })
         assert(page.items[(i % 20) + 1].latest_decision.verdict)
         local s = assert(c.gate:signup{ service_id = "foil", account_name = "leak" })
         if i % 2 == 0 then s:close() end
         local v = c.sessions:get("sid_missing")
         assert(v == nil)
      end, 1500, 8 * 1024)
   end)

   t.test("projections: compiled fields, projected pages and walks dropped early", function()
      local c = env.client()
      local fields = { "id", "latest_decision.verdict", "visitor_fingerprint.id" }
      flat(function(i)
         local page = assert(c.sessions:list{ limit = 20, fields = fields })
         assert(page.items[(i % 20) + 1].latest_decision.verdict)
         local step = c.sessions:iter{ limit = 10, fields = fields }
         if i % 2 == 0 then assert(step().id) end
         assert(not pcall(c.sessions.list, c.sessions, { fields = { "id", "nope" } }))
      end, 1500, 8 * 1024)
   end)

   t.test("a client outlives nothing it needs: handles freed in any GC order", function()
      local emu = env.emulator()
      for _ = 1, 200 do
         local c = emu:client()
         local it = c.sessions:iter{ limit = 5 }
         local s = assert(c.gate:signup{ service_id = "foil", account_name = "order" })
         c = nil
         collectgarbage()
         assert(it())                    -- the iterator keeps its client alive in C
         assert(s:poll() == "pending")   -- so does the signup
         it, s = nil, nil
         collectgarbage()
      end
   end)
end
