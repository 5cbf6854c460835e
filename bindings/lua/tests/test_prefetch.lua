-- The prefetch option: iterators request the next page while the current one is read (the
-- default); prefetch = false walks the same items without it; anything but a boolean is an error.
local foil = require "foil"
local env = require "env"

local function ids(c, ns, args)
   local out = {}
   for item in c[ns]:iter(args) do out[#out + 1] = item.id end
   return out
end

return function(t)
   t.test("prefetch = false walks the same items as the default", function()
      local default = env.client()
      local plain = env.client{ prefetch = false }
      local on = env.client{ prefetch = true }
      for _, args in ipairs{ { limit = 7 }, { limit = 200 }, { limit = 13, verdict = "human" } } do
         local expected = ids(default, "sessions", args)
         t.ok(#expected > 0)
         t.same(ids(plain, "sessions", args), expected, "prefetch = false")
         t.same(ids(on, "sessions", args), expected, "prefetch = true")
      end
      t.eq(#ids(plain, "sessions", { limit = 7 }), 600)
      t.same(ids(plain, "fingerprints", { limit = 17 }), ids(default, "fingerprints", { limit = 17 }))
      t.eq(#ids(plain, "fingerprints", { limit = 17 }), 130)
      default:close()
      plain:close()
      on:close()
   end)

   t.test("prefetch must be a boolean", function()
      local emu = env.emulator()
      for _, bad in ipairs{ 1, 0, "yes", "true", {}, print } do
         local err = t.raises(function() return foil.new{ base_url = emu.base_url, prefetch = bad } end,
                              "invalid_argument", type(bad))
         t.ok(tostring(err.message):find("prefetch", 1, true), tostring(err.message))
      end
      t.raises(function() return emu:client{ prefetch = 1 } end, "invalid_argument")
   end)
end
