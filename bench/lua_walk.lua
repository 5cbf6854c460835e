--- Walk N sessions (pages of LIMIT) with the libfoil rock and with a hand-written
-- LuaSocket + lua-cjson loop against the same emulator; print items/s and the ratio.
--
--   lua5.4 bench/lua_walk.lua [--total 100000] [--limit 200] [--rounds 3]
--          [--base-url URL --secret-key KEY]      (default: the rock's embedded emulator)
--          [--only foil|luasocket|socket.http]     (one side, once: for profilers)
--          [--rows]                                (bench/run.py's JSON rows instead)
--
-- Both sides read every item's id. The baseline is the fastest honest loop LuaSocket
-- allows: one keep-alive TCP connection (HTTP/1.1 written by hand: request line, headers,
-- Content-Length body read in one receive), cjson.decode of each page, the cursor
-- URL-encoded into the next request. (socket.http cannot keep a connection alive: it sends
-- "Connection: close" and reconnects per page, so it is not used.) Rounds alternate
-- ABBA; the ratio is the median of per-round ratios. Output: one JSON line, then a table row.
local foil = require "foil"
local socket = require "socket"
local cjson = require "cjson"

local opts = { total = 100000, limit = 200, rounds = 3 }
local i = 1
while arg[i] do
   local k, v = arg[i]:match("^%-%-([%w%-]+)$"), arg[i + 1]
   if k == "rows" then
      opts.rows, i = true, i + 1
   else
      if not k or not v then
         error("usage: lua_walk.lua [--total N] [--limit N] [--rounds N] [--base-url U --secret-key K] [--rows]")
      end
      k = k:gsub("%-", "_")
      opts[k] = tonumber(v) or v
      i = i + 2
   end
end

local emu
if not opts.base_url then
   emu = foil.testing.emulator{ session_count = opts.total }
   opts.base_url, opts.secret_key = emu.base_url, emu.secret_key
end

local function walk_foil()
   local client = foil.new{ base_url = opts.base_url, secret_key = opts.secret_key }
   local n = 0
   for s in client.sessions:iter{ limit = opts.limit } do
      if not s.id then error("an item without an id") end
      n = n + 1
      if n == opts.total then break end
   end
   client:close()
   return n
end

local function urlencode(s)
   return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function walk_socket()
   local host, port = opts.base_url:match("^http://([^:/]+):(%d+)")
   local sock = assert(socket.tcp())
   assert(sock:connect(host, tonumber(port)))
   sock:setoption("tcp-nodelay", true)
   local head = "Host: " .. host .. ":" .. port .. "\r\nAuthorization: Bearer " .. opts.secret_key ..
                "\r\nAccept: application/json\r\nUser-Agent: lua-socket-bench\r\n\r\n"
   local n, cursor = 0, nil
   while true do
      local target = "/v1/sessions?limit=" .. opts.limit
      if cursor then target = target .. "&cursor=" .. urlencode(cursor) end
      assert(sock:send("GET " .. target .. " HTTP/1.1\r\n" .. head))
      local status_line = assert(sock:receive("*l"))
      local status = tonumber(status_line:match("^HTTP/1%.%d (%d+)"))
      local length, chunked
      while true do
         local line = assert(sock:receive("*l"))
         if line == "" then break end
         local name, value = line:match("^([^:]+):%s*(.*)$")
         name = name and name:lower()
         if name == "content-length" then length = tonumber(value) end
         if name == "transfer-encoding" and value:lower():find("chunked") then chunked = true end
      end
      local body
      if chunked then
         local parts = {}
         while true do
            local size = tonumber(assert(sock:receive("*l")):match("^%x+"), 16)
            if size == 0 then
               assert(sock:receive("*l"))
               break
            end
            parts[#parts + 1] = assert(sock:receive(size))
            assert(sock:receive("*l"))
         end
         body = table.concat(parts)
      else
         body = assert(sock:receive(length))
      end
      if status ~= 200 then error("HTTP " .. tostring(status) .. ": " .. body) end
      local doc = cjson.decode(body)
      for _, item in ipairs(doc.data) do
         if not item.id then error("an item without an id") end
         n = n + 1
         if n == opts.total then
            sock:close()
            return n
         end
      end
      local p = doc.pagination
      if not p.has_more or p.next_cursor == cjson.null or not p.next_cursor then break end
      cursor = p.next_cursor
   end
   sock:close()
   return n
end

-- What most LuaSocket code does (info only): socket.http.request + an ltn12 table sink.
-- socket.http sends "Connection: close", so every page opens a new connection.
local function walk_socket_http()
   local http, ltn12 = require "socket.http", require "ltn12"
   local headers = { Authorization = "Bearer " .. opts.secret_key, Accept = "application/json" }
   local n, cursor = 0, nil
   while true do
      local url = opts.base_url .. "/v1/sessions?limit=" .. opts.limit
      if cursor then url = url .. "&cursor=" .. urlencode(cursor) end
      local parts = {}
      local ok, code = http.request{ url = url, headers = headers, sink = ltn12.sink.table(parts) }
      if not ok or code ~= 200 then error("HTTP " .. tostring(code)) end
      local doc = cjson.decode(table.concat(parts))
      for _, item in ipairs(doc.data) do
         if not item.id then error("an item without an id") end
         n = n + 1
         if n == opts.total then return n end
      end
      local p = doc.pagination
      if not p.has_more or p.next_cursor == cjson.null or not p.next_cursor then break end
      cursor = p.next_cursor
   end
   return n
end

local function timed(f)
   collectgarbage()
   local t0 = socket.gettime()
   local n = f()
   local dt = socket.gettime() - t0
   if n ~= opts.total then
      error(string.format("the walk ended after %d items; the emulator needs >= %d sessions", n, opts.total))
   end
   return dt
end

local function median(t)
   table.sort(t)
   local m = #t
   if m % 2 == 1 then return t[(m + 1) / 2] end
   return (t[m / 2] + t[m / 2 + 1]) / 2
end

if opts.only then
   -- one side, once (for profilers): --only foil | --only luasocket
   local sides = { foil = walk_foil, luasocket = walk_socket, ["socket.http"] = walk_socket_http }
   local n = assert(sides[opts.only], "--only foil|luasocket|socket.http")()
   io.write(string.format("%s walked %d sessions\n", opts.only, n))
   if emu then emu:close() end
   return
end

local foil_s, sock_s, ratios = {}, {}, {}
for r = 1, opts.rounds do
   local a, b
   if r % 2 == 1 then
      a = timed(walk_foil)
      b = timed(walk_socket)
   else
      b = timed(walk_socket)
      a = timed(walk_foil)
   end
   foil_s[#foil_s + 1], sock_s[#sock_s + 1], ratios[#ratios + 1] = a, b, b / a
end
local fm, sm, rm = median(foil_s), median(sock_s), median(ratios)
local hm = timed(walk_socket_http) -- once, for information
local interp = rawget(_G, "jit") and jit.version or _VERSION
local function commas(x)
   local str = string.format("%.0f", x)
   while true do
      local k
      str, k = str:gsub("^(%d+)(%d%d%d)", "%1,%2")
      if k == 0 then return str end
   end
end
if opts.rows then
   local short = rawget(_G, "jit") and "LuaJIT" or "Lua 5.4"
   local raw = string.format('{"interpreter":"%s","total":%d,"limit":%d,"rounds":%d,"foil_items_per_s":%.0f,' ..
      '"luasocket_cjson_items_per_s":%.0f,"socket_http_cjson_items_per_s":%.0f,"ratio":%.3f}',
      interp, opts.total, opts.limit, opts.rounds, opts.total / fm, opts.total / sm, opts.total / hm, rm)
   io.write(string.format('{"benchmark":"%s: walk %s sessions, plain tables (items/s)","libfoil":"%s",' ..
      '"baseline":"%s LuaSocket keep-alive + lua-cjson","ratio":"%.2fx","target":"≥ 5x","met":"%s","raw":%s}\n',
      short, commas(opts.total), commas(opts.total / fm), commas(opts.total / sm), rm, rm >= 5 and "yes" or "NO", raw))
   io.write(string.format('{"benchmark":"%s: walk, vs socket.http + lua-cjson (a connection per page, items/s)",' ..
      '"libfoil":"%s","baseline":"%s socket.http","ratio":"%.2fx","target":"—","met":"info"}\n',
      short, commas(opts.total / fm), commas(opts.total / hm), hm / fm))
else
   io.write(string.format(
      '{"benchmark":"lua_walk","interpreter":"%s","total":%d,"limit":%d,"rounds":%d,' ..
      '"foil_items_per_s":%.0f,"luasocket_cjson_items_per_s":%.0f,"socket_http_cjson_items_per_s":%.0f,"ratio":%.2f}\n',
      interp, opts.total, opts.limit, opts.rounds, opts.total / fm, opts.total / sm, opts.total / hm, rm))
   io.write(string.format("%-34s | %10.0f items/s | %10.0f items/s | %5.2fx | >= 5x | %s\n",
      "Lua walk " .. opts.total .. " sessions (" .. interp .. ")", opts.total / fm, opts.total / sm, rm,
      rm >= 5 and "yes" or "NO"))
end
if emu then emu:close() end
