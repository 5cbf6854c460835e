-- Issue 19: each rule is the core's, so Lua says what Python and Ruby say: seconds ->
-- milliseconds, the limit, the refused keys' shape, the JSON writer, the error record.
return function(t)
   local foil = require "foil"
   local env = require "env"
   local native = require "foil.native"

   local function raised(f)
      local ok, err = pcall(f)
      assert(not ok, "expected an error")
      return err
   end

   t.test("timeouts and intervals: one range, the core's error", function()
      for _, seconds in ipairs{ 0, -1, 2147484, math.huge, -math.huge } do
         local err = raised(function() return foil.new{ timeout = seconds } end)
         t.eq(err.kind, "invalid_argument")
         t.eq(err.message, "timeout: must be a number of seconds in (0, 2147483]")
         t.eq(err.field_errors[1].name, "timeout")
         err = raised(function() return foil.new{ connect_timeout = seconds } end)
         t.eq(err.message, "connect_timeout: must be a number of seconds in (0, 2147483]")
      end
      local c = env.client()
      local s = assert(c.gate:signup{ service_id = "foil", account_name = "demo" })
      t.eq(raised(function() return s:wait{ timeout = 0 } end).message,
           "timeout: must be a number of seconds in (0, 2147483]")
      t.eq(raised(function() return s:wait{ interval = 0 } end).message,
           "interval: must be a number of seconds in (0, 2147483]")
      t.eq(native.seconds_to_ms("timeout", 0.0001), 1)
      t.eq(native.seconds_to_ms("timeout", 1.5), 1500)
      s:close()
   end)

   t.test("limit: the core's text", function()
      local c = env.client()
      for _, limit in ipairs{ 0, -1, 201 } do
         local err = raised(function() return c.sessions:list{ limit = limit } end)
         t.eq(err.message, "limit: must be between 1 and 200")
      end
   end)

   t.test("refused keys are {KEY = reason}, as in Python and Ruby", function()
      local emu = env.emulator()
      emu:add_service{ id = "luapolicy", outputs = { LUAPOLICY_API_KEY = "k1", PATH = "/evil",
                                                     FOIL_AGENT_TOKEN = "x" } }
      local c = emu:client()
      local s = assert(c.gate:signup{ service_id = "luapolicy", account_name = "demo" })
      emu:approve(s.id)
      local outputs = assert(s:wait{ timeout = 10, interval = 0.05 })
      t.eq(outputs.LUAPOLICY_API_KEY, "k1")
      t.eq(outputs.PATH, nil)
      t.eq(s.refused.PATH, "blocked")
      t.eq(s.refused.FOIL_AGENT_TOKEN, "gate_managed_from_integrator")
      t.eq(#s.refused, 0, "a map, not a list")
      s:close()
   end)

   t.test("JSON text comes from the core's writer", function()
      t.eq(native.json_encode{ "a\"\\\n\0\31", 1, 2.5, true, foil.null }, '["a\\"\\\\\\n\\u0000\\u001f",1,2.5,true,null]')
      local err = raised(function() return native.json_encode{ k = "\255" } end)
      t.eq(err.kind, "invalid_argument")
      t.eq(err.message, "k: is not valid UTF-8")
      t.eq(raised(function() return native.json_encode{ k = 0 / 0 } end).kind, "invalid_argument")
   end)

   t.test("an argument error is the core's record", function()
      local err = raised(function() return native.close(42) end)
      t.eq(err.kind, "invalid_argument")
      t.eq(err.code, "client.invalid_argument")
      t.eq(err.message, "close: expected a libfoil handle")
      t.eq(err.retryable, false)
      t.same(err.field_errors, {})
      t.same(err.allowed_values, {})
      t.eq(err.status, 0)
   end)
end
