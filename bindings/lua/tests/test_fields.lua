-- Projections (issue 19, "Lua walk: the decision"): `fields` on list / iter / get gives plain
-- tables holding only the named paths, checked against the core's model table.
return function(t)
   local foil = require "foil"
   local env = require "env"
   local canned = require "canned"

   local function keys(tbl)
      local out = {}
      for k in pairs(tbl) do out[#out + 1] = k end
      table.sort(out)
      return table.concat(out, ",")
   end

   t.test("iter with fields: only those paths, the same values as the whole items", function()
      local c = env.client()
      local whole = {}
      for s in c.sessions:iter{ limit = 200 } do whole[#whole + 1] = s end
      local n = 0
      for s in c.sessions:iter{ limit = 200, fields = { "id", "latest_decision.verdict" } } do
         n = n + 1
         t.eq(keys(s), "id,latest_decision")
         t.eq(keys(s.latest_decision), "verdict")
         t.eq(s.id, whole[n].id)
         t.eq(s.latest_decision.verdict, whole[n].latest_decision.verdict)
      end
      t.eq(n, #whole)
      t.eq(n, 600)
   end)

   t.test("list with fields: items projected, pagination kept", function()
      local c = env.client()
      local args = { limit = 7, fields = { "id", "latest_decision.risk_score", "client_user_id" } }
      local page = assert(c.sessions:list(args))
      t.eq(#page.items, 7)
      t.eq(page.limit, 7)
      t.eq(page.has_more, true)
      t.eq(type(page.next_cursor), "string")
      t.ok(page.request_id)
      local full = assert(c.sessions:list{ limit = 7 })
      for i, s in ipairs(page.items) do
         t.eq(s.id, full.items[i].id)
         t.eq(s.latest_decision.risk_score, full.items[i].latest_decision.risk_score)
         t.eq(keys(s.latest_decision), "risk_score")
         -- null is kept as foil.null, absent stays absent
         t.eq(s.client_user_id, full.items[i].client_user_id)
      end
      t.ok(args.fields, "the caller's table keeps its fields")
      local nxt = assert(c.sessions:list{ limit = 7, cursor = page.next_cursor, fields = { "id" } })
      t.eq(nxt.items[1].id, assert(c.sessions:list{ limit = 7, cursor = page.next_cursor }).items[1].id)
   end)

   t.test("fields on single objects and on plain list data", function()
      local c = env.client()
      local id = assert(c.sessions:list{ limit = 1 }).items[1].id
      local detail = assert(c.sessions:get(id, { fields = { "id", "decision.risk_score", "request" } }))
      t.eq(keys(detail), "decision,id,request")
      t.eq(keys(detail.decision), "risk_score")
      t.ok(detail.request.url, "a path to an object gives the whole object")
      local entries = assert(c.gate.registry:list{ fields = { "id", "name" } })
      t.ok(#entries >= 1)
      for _, e in ipairs(entries) do t.eq(keys(e), "id,name") end
      -- a path and a longer one under it: the whole value
      local s = assert(c.sessions:list{ limit = 1, fields = { "latest_decision.verdict", "latest_decision" } }).items[1]
      t.ok(s.latest_decision.risk_score and s.latest_decision.verdict)
   end)

   t.test("null on the way is kept, absent and mistyped members are left out", function()
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write('{"data":[',
              '{"object":"session","id":"sid_a","client_user_id":null,"visitor_fingerprint":null,',
              '"latest_decision":{"verdict":"bot","manipulation":null,"risk_score":90}},',
              '{"object":"session","id":"sid_b","latest_decision":null},',
              '{"object":"session","id":"sid_c","latest_decision":"odd"}],',
              '"pagination":{"limit":3,"has_more":false,"next_cursor":null}}')
      f:close()
      local server = canned.start("GET", "/v1/sessions.*", path, 200)
      local c = foil.new{ secret_key = "sk_test_x", base_url = server.base_url }
      local fields = { "id", "client_user_id", "created_at", "visitor_fingerprint.id",
                       "latest_decision.verdict", "latest_decision.manipulation.score" }
      local page, err = c.sessions:list{ fields = fields }
      t.ok(page, tostring(err))
      -- iter hands the paths to the core, whose parser builds only them: the same tables
      local walked = {}
      for s in c.sessions:iter{ fields = fields } do walked[#walked + 1] = s end
      server:stop()
      os.remove(path)
      for _, items in ipairs{ page.items, walked } do
         local a, b, cc = items[1], items[2], items[3]
         t.eq(#items, 3)
         t.eq(keys(a), "client_user_id,id,latest_decision,visitor_fingerprint")
         t.eq(a.client_user_id, foil.null)
         t.eq(a.visitor_fingerprint, foil.null)
         t.eq(keys(a.latest_decision), "manipulation,verdict")
         t.eq(a.latest_decision.manipulation, foil.null)
         t.eq(keys(b), "id,latest_decision")
         t.eq(b.latest_decision, foil.null)
         t.eq(keys(cc), "id")
      end
   end)

   t.test("repeated and changing string values come out right (the last value is reused)", function()
      -- verdicts repeat, change and come back; ids never repeat; a value longer than the
      -- 32 bytes remembered; an empty string
      local verdicts = { "bot", "bot", "human", "bot", "", "", string.rep("v", 40), string.rep("v", 40), "bot" }
      local items, want = {}, {}
      for k = 1, 60 do
         local v = verdicts[(k - 1) % #verdicts + 1]
         want[k] = { id = "sid_" .. k, verdict = v }
         items[k] = string.format('{"id":"sid_%d","latest_decision":{"verdict":"%s","phase":"p%d"}}', k, v, k)
      end
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write('{"data":[', table.concat(items, ","), '],',
              '"pagination":{"limit":60,"has_more":false,"next_cursor":null}}')
      f:close()
      local server = canned.start("GET", "/v1/sessions.*", path, 200)
      local c = foil.new{ secret_key = "sk_test_x", base_url = server.base_url }
      local fields = { "id", "latest_decision.verdict" }
      local walked = {}
      for s in c.sessions:iter{ fields = fields } do walked[#walked + 1] = s end
      local page = assert(c.sessions:list{ fields = fields })
      server:stop()
      os.remove(path)
      for _, got in ipairs{ walked, page.items } do
         t.eq(#got, 60)
         for k = 1, 60 do
            t.eq(got[k].id, want[k].id)
            t.eq(got[k].latest_decision.verdict, want[k].verdict)
         end
      end
   end)

   t.test("iter with fields still checks the parts of a page it does not build", function()
      -- a member named twice in a skipped object, a string that is not UTF-8 in a skipped
      -- member: the page is refused as the whole parse refuses it
      for _, bad in ipairs{ '{"verdict":"bot","phase":"a","phase":"b"}', '"\192\175"' } do
         local path = os.tmpname()
         local f = assert(io.open(path, "wb"))
         f:write('{"data":[{"object":"session","id":"sid_a","latest_decision":', bad, '}],',
                 '"pagination":{"limit":1,"has_more":false,"next_cursor":null}}')
         f:close()
         local server = canned.start("GET", "/v1/sessions.*", path, 200)
         local c = foil.new{ secret_key = "sk_test_x", base_url = server.base_url, max_retries = 0 }
         local err = t.raises(function()
            for _ in c.sessions:iter{ fields = { "id" } } do end
         end, "protocol")
         t.ok(tostring(err):find("not valid JSON", 1, true), tostring(err))
         server:stop()
         os.remove(path)
         c:close()
      end
   end)

   t.test("an unknown or invalid path raises before any request", function()
      -- nothing listens on port 9: a request would be a connection error, not a raise
      local c = foil.new{ secret_key = "sk_test_x", base_url = "http://127.0.0.1:9", timeout = 1 }
      local bad = {
         { { "latest_decison.verdict" }, "latest_decison is not a field of SessionSummary" },
         { { "id", "nope" }, "nope is not a field of SessionSummary" },
         { { "id.length" }, "id is not an object" },
         { { "latest_decision.verdict.x" }, "verdict is not an object" },
         { { "latest_decision.nope" }, "nope is not a field of Decision" },
         { { "" }, "empty path" },
         { { ".id" }, "empty segment" },
         { { "id." }, "empty segment" },
         { { "latest_decision..verdict" }, "empty segment" },
         { { "id\0x" }, "NUL" },
         { {}, "at least one path" },
         { { id = true }, "no other keys" },
         { { "id", extra = "x" }, "no other keys" },
         { { 1 }, "must be a string" },
         { "id", "list of paths" },
      }
      for _, case in ipairs(bad) do
         local err = t.raises(function() return c.sessions:list{ fields = case[1] } end, "invalid_argument")
         t.ok(tostring(err):find(case[2], 1, true), tostring(err))
         t.raises(function() for _ in c.sessions:iter{ fields = case[1] } do end end, "invalid_argument")
      end
      -- paths below an array are refused; free-form objects take any path
      t.ok(tostring(t.raises(function() return c.sessions:get("sid_x", { fields = { "previous_decisions.verdict" } }) end,
                             "invalid_argument")):find("is an array", 1, true))
      local _, err = c.sessions:get("sid_x", { fields = { "network.anything.below" } })
      t.eq(err.kind, "connection")
      -- inherited fields count (VisitorFingerprintDetail extends VisitorFingerprintSummary)
      _, err = c.fingerprints:get("vid_x", { fields = { "lifecycle.seen_count", "components.vector" } })
      t.eq(err.kind, "connection")
      t.raises(function() return c.gate.agent_tokens:revoke{ agent_token = "agt_x", fields = { "id" } } end,
               "invalid_argument")
      c:close()
   end)

   t.test("no operation has a parameter named fields (the option would hide it)", function()
      for i = 0, foil.native.operation_count() - 1 do
         for _, p in ipairs(foil.json_decode(foil.native.operation_params(i))) do
            t.ok(p.name ~= "fields", foil.native.operation_sdk_name(i))
         end
      end
   end)

   t.test("every operation with a result takes fields, checked against its model", function()
      local c = foil.new{ secret_key = "sk_test_x", base_url = "http://127.0.0.1:9", timeout = 1 }
      for _, name in ipairs(foil.operations()) do
         local ns, parts = c, {}
         for p in name:gmatch("[^.]+") do parts[#parts + 1] = p end
         for i = 1, #parts - 1 do ns = ns[parts[i]] end
         local err = t.raises(function() return ns[parts[#parts]](ns, { fields = { "no_such_field" } }) end,
                              "invalid_argument", name)
         if name == "gate.agent_tokens.revoke" then
            t.ok(tostring(err):find("fields does not apply", 1, true), tostring(err))
         else
            t.ok(tostring(err):find("no_such_field is not a field of %u%w+"), name .. ": " .. tostring(err))
         end
      end
      c:close()
   end)
end
