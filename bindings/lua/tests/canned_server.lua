-- canned_server.lua METHOD PATTERN FILE|- STATUS: see canned.lua.
local socket = require "socket"
local method, pattern, file, status = arg[1], arg[2], arg[3], tonumber(arg[4])
local body
if file ~= "-" then
   local f = assert(io.open(file, "rb"))
   body = f:read("*a")
   f:close()
end
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
      local m, path = line:match("^(%S+) (%S+)")
      local len = 0
      while true do
         local h = c:receive("*l")
         if not h or h == "" then break end
         local n = h:lower():match("^content%-length:%s*(%d+)")
         if n then len = tonumber(n) end
      end
      if len > 0 then c:receive(len) end
      path = (path or ""):gsub("%?.*", "")
      local st, b = 599, ""
      if m == method and path:match("^" .. pattern .. "$") then
         st, b = status, body or ""
      end
      local head = { "HTTP/1.1 " .. st .. " Canned", "x-request-id: req_0123456789abcdef0123456789abcdef" }
      if body and st ~= 599 then head[#head + 1] = "Content-Type: application/json" end
      head[#head + 1] = "Content-Length: " .. #b
      head[#head + 1] = "Connection: close"
      c:send(table.concat(head, "\r\n") .. "\r\n\r\n" .. b)
   end
   c:close()
end
