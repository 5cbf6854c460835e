--- A real nginx for the tests and the benchmark: one worker, `daemon off`, listening on
-- 127.0.0.1 on a free port, a private prefix under a temp directory, its error log kept
-- there, stopped by the caller (srv:stop()). Its Lua module finds the rock this interpreter
-- runs (lua_package_path / lua_package_cpath are this process's package.path / cpath).
--
--   local nginx = require "nginx_server"
--   local ok, why = nginx.available()                  -- nginx and its Lua module installed?
--   local srv = nginx.start{ conf = text, files = { ["app.lua"] = text }, env = {...} }
--   local status, body = srv:get("/check", { ["X-Foil-Token"] = token })
--   srv:stop()
-- conf is a whole nginx.conf in which @PORT@, @PREFIX@, @LUA_PATH@ and @LUA_CPATH@ are
-- replaced; nginx.preamble() and nginx.http_preamble() give the usual lines.
local socket = require "socket"

local M = {}

M.BINARY = os.getenv("FOIL_NGINX") or "/usr/sbin/nginx"
local MODULE_DIRS = { "/usr/share/nginx/modules", "/usr/lib/nginx/modules" }

local function exists(path)
   local f = io.open(path, "rb")
   if f then f:close() end
   return f ~= nil
end

local function module_dir()
   for _, d in ipairs(MODULE_DIRS) do
      if exists(d .. "/ngx_http_lua_module.so") then return d end
   end
end

--- true, or nil and why not (nginx or its Lua module missing, or not on LuaJIT).
function M.available()
   if not exists(M.BINARY) then return nil, M.BINARY .. " not found (Debian: apt install nginx)" end
   if not module_dir() then
      return nil, "nginx's Lua module not found (Debian: apt install libnginx-mod-http-lua lua-resty-core)"
   end
   if not rawget(_G, "jit") then return nil, "nginx's Lua module runs LuaJIT: run this file with the LuaJIT build" end
   return true
end

local function sh(cmd)
   local ok = os.execute(cmd)
   return ok == true or ok == 0
end

local function quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function read(path)
   local f = io.open(path, "rb")
   if not f then return nil end
   local text = f:read("*a")
   f:close()
   return text
end

local function write(path, text)
   local f = assert(io.open(path, "wb"))
   f:write(text)
   f:close()
end

local function is_root()
   local p = io.popen("id -u")
   local uid = p:read("*l")
   p:close()
   return uid == "0"
end

--- A port nobody listens on now (bound then closed: nginx binds it right after).
function M.free_port()
   local s = assert(socket.bind("127.0.0.1", 0))
   local _, port = s:getsockname()
   s:close()
   return tonumber(port)
end

--- The main-context lines: modules, one worker, no daemon, the log and pid in the prefix, and
-- `env NAME;` for each name the workers must see (nginx clears their environment).
function M.preamble(env_names)
   local dir = assert(module_dir(), "nginx's Lua module is not installed")
   local lines = {
      "load_module " .. dir .. "/ndk_http_module.so;",
      "load_module " .. dir .. "/ngx_http_lua_module.so;",
      "daemon off;",
      "worker_processes 1;",

      "error_log logs/error.log info;",
      "pid logs/nginx.pid;",
   }
   for _, name in ipairs(env_names or {}) do lines[#lines + 1] = "env " .. name .. ";" end
   lines[#lines + 1] = "events { worker_connections 1024; }"
   return table.concat(lines, "\n") .. "\n"
end

--- Lines for inside `http { }`: the rock this interpreter runs, temp paths in the prefix.
function M.http_preamble()
   return table.concat({
      'lua_package_path "@LUA_PATH@";',
      'lua_package_cpath "@LUA_CPATH@";',
      "access_log off;",
      "client_body_temp_path tmp/body;",
      "proxy_temp_path tmp/proxy;",
      "fastcgi_temp_path tmp/fastcgi;",
      "uwsgi_temp_path tmp/uwsgi;",
      "scgi_temp_path tmp/scgi;",
   }, "\n") .. "\n"
end

local Server = {}
Server.__index = Server

-- ";;" in lua_package_path means nginx's default path: keep this process's path first.
local function lua_path(p) return (p:gsub(";;+", ";")) .. ";" end

--- Start nginx. opts.conf: the nginx.conf text; opts.files: name -> text, written into the
-- prefix (Lua modules next to the conf: "$prefix/?.lua" is on the path); opts.env: name ->
-- value for nginx's environment. Waits until it accepts connections (raises with its error
-- log if it does not within 10 s).
function M.start(opts)
   local prefix = assert(io.popen("mktemp -d /tmp/foil-nginx.XXXXXX")):read("*l")
   assert(sh("mkdir -p " .. quote(prefix .. "/logs") .. " " .. quote(prefix .. "/tmp")))
   local port = opts.port or M.free_port()
   local conf = opts.conf
      :gsub("@PORT@", tostring(port))
      :gsub("@PREFIX@", (prefix:gsub("%%", "%%%%")))
      :gsub("@LUA_PATH@", (lua_path(prefix .. "/?.lua;" .. package.path):gsub("%%", "%%%%")))
      :gsub("@LUA_CPATH@", (lua_path(package.cpath):gsub("%%", "%%%%")))
   if is_root() and not conf:find("^%s*user%s") and not conf:find("\n%s*user%s") then
      -- Started by root, nginx runs its worker as nobody, who can read neither the private
      -- prefix (mktemp -d: mode 0700) nor the test's files: the worker keeps the tester's user.
      conf = "user root root;\n" .. conf
   end
   write(prefix .. "/nginx.conf", conf)
   for name, text in pairs(opts.files or {}) do write(prefix .. "/" .. name, text) end
   local env = {}
   for k, v in pairs(opts.env or {}) do env[#env + 1] = k .. "=" .. quote(v) end
   local cmd = string.format("cd %s && env %s %s -p %s -c nginx.conf -e logs/error.log >logs/stdout.log 2>&1 & echo $! >%s",
                             quote(prefix), table.concat(env, " "), quote(M.BINARY), quote(prefix .. "/"),
                             quote(prefix .. "/master.pid"))
   assert(sh(cmd), "could not run " .. M.BINARY)
   local srv = setmetatable({ prefix = prefix, port = port, pid = nil }, Server)
   local deadline = socket.gettime() + 10
   while socket.gettime() < deadline do
      srv.pid = srv.pid or tonumber(read(prefix .. "/master.pid") or "")
      if srv.pid and not sh("kill -0 " .. srv.pid .. " 2>/dev/null") then break end
      local c = socket.tcp()
      c:settimeout(0.2)
      if c:connect("127.0.0.1", port) then
         c:close()
         -- The master listens before its worker runs (or dies: a bad directive only the
         -- worker reads): ready when the worker answers.
         local ok, status = pcall(srv.get, srv, "/", nil, 2)
         if ok and status then return srv end
      else
         c:close()
      end
      socket.sleep(0.05)
   end
   local log = srv:error_log() .. (read(prefix .. "/logs/stdout.log") or "")
   srv:stop()
   error("nginx did not start on 127.0.0.1:" .. port .. ":\n" .. log, 2)
end

--- The error log so far.
function Server:error_log() return read(self.prefix .. "/logs/error.log") or "" end

--- Stop nginx (fast shutdown, then KILL after 5 s), remove the prefix unless keep.
function Server:stop(keep)
   if self.pid then
      sh("kill -TERM " .. self.pid .. " 2>/dev/null")
      local deadline = socket.gettime() + 5
      while socket.gettime() < deadline and sh("kill -0 " .. self.pid .. " 2>/dev/null") do socket.sleep(0.02) end
      sh("kill -KILL " .. self.pid .. " 2>/dev/null")
      self.pid = nil
   end
   if not keep and self.prefix then sh("rm -rf " .. quote(self.prefix)) end
end

local function request_text(path, headers)
   local lines = { "GET " .. path .. " HTTP/1.1", "Host: 127.0.0.1", "Connection: close" }
   for k, v in pairs(headers or {}) do lines[#lines + 1] = k .. ": " .. v end
   return table.concat(lines, "\r\n") .. "\r\n\r\n"
end

-- The whole response of a Connection: close request: status, body.
local function parse(raw)
   if not raw then return nil, "no response" end
   local status = tonumber(raw:match("^HTTP/1%.%d (%d%d%d)"))
   local head, body = raw:match("^(.-)\r\n\r\n(.*)$")
   if head and head:lower():find("transfer%-encoding: chunked") then
      local out, pos = {}, 1
      while true do
         local size_hex, after = body:match("^(%x+)[^\r\n]*\r\n()", pos)
         local size = size_hex and tonumber(size_hex, 16)
         if not size or size == 0 then break end
         out[#out + 1] = body:sub(after, after + size - 1)
         pos = after + size + 2
      end
      body = table.concat(out)
   end
   return status, body
end

--- GET path (with extra headers): status, body.
function Server:get(path, headers, timeout)
   local c = socket.tcp()
   c:settimeout(timeout or 30)
   assert(c:connect("127.0.0.1", self.port))
   assert(c:send(request_text(path, headers)))
   local raw = c:receive("*a")
   c:close()
   return parse(raw)
end

--- Send GET path now, read its answer later: a function returning status, body.
function Server:start_get(path, headers, timeout)
   local c = socket.tcp()
   c:settimeout(timeout or 30)
   assert(c:connect("127.0.0.1", self.port))
   assert(c:send(request_text(path, headers)))
   return function()
      local raw = c:receive("*a")
      c:close()
      return parse(raw)
   end
end

--- Send every request at once, each on its own connection, then read every answer:
-- { {status, body}, ... } and the seconds from the first send to the last answer.
function Server:get_many(requests, timeout)
   local started = socket.gettime()
   local conns = {}
   for i, r in ipairs(requests) do
      local c = socket.tcp()
      c:settimeout(timeout or 60)
      assert(c:connect("127.0.0.1", self.port))
      assert(c:send(request_text(r.path, r.headers)))
      conns[i] = c
   end
   local out = {}
   for i, c in ipairs(conns) do
      local raw = c:receive("*a")
      c:close()
      local status, body = parse(raw)
      out[i] = { status = status, body = body }
   end
   return out, socket.gettime() - started
end

return M
