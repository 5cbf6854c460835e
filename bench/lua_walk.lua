--- Walk N sessions (pages of LIMIT) with the libfoil rock and with a hand-written
-- LuaSocket + lua-cjson loop against the same emulator; print items/s and the ratios.
--
--   lua5.4 bench/lua_walk.lua [--total 100000] [--limit 200] [--rounds 3]
--          [--base-url URL --secret-key KEY]      (default: the rock's embedded emulator)
--          [--only foil|foil-fields|luasocket|luasocket-fields|socket.http]
--                                                  (one walk, once: for profilers)
--          [--rows]                                (bench/run.py's JSON rows instead)
--
-- Two pairs, each side reading the same thing:
--   plain tables  every item's id; the rock's items are whole plain tables (the default);
--   projection    every item's id and latest_decision.verdict; the rock walks with
--                 `fields = { "id", "latest_decision.verdict" }` (tables holding only those),
--                 the baseline decodes each page with cjson and reads the two fields.
-- The baseline is the fastest honest loop LuaSocket allows: one keep-alive TCP connection
-- (HTTP/1.1 written by hand: request line, headers, Content-Length body read in one receive),
-- cjson.decode of each page, the cursor URL-encoded into the next request. (socket.http
-- cannot keep a connection alive: it sends "Connection: close" and reconnects per page, so it
-- is shown for information only.) Each round runs both pairs, each pair's order alternating
-- ABBA; a ratio is the median of per-round ratios. Output: one JSON line, then table rows.
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

local FIELDS = { "id", "latest_decision.verdict" }

-- What each side reads of an item: its id (plain), or its id and verdict (projection).
local function read_id(s)
   if not s.id then error("an item without an id") end
end
local function read_id_verdict(s)
   if not s.id or not s.latest_decision.verdict then error("an item without an id or verdict") end
end

local function walk_foil(fields, read)
   local client = foil.new{ base_url = opts.base_url, secret_key = opts.secret_key }
   local n = 0
   for s in client.sessions:iter{ limit = opts.limit, fields = fields } do
      read(s)
      n = n + 1
      if n == opts.total then break end
   end
   client:close()
   return n
end

local function urlencode(s)
   return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function walk_socket(read)
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
         read(item)
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

local walks = {
   foil = function() return walk_foil(nil, read_id) end,
   ["foil-fields"] = function() return walk_foil(FIELDS, read_id_verdict) end,
   luasocket = function() return walk_socket(read_id) end,
   ["luasocket-fields"] = function() return walk_socket(read_id_verdict) end,
   ["socket.http"] = walk_socket_http,
}

if opts.only then
   -- one walk, once (for profilers)
   local n = assert(walks[opts.only], "--only foil|foil-fields|luasocket|luasocket-fields|socket.http")()
   io.write(string.format("%s walked %d sessions\n", opts.only, n))
   if emu then emu:close() end
   return
end

-- pairs[name] = { libfoil walk, baseline walk, libfoil seconds, baseline seconds, ratios }
local pairs_run = {
   plain = { walks.foil, walks.luasocket, {}, {}, {} },
   fields = { walks["foil-fields"], walks["luasocket-fields"], {}, {}, {} },
}
for r = 1, opts.rounds do
   for _, name in ipairs{ "plain", "fields" } do
      local p = pairs_run[name]
      local a, b
      if r % 2 == 1 then
         a = timed(p[1])
         b = timed(p[2])
      else
         b = timed(p[2])
         a = timed(p[1])
      end
      table.insert(p[3], a)
      table.insert(p[4], b)
      table.insert(p[5], b / a)
   end
end
local function rates(p)
   return opts.total / median(p[3]), opts.total / median(p[4]), median(p[5])
end
local foil_ps, sock_ps, ratio = rates(pairs_run.plain)
local ffoil_ps, fsock_ps, fratio = rates(pairs_run.fields)
local http_ps = opts.total / timed(walk_socket_http) -- once, for information
local interp = rawget(_G, "jit") and jit.version or _VERSION
local function commas(x)
   local str = string.format("%.0f", x)
   while true do
      local k
      str, k = str:gsub("^(%d+)(%d%d%d)", "%1,%2")
      if k == 0 then return str end
   end
end
-- Targets (issue 19): plain tables are bounded by building them, the work lua-cjson does too.
local PLAIN_TARGET, FIELDS_TARGET = 1.5, 5
if opts.rows then
   local short = rawget(_G, "jit") and "LuaJIT" or "Lua 5.4"
   local raw = string.format('{"interpreter":"%s","total":%d,"limit":%d,"rounds":%d,"foil_items_per_s":%.0f,' ..
      '"luasocket_cjson_items_per_s":%.0f,"foil_fields_items_per_s":%.0f,' ..
      '"luasocket_cjson_fields_items_per_s":%.0f,"socket_http_cjson_items_per_s":%.0f,' ..
      '"ratio":%.3f,"fields_ratio":%.3f}',
      interp, opts.total, opts.limit, opts.rounds, foil_ps, sock_ps, ffoil_ps, fsock_ps, http_ps, ratio, fratio)
   local function row(benchmark, libfoil, baseline, r, target, met, extra)
      io.write(string.format('{"benchmark":"%s","libfoil":"%s","baseline":"%s","ratio":"%s","target":"%s",' ..
         '"met":"%s"%s}\n', benchmark, libfoil, baseline, r, target, met, extra or ""))
   end
   row(string.format("%s: walk %s sessions, plain tables (items/s)", short, commas(opts.total)),
       commas(foil_ps), commas(sock_ps) .. " LuaSocket keep-alive + lua-cjson", string.format("%.2fx", ratio),
       string.format("≥ %gx", PLAIN_TARGET), ratio >= PLAIN_TARGET and "yes" or "NO", ',"raw":' .. raw)
   row(string.format("%s: walk %s sessions, fields = {id, latest_decision.verdict} (items/s)", short,
          commas(opts.total)),
       commas(ffoil_ps), commas(fsock_ps) .. " LuaSocket keep-alive + lua-cjson, same 2 fields",
       string.format("%.2fx", fratio), string.format("≥ %gx", FIELDS_TARGET),
       fratio >= FIELDS_TARGET and "yes" or "NO")
   row(short .. ": walk, vs socket.http + lua-cjson (a connection per page, items/s)", commas(foil_ps),
       commas(http_ps) .. " socket.http", string.format("%.2fx", http_ps > 0 and foil_ps / http_ps or 0), "—",
       "info")
else
   io.write(string.format(
      '{"benchmark":"lua_walk","interpreter":"%s","total":%d,"limit":%d,"rounds":%d,' ..
      '"foil_items_per_s":%.0f,"luasocket_cjson_items_per_s":%.0f,"foil_fields_items_per_s":%.0f,' ..
      '"luasocket_cjson_fields_items_per_s":%.0f,"socket_http_cjson_items_per_s":%.0f,' ..
      '"ratio":%.2f,"fields_ratio":%.2f}\n',
      interp, opts.total, opts.limit, opts.rounds, foil_ps, sock_ps, ffoil_ps, fsock_ps, http_ps, ratio, fratio))
   io.write(string.format("%-46s | %10.0f items/s | %10.0f items/s | %5.2fx | >= %gx | %s\n",
      "Lua walk " .. opts.total .. " sessions (" .. interp .. ")", foil_ps, sock_ps, ratio, PLAIN_TARGET,
      ratio >= PLAIN_TARGET and "yes" or "NO"))
   io.write(string.format("%-46s | %10.0f items/s | %10.0f items/s | %5.2fx | >= %gx | %s\n",
      "Lua walk, fields = {id, verdict} (" .. interp .. ")", ffoil_ps, fsock_ps, fratio, FIELDS_TARGET,
      fratio >= FIELDS_TARGET and "yes" or "NO"))
end
if emu then emu:close() end
