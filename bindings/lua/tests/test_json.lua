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
      t.raises(function() foil.json_encode({ [true] = 1 }) end, "invalid_argument")
      t.raises(function() foil.json_encode({ x = 0 / 0 }) end, "invalid_argument")
      t.raises(function() foil.json_encode({ x = math.huge }) end, "invalid_argument")
      local deep = {}
      local cur = deep
      for _ = 1, 100 do cur.x = {}; cur = cur.x end
      t.raises(function() foil.json_encode(deep) end, "invalid_argument")
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
end
