-- The README's quick start runs as written.
return function(t)
   t.test("README quick start", function()
      local here = debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or "."
      local f = assert(io.open(here .. "/../README.md"))
      local text = f:read("*a")
      f:close()
      local block = text:match("```lua\n(.-)```")
      t.ok(block, "no lua block in README.md")
      local out = {}
      local env = setmetatable({ print = function(...)
         local parts = {}
         for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
         out[#out + 1] = table.concat(parts, "\t")
      end }, { __index = _G })
      local chunk
      if setfenv then
         chunk = assert(loadstring(block, "=README"))
         setfenv(chunk, env)
      else
         chunk = assert(load(block, "=README", "t", env))
      end
      chunk()
      local all = table.concat(out, "\n")
      t.ok(all:find("nil\tnot_found\trequest.not_found", 1, true), all)
      t.ok(all:find("delivered: [%w_, ]*FOIL_SECRET_KEY"), all)
      t.ok(all:find("approve at http", 1, true), all)
      local bots = 0
      for line in all:gmatch("[^\n]+") do
         if line:find("^sid_%S+\tbot$") then bots = bots + 1 end
      end
      t.eq(bots, 3)
   end)
end
