--- A canned HTTP server for the fixture tests: one route, answered with a fixture file.
-- It runs as a child process (LuaSocket, same interpreter), listens on 127.0.0.1, closes each
-- connection after one answer, and exits by itself after 30 s without a connection.
local canned = {}

local here = debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or "."

local function interpreter()
   local i = -1
   while arg and arg[i - 1] do i = i - 1 end
   return arg and arg[i] or "lua"
end

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

--- canned.start(method, lua_pattern, fixture_path_or_nil, status) -> { base_url, stop() }
function canned.start(method, pattern, file, status)
   local portfile = os.tmpname()
   local cmd = string.format("%s %s %s %s %s %d > %s 2>/dev/null & echo $!", q(interpreter()),
                             q(here .. "/canned_server.lua"), q(method), q(pattern), q(file or "-"),
                             status, q(portfile))
   local p = io.popen(cmd)
   local pid = p:read("*l")
   p:close()
   local port
   for _ = 1, 500 do
      local f = io.open(portfile)
      if f then
         port = f:read("*l")
         f:close()
      end
      if port and port ~= "" then break end
      os.execute("sleep 0.01")
   end
   os.remove(portfile)
   assert(port and port ~= "", "the canned server did not start")
   return {
      base_url = "http://127.0.0.1:" .. port,
      stop = function() os.execute("kill " .. pid .. " 2>/dev/null") end,
   }
end

return canned
