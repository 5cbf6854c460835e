-- JSON <-> Lua tables, built in C: objects -> tables, arrays -> 1-based sequences,
-- null -> foil.null (distinct from absent), integers stay integers on 5.4.
return function(t)
   local foil = require "foil"

   t.test("decode objects, arrays, null and numbers", function()
      local v = foil.json_decode('{"a":[1,2.5,null,true,"x"],"b":{},"c":null,"d":-7,"e":1e300}')
      t.eq(#v.a, 5)
      t.eq(v.a[1], 1)
      t.eq(v.a[2], 2.5)
      t.eq(v.a[3], foil.null, "null inside an array")
      t.eq(v.a[4], true)
      t.eq(v.a[5], "x")
      t.eq(next(v.b), nil, "empty object")
      t.eq(v.c, foil.null, "null is the sentinel")
      t.eq(v.missing, nil, "absent stays nil")
      t.eq(v.d, -7)
      t.eq(v.e, 1e300)
      if math.type then
         t.eq(math.type(v.a[1]), "integer")
         t.eq(math.type(v.d), "integer")
         t.eq(math.type(v.a[2]), "float")
      end
   end)

   t.test("foil.null equals lua-cjson's cjson.null", function()
      local ok, cjson = pcall(require, "cjson")
      if not ok then t.skip("lua-cjson not installed") end
      t.eq(foil.null, cjson.null)
      t.eq(tostring(foil.null), tostring(cjson.null))
   end)

   t.test("encode round-trips, with strings escaped", function()
      local value = { s = 'a"b\\c\n\1\127é', n = 3, f = 0.25, list = { 1, "two", foil.null, false },
                      nested = { deeper = { x = true } }, empty = {} }
      local text = foil.json_encode(value)
      local back = foil.json_decode(text)
      t.same(back, value)
      t.eq(foil.json_encode({}), "{}")
      t.eq(foil.json_encode({ 1, 2, 3 }), "[1,2,3]")
      t.eq(foil.json_encode("\0"), '"\\u0000"')
   end)

   t.test("encode refuses what JSON cannot hold", function()
      t.raises(function() foil.json_encode({ f = function() end }) end, "invalid_argument")
      -- Number keys past any sequence (1e300 was converted to size_t: undefined) are an
      -- object's keys, which must be strings.
      t.raises(function() foil.json_encode({ [1e300] = 1 }) end, "invalid_argument")
      t.raises(function() foil.json_encode({ [2 ^ 40] = 1 }) end, "invalid_argument")
      t.raises(function() foil.json_encode({ [true] = 1 }) end, "invalid_argument")
      t.raises(function() foil.json_encode({ x = 0 / 0 }) end, "invalid_argument")
      t.raises(function() foil.json_encode({ x = math.huge }) end, "invalid_argument")
      -- the core's limit (issue 18 defect 5): 1000 levels encode, 1001 do not
      local deep = {}
      local cur = deep
      for _ = 1, 999 do cur.x = {}; cur = cur.x end
      t.ok(foil.json_decode(foil.json_encode(deep)))
      cur.x = {}
      t.raises(function() foil.json_encode(deep) end, "invalid_argument")
      local cycle = {}
      cycle.self = cycle
      t.raises(function() foil.json_encode(cycle) end, "invalid_argument")
   end)

   t.test("bad JSON text is nil, err", function()
      t.ok(foil.json_decode("{nope") == nil and select(2, foil.json_decode("{nope")):is("error"))
      t.raises(function() foil.json_decode(42) end, "invalid_argument")
   end)

   t.test("big documents convert in one pass", function()
      local parts = {}
      for i = 1, 20000 do parts[i] = string.format('{"id":"sid_%d","n":%d}', i, i) end
      local v = foil.json_decode("[" .. table.concat(parts, ",") .. "]")
      t.eq(#v, 20000)
      t.eq(v[20000].id, "sid_20000")
      t.eq(v[12345].n, 12345)
   end)

   -- Issue 18 defect 5: the core reads JSON up to 1000 levels deep; so does the binding,
   -- and deeper text is nil, err (an error table), never a raised string.
   local function nest(depth, leaf)
      return string.rep("[", depth) .. (leaf or "") .. string.rep("]", depth)
   end

   t.test("values nested up to the core's limit decode; deeper is nil, err", function()
      for _, depth in ipairs{ 64, 65, 200, 1000 } do
         local v, err = foil.json_decode(nest(depth, "7"))
         t.ok(v, tostring(err))
         for _ = 1, depth do v = v[1] end
         t.eq(v, 7, "the innermost value at depth " .. depth)
      end
      local v, err = foil.json_decode(nest(1001))
      t.eq(v, nil)
      t.ok(foil.is_error(err), "an error table, not " .. type(err))
      t.ok(tostring(err):find("nest", 1, true) or tostring(err):find("JSON", 1, true), tostring(err))
      -- objects too, and encoding back (params are encoded with the same limit)
      local text = string.rep('{"k":', 999) .. "1" .. string.rep("}", 999)
      local deep = assert(foil.json_decode(text))
      t.eq(foil.json_encode(deep), text)
   end)

   t.test("an API result nested 1000 deep is a result", function()
      -- {"data":{..."deep":[[...]]}}: 2 + 998 levels
      local canned = require "canned"
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write('{"data":{"object":"session","id":"sid_deep","deep":', nest(998, '"x"'), "}}")
      f:close()
      local server = canned.start("GET", "/v1/sessions.*", path, 200)
      local c = foil.new{ secret_key = "sk_test_x", base_url = server.base_url }
      local v, err = c.sessions:get("sid_deep")
      server:stop()
      os.remove(path)
      t.ok(v, tostring(err))
      local d = v.deep
      for _ = 1, 998 do d = d[1] end
      t.eq(d, "x")
   end)

   -- Issue 18 defect 7: one rule for a member named twice, in every reader: refused.
   t.test("an object naming a member twice is refused", function()
      local v, err = foil.json_decode('{"id":"a","id":"b"}')
      t.eq(v, nil)
      t.ok(foil.is_error(err))
      t.ok(tostring(err):find("same name", 1, true), tostring(err))
      t.eq(foil.json_decode('{"id":"a","\\u0069d":"b"}'), nil)
      t.ok(foil.json_decode('{"id":"a","x":{"id":"b"}}'))
   end)

   -- Issue 18 defect 11: integers are exact where Lua has integers (5.3+: up to 2^63 - 1);
   -- beyond that, with a fraction or exponent, and on LuaJIT, numbers are doubles.
   t.test("integers beyond 2^53", function()
      local v = assert(foil.json_decode(
         '[9007199254740993,-9223372036854775808,9223372036854775807,9223372036854775808,1.0,1e2,123000000000000000]'))
      if math.type then
         t.eq(math.type(v[1]), "integer")
         t.eq(v[1], 9007199254740993)
         t.eq(v[2], math.mininteger)
         t.eq(v[3], math.maxinteger)
         t.eq(math.type(v[4]), "float")
         t.eq(v[4], 9223372036854775808.0)
         t.eq(math.type(v[5]), "float")
         t.eq(math.type(v[6]), "float")
         t.eq(math.type(v[7]), "integer")
         t.eq(v[7], 123000000000000000)
      else
         t.eq(v[1], 9007199254740992) -- the nearest double
         t.eq(v[7], 1.23e17)
      end
   end)
end
