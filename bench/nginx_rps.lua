--- Requests per second through nginx (its Lua module, one worker) to a location making one
-- Foil call (client.sessions:get), the rock over cosockets against the same location with the
-- libcurl transport forced, while the API (the emulator, in this process) delays every request
-- by --delay-ms. wrk drives both with the same connections; rounds alternate ABBA; the ratio is
-- the median of per-round ratios.
--
--   luajit bench/nginx_rps.lua [--delay-ms 50] [--seconds 5] [--connections 50] [--rounds 2] [--rows]
-- Needs the rock on package.path / cpath (bench/rows.d/nginx.sh), nginx with its Lua module, wrk.
local here = (debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".")
package.path = here .. "/../bindings/lua/tests/?.lua;" .. package.path
local foil = require "foil"
local nginx = require "nginx_server"

local opts = { delay_ms = 50, seconds = 5, connections = 50, rounds = 2 }
local i = 1
while i <= #arg do
   local k = arg[i]:gsub("^%-%-", ""):gsub("%-", "_")
   if k == "rows" then
      opts.rows, i = true, i + 1
   elseif opts[k] ~= nil then
      opts[k], i = tonumber(arg[i + 1]), i + 2
   else
      error("usage: nginx_rps.lua [--delay-ms N] [--seconds N] [--connections N] [--rounds N] [--rows]")
   end
end

assert(nginx.available())
local emu = foil.testing.emulator{ session_count = 50 }
local conf = nginx.preamble({ "FOIL_SECRET_KEY", "FOIL_BASE_URL" }) .. [[
http {
]] .. nginx.http_preamble() .. [[
    init_worker_by_lua_block {
        local foil = require "foil"
        bench_clients = { ngx = foil.new{ timeout = 30 }, curl = foil.new{ timeout = 30, transport = "curl" } }
    }
    server {
        listen 127.0.0.1:@PORT@;
        location ~ ^/(ngx|curl)/(.+)$ {
            set $transport $1;
            set $id $2;
            content_by_lua_block {
                local session, err = bench_clients[ngx.var.transport].sessions:get(ngx.var.id)
                if not session then
                    ngx.status = 502
                    ngx.say(tostring(err))
                    return
                end
                ngx.say(session.id)
            }
        }
    }
}
]]
local srv = nginx.start{ conf = conf, env = { FOIL_SECRET_KEY = emu.secret_key, FOIL_BASE_URL = emu.base_url } }
local id = emu:session_id(0)
for _, t in ipairs({ "ngx", "curl" }) do -- both clients work before the clock starts
   local status, body = srv:get("/" .. t .. "/" .. id)
   assert(status == 200 and body:find(id, 1, true), t .. ": " .. tostring(status) .. " " .. tostring(body))
end
emu:inject_fault("delay", { method = "GET", path = "/v1/sessions/", count = 4000000000, delay_ms = opts.delay_ms })

-- wrk's summary: requests/s, and the count of non-2xx answers and socket errors (must be 0).
local function wrk(transport)
   local cmd = string.format("wrk -t1 -c%d -d%ds --timeout 60s --latency http://127.0.0.1:%d/%s/%s 2>&1",
                             opts.connections, opts.seconds, srv.port, transport, id)
   local p = assert(io.popen(cmd))
   local out = p:read("*a")
   p:close()
   local rps = tonumber(out:match("Requests/sec:%s*([%d%.]+)"))
   local bad = tonumber(out:match("Non%-2xx or 3xx responses:%s*(%d+)")) or 0
   local errors = out:match("Socket errors:[^\n]*")
   if not rps or bad > 0 or errors then
      srv:stop()
      error("wrk against " .. transport .. " failed:\n" .. out)
   end
   return rps
end

local ratios, ngx_rps, curl_rps = {}, {}, {}
for round = 1, opts.rounds do
   local a, b
   if round % 2 == 1 then
      a = wrk("ngx")
      b = wrk("curl")
   else
      b = wrk("curl")
      a = wrk("ngx")
   end
   ngx_rps[#ngx_rps + 1], curl_rps[#curl_rps + 1], ratios[#ratios + 1] = a, b, a / b
end
srv:stop()
emu:close()

local function median(t)
   local s = {}
   for k, v in ipairs(t) do s[k] = v end
   table.sort(s)
   local n = #s
   return n % 2 == 1 and s[(n + 1) / 2] or (s[n / 2] + s[n / 2 + 1]) / 2
end

local r = median(ratios)
local row = {
   benchmark = string.format("nginx (1 worker, wrk -c%d): sessions:get, API delay %d ms (requests/s)",
                             opts.connections, opts.delay_ms),
   libfoil = string.format("%.0f", median(ngx_rps)),
   baseline = string.format("%.1f rock with transport = \"curl\"", median(curl_rps)),
   ratio = string.format("%.1fx", r),
   target = "≥ 20x",
   met = r >= 20 and "yes" or "NO",
   raw = { ngx = ngx_rps, curl = curl_rps, ratios = ratios, delay_ms = opts.delay_ms,
           seconds = opts.seconds, connections = opts.connections },
}
if opts.rows then
   print(foil.json_encode(row))
else
   print(string.format("%s\n  cosockets %s req/s, libcurl %.1f req/s: %s (target %s: %s)", row.benchmark,
                       row.libfoil, median(curl_rps), row.ratio, row.target, row.met))
end
