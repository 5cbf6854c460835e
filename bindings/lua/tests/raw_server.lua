-- raw_server.lua DIR: a hostile HTTP server for the tests. Each request for .../NAME is answered
-- with the bytes of DIR/NAME exactly as they are (a malformed status line, headers, framing...),
-- then the connection is closed. It runs as a child process (LuaSocket), prints its port, and
-- exits by itself after 30 s without a connection. Started by test_nginx.lua.
local socket = require "socket"
local dir = arg[1]
local server = assert(socket.bind("127.0.0.1", 0))
local _, port = server:getsockname()
io.write(port, "\n")
io.flush()
server:settimeout(30)
while true do
   local c = server:accept()
   if not c then break end
   c:settimeout(5)
   local line = c:receive("*l")
   if line then
      local path = line:match("^%S+ (%S+)") or ""
      repeat
         local h = c:receive("*l")
      until not h or h == ""
      local f = io.open(dir .. "/" .. (path:gsub("%?.*", ""):match("([^/]*)$")), "rb")
      if f then
         c:send(f:read("*a"))
         f:close()
      end
   end
   c:close()
end
