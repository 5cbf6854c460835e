--- foil.ngx: the rock's transport inside nginx's Lua module, over cosockets (ngx.socket.tcp).
--
-- Never required by hand: foil.lua loads it on the first call made in a request phase that has
-- cosockets (rewrite, access, content, ngx.timer callbacks...). The core does everything but the
-- I/O (sansio.h): it prepares each request (URL parts, headers, body, timeouts) and completes it
-- from the response read here, so results and errors are those of the libcurl transport. A
-- call yields only the current request's coroutine while it waits; the worker serves others.
--
-- Each function has the shape of the native call it stands for (plus the client's handle
-- where the native call has none): it returns the handle or value, or raises the core's
-- error table (foil.lua turns that into nil, err).
--
-- client:cancel() from another request of the worker: a cosocket belongs to the request
-- that made it, and no other request may use it, not even to close it (lua-nginx-module's
-- rule: its lifetime is its handler's). So each exchange runs in a light thread of the
-- calling request, which waits on an ngx.semaphore (semaphores may be posted from any
-- request of the worker). client:cancel() posts the semaphores of the client's calls in
-- flight; each woken call, in its own request, kills its I/O thread (ngx.thread.kill),
-- closes the socket and ends with the core's cancelled error, at once, whatever the I/O was
-- waiting for (connect, TLS handshake, a read).
local native, new_error

local M = {}

--- foil.lua hands over the native module and its error constructor (this file requires
-- nothing of the rock, so the two never load each other).
function M._init(n, make_error)
   native, new_error = n, make_error
   return M
end

local ngx = ngx
local semaphore = require "ngx.semaphore"
local tcp, sleep, now, update_time = ngx.socket.tcp, ngx.sleep, ngx.now, ngx.update_time
local spawn, kill, wait = ngx.thread.spawn, ngx.thread.kill, ngx.thread.wait
local tonumber, lower, min, max, pairs, pcall = tonumber, string.lower, math.min, math.max, pairs, pcall

-- Idle keep-alive connections per pool (one pool per scheme, host and port) and how long one
-- may stay idle: the core's libcurl transport keeps its connections the same way.
local KEEPALIVE_POOL_SIZE = 64
local KEEPALIVE_IDLE_MS = 60000
local READ_CHUNK = 65536
-- The status line and headers of a response, at most (libcurl's cap).
local MAX_HEADER_BYTES = 300 * 1024
-- A wait on a semaphore is re-armed this often (seconds) until what it waits for is done:
-- the I/O it waits for has its own timeouts, so this only bounds one sleep.
local WAIT_SLICE_S = 60

local function now_ms()
   update_time()
   return now() * 1000
end

-- The socket's timeouts for what is left of the request's budget (the core's timeout_ms is the
-- whole request's, as with libcurl).
local function arm(sock, deadline)
   local left = deadline and max(1, deadline - now_ms()) or nil
   if left then sock:settimeout(left) end
end

-- A transport failure: cosocket errors are strings ("timeout", "connection refused",
-- "closed", ...). Raised as a table the attempt loop turns into the core's error
-- (foil_complete_failure), so the failure and its retry are decided in one place.
local Failure = {}
local function fail(err, what)
   local status = err == "timeout" and native.FOIL_E_TIMEOUT or native.FOIL_E_CONNECTION
   error(setmetatable({ status = status, detail = what .. ": " .. tostring(err) }, Failure), 0)
end

local function host_header(host, port, scheme)
   if host:find(":", 1, true) then host = "[" .. host .. "]" end
   if (scheme == "https" and port == 443) or (scheme == "http" and port == 80) then return host end
   return host .. ":" .. port
end

-- The request as the pieces cosockets send in one write (no joined copy of the secret
-- Authorization value; Lua strings cannot be wiped, so fewer copies is what can be done).
local function request_pieces(req, scheme, host, port)
   local out = {
      native.http_request_method(req), " ", native.http_request_target(req), " HTTP/1.1\r\n",
      "Host: ", host_header(host, port, scheme), "\r\n",
   }
   for i = 0, native.http_request_header_count(req) - 1 do
      out[#out + 1] = native.http_request_header_name(req, i)
      out[#out + 1] = ": "
      out[#out + 1] = native.http_request_header_value(req, i)
      out[#out + 1] = "\r\n"
   end
   local body = native.http_request_body(req)
   local method = out[1]
   if body or method == "POST" or method == "PATCH" or method == "PUT" then
      out[#out + 1] = "Content-Length: " .. (body and #body or 0) .. "\r\n"
   end
   out[#out + 1] = "\r\n"
   if body then out[#out + 1] = body end
   return out
end

-- Read the body into resp: exactly `length` bytes, chunked, or to the end of the connection.
-- At most max_bytes + 1 bytes are read (the core then fails the response as too large, as the
-- libcurl transport does); returns whether the connection may be reused.
local function read_body(sock, resp, length, chunked, max_bytes, deadline)
   local total = 0
   local function take(data)
      total = total + #data
      native.http_response_append_body(resp, data)
      return total <= max_bytes
   end
   if length then
      local left = length
      while left > 0 do
         arm(sock, deadline)
         local data, err, partial = sock:receive(min(left, READ_CHUNK))
         if not data then
            if partial and #partial > 0 then take(partial) end
            fail(err, "reading the response body")
         end
         left = left - #data
         if not take(data) then return false end
      end
      return true
   end
   if chunked then
      while true do
         arm(sock, deadline)
         local line, err = sock:receive("*l")
         if not line then fail(err, "reading a chunk size") end
         local hex = line:match("^%s*(%x+)%s*$") or line:match("^%s*(%x+)%s*;")
         local size = hex and #hex <= 15 and tonumber(hex, 16)
         if not size then fail("malformed chunk size", "reading the response body") end
         if size == 0 then
            repeat -- trailers, up to the empty line
               arm(sock, deadline)
               line, err = sock:receive("*l")
               if not line then fail(err, "reading the trailers") end
            until line == ""
            return true
         end
         local left = size
         while left > 0 do
            arm(sock, deadline)
            local data, rerr = sock:receive(min(left, READ_CHUNK))
            if not data then fail(rerr, "reading a chunk") end
            left = left - #data
            if not take(data) then return false end
         end
         arm(sock, deadline)
         local crlf, cerr = sock:receive(2)
         if crlf ~= "\r\n" then fail(cerr or "malformed chunk", "reading a chunk") end
      end
   end
   while true do -- neither: the body ends with the connection
      arm(sock, deadline)
      local data, err = sock:receiveany(READ_CHUNK)
      if not data then
         if err == "closed" then return false end
         fail(err, "reading the response body")
      end
      if not take(data) then return false end
   end
end

--- One exchange: connect (or reuse a pooled connection), TLS with verification for https,
-- write the request, read the response. Returns an open response handle; raises a Failure
-- (a transport failure) or the core's configuration error. The socket in use is noted in
-- w.sock, for the caller to close should it kill this exchange (a cancel).
local function exchange(req, w)
   local scheme = native.http_request_scheme(req)
   local host = native.http_request_host(req)
   local port = native.http_request_port(req)
   local timeout_ms = native.http_request_timeout_ms(req)
   local connect_ms = native.http_request_connect_timeout_ms(req)
   local started = now_ms()
   local deadline = timeout_ms and timeout_ms > 0 and started + timeout_ms or nil

   if native.http_request_proxy(req) then
      -- Cosockets connect directly: going around a configured proxy is not this file's call.
      error(new_error("configuration", "the client has a proxy, which nginx cosockets cannot use: "
         .. "drop the proxy option inside nginx, or force transport = \"curl\"", "client.ngx_proxy"), 0)
   end
   local budget = deadline and max(1, deadline - started) or 60000
   -- Connections to the same API share a pool; a TLS connection is only ever pooled after a
   -- verified handshake, so the pool name carries the scheme.
   local pool = scheme .. "://" .. host .. ":" .. port
   local pieces = request_pieces(req, scheme, host, port)
   local sock, line
   -- A pooled connection the server closed while it was idle fails before any answer: the
   -- request is sent again on another connection, as libcurl does (a fresh one fails for good).
   for _ = 1, KEEPALIVE_POOL_SIZE + 1 do
      sock = tcp()
      w.sock = sock
      sock:settimeouts(connect_ms and connect_ms > 0 and min(connect_ms, budget) or budget, budget, budget)
      local ok, err = sock:connect(host, port, { pool = pool, pool_size = KEEPALIVE_POOL_SIZE })
      if not ok then fail(err, "connecting to " .. host .. ":" .. port) end
      local reused = sock:getreusedtimes() > 0
      if scheme == "https" and not reused then
         arm(sock, deadline)
         -- Verification on: the trust store is nginx's lua_ssl_trusted_certificate.
         local session, herr = sock:sslhandshake(nil, host, true)
         if not session then
            sock:close()
            fail(herr, "TLS handshake with " .. host)
         end
      end
      arm(sock, deadline)
      local sent, serr = sock:send(pieces)
      local lerr
      if sent then
         arm(sock, deadline)
         line, lerr = sock:receive("*l")
      end
      if line then break end
      sock:close()
      local why = sent and lerr or serr
      if not reused or why == "timeout" then
         fail(why, sent and "reading the status line" or "sending the request")
      end
   end
   if not line then fail("closed", "reading the status line") end
   local version, status = line:match("^HTTP/(%d%.%d) ([1-9]%d%d)")
   if not status or line:find("\0", 1, true) then
      sock:close()
      fail("not an HTTP/1.x status line", "reading the status line")
   end
   status = tonumber(status)
   local resp = native.http_response_new(status)
   local length, chunked, close = nil, false, version == "1.0"
   local header_bytes = #line
   local function refuse(why)
      native.close(resp)
      sock:close()
      fail(why, "reading the response headers")
   end
   while true do
      arm(sock, deadline)
      local h, herr = sock:receive("*l")
      if not h then refuse(herr) end
      if h == "" then break end
      -- What libcurl refuses too ("Weird server reply"): a NUL byte, headers past its
      -- 300 KiB, a Content-Length that is not a plain decimal count.
      header_bytes = header_bytes + #h
      if header_bytes > MAX_HEADER_BYTES then refuse("the response headers are too large") end
      if h:find("\0", 1, true) then refuse("a NUL byte in a response header") end
      local name, value = h:match("^([^:]+):%s*(.-)%s*$")
      if name then
         native.http_response_add_header(resp, name, value)
         local key = lower(name)
         if key == "content-length" then
            local n = value:match("^%d+$") and #value <= 15 and tonumber(value)
            if not n or (length and length ~= n) then refuse("an invalid Content-Length") end
            length = n
         elseif key == "transfer-encoding" then
            chunked = lower(value):find("chunked", 1, true) ~= nil
         elseif key == "connection" then
            local v = lower(value)
            if v:find("close", 1, true) then close = true elseif v:find("keep-alive", 1, true) then close = false end
         end
      end
   end
   if status == 204 or status == 304 or (status >= 100 and status < 200) then length = 0 end
   local max_bytes = native.http_request_max_response_bytes(req)
   if not max_bytes or max_bytes <= 0 then max_bytes = math.huge end
   if not chunked and length and length > max_bytes then
      -- The core gives the size cap's error from the Content-Length it was handed
      -- (sansio.h): nothing of a body that may never come is waited for.
      sock:close()
      return resp
   end
   local ok_body, reusable = pcall(read_body, sock, resp, not chunked and length or nil, chunked,
                                   max_bytes, deadline)
   if not ok_body then
      sock:close()
      error(reusable, 0)
   end
   if reusable and not close then
      sock:setkeepalive(KEEPALIVE_IDLE_MS, KEEPALIVE_POOL_SIZE)
   else
      sock:close()
   end
   return resp
end

-- ---------------------------------------------------------------------------------------
-- Cancellation: the calls in flight per client handle (weak keys: a freed client's go with
-- it), each { sema = the ngx.semaphore it waits on now, cancelled = true once
-- client:cancel() reached it }. A call is watched from its first attempt to its outcome, so
-- a cancel ends it whether it is sending, reading or waiting to retry.

local calls = setmetatable({}, { __mode = "k" })
-- A call's entry is weak too: a request that nginx ends mid-call (the client went away with
-- lua_check_client_abort on, ngx.exit from another of its threads) never unwatches it, and
-- its entry goes with its coroutine.
local WEAK_KEYS = { __mode = "k" }

local function watch(client)
   local c = {}
   local set = calls[client]
   if not set then
      set = setmetatable({}, WEAK_KEYS)
      calls[client] = set
   end
   set[c] = true
   return c
end

local function unwatch(client, c)
   local set = calls[client]
   if set then set[c] = nil end
end

--- client:cancel()'s part inside nginx: end every call in flight on `client` (from any
-- request or timer of the worker); calls started afterwards run normally, as with libcurl.
function M.cancel(client)
   local set = calls[client]
   if not set then return end
   calls[client] = nil
   for c in pairs(set) do
      c.cancelled = true
      if c.sema then c.sema:post(1) end
   end
end

-- A fresh semaphore for the call's next wait (a post left over from a finished wait must
-- not end the next one early).
local function arm_wait(c)
   local sema = semaphore.new(0)
   c.sema = sema
   return sema
end

--- Sleep ms milliseconds, unless the call is cancelled first.
local function pause(c, ms)
   if not c.cancelled then arm_wait(c):wait(ms / 1000) end
end

-- The response, or nil, status and detail for a transport failure (a cancel included). The
-- exchange runs in a light thread while the call waits on the semaphore it posts when done,
-- or client:cancel() posts first: then the exchange is killed and its socket closed.
local function attempt_exchange(c, req)
   if c.cancelled then return nil, native.FOIL_E_CANCELLED end
   local sema = arm_wait(c)
   local w = {}
   local thread = spawn(function()
      w.ok, w.resp = pcall(exchange, req, w)
      w.done = true
      sema:post(1)
   end)
   while not w.done and not c.cancelled do sema:wait(WAIT_SLICE_S) end
   if not w.done then
      kill(thread)
      if w.sock then w.sock:close() end
      return nil, native.FOIL_E_CANCELLED
   end
   wait(thread) -- reaped: it is over
   local ok, resp = w.ok, w.resp
   if not ok then
      if getmetatable(resp) == Failure then return nil, resp.status, resp.detail end
      error(resp, 0)
   end
   if c.cancelled then -- the answer came as the cancel did: the call is cancelled
      native.close(resp)
      return nil, native.FOIL_E_CANCELLED
   end
   return resp
end

-- One attempt of `req` as the watched call c: the response, or nil, status and detail.
local function attempt_watched(client, req)
   local c = watch(client)
   local ok, resp, status, detail = pcall(attempt_exchange, c, req)
   unwatch(client, c)
   if not ok then error(resp, 0) end
   return resp, status, detail
end

--- The outcome of a prepared request: the result handle (nil for no content), or the error
-- raised. The client's opt-in retries (idempotent requests only, decided by the core from
-- the failure's own record) wait on the call's semaphore, which yields like the I/O does.
local function perform_as(c, req)
   local started = now_ms()
   local attempt = 0
   while true do
      local resp, status, detail = attempt_exchange(c, req)
      local result, delay_ms
      if resp then
         result, delay_ms = native.settle(req, resp, attempt, now_ms() - started)
         native.close(resp)
      else
         delay_ms = native.settle_failure(req, status, detail, attempt, now_ms() - started)
      end
      if not delay_ms then return result end
      if delay_ms > 0 then pause(c, delay_ms) end
      attempt = attempt + 1
   end
end

local function perform(client, req)
   local c = watch(client)
   local ok, result = pcall(perform_as, c, req)
   unwatch(client, c)
   if not ok then error(result, 0) end
   return result
end

--- native.call's counterpart: the result handle of `operation` with params_json.
function M.call(client, operation, params_json)
   return perform(client, native.prepare(client, operation, params_json))
end

-- The page of `req` requested ahead, in a light thread: one attempt, kept only when it
-- arrived whole with a 2xx answer (the libcurl walk's rule: anything else is asked for again
-- when needed, with the usual retries and errors). Never raises: a walk abandoned early
-- leaves it to finish on its own (its connection goes back to the keep-alive pool, the page
-- is freed with the iterator).
local function fetch_ahead(client, req)
   local job = { sema = semaphore.new(0) }
   job.thread = spawn(function()
      local ok, resp, status = pcall(attempt_watched, client, req)
      if ok and resp then
         local settled, page, delay_ms = pcall(native.settle, req, resp, 0, 0)
         native.close(resp)
         if settled and page and not delay_ms then job.page = page end
      elseif ok and status == native.FOIL_E_CANCELLED then
         -- Cancelled while the caller waited for this page: the caller's call was cancelled.
         job.cancelled = job.awaited
      end
      job.done = true
      job.sema:post(1)
   end)
   return job
end

-- The page fetched ahead (nil when it has to be asked for again), once its thread is done.
local function take(job)
   job.awaited = true
   while not job.done do job.sema:wait(WAIT_SLICE_S) end
   -- Reap the thread; only the coroutine that spawned it may (an iterator handed to another
   -- coroutine leaves it to its parent).
   pcall(wait, job.thread)
   return job.page, job.cancelled
end

--- A generic-for function over every item of a paginated list: each page through a
-- cosocket, the next prepared from the one just read (foil_prepare_next). With prefetch,
-- the next page is requested (fetch_ahead) as soon as a page arrives, so it is in flight
-- while the caller iterates over the current one. Raises on a failure.
function M.walk(client, operation, params_json, fields, prefetch)
   local req = native.prepare(client, operation, params_json)
   local items, i, ahead = nil, 0, nil
   return function()
      while true do
         if items and i < #items then
            i = i + 1
            return items[i]
         end
         if not req then return nil end
         local page, cancelled
         if ahead then
            page, cancelled = take(ahead)
            ahead = nil
         end
         if cancelled then native.settle_failure(req, native.FOIL_E_CANCELLED, nil, 0, 0) end
         page = page or perform(client, req)
         req = native.prepare_next(req, page)
         items, i = native.call_result(page, fields).items, 0
         if req and prefetch then ahead = fetch_ahead(client, req) end
      end
   end
end

-- ---------------------------------------------------------------------------------------
-- Gate signup, step by step (gate_session.h's sans-IO section).

-- Send a request of the signup and feed the answer (or the transport failure) back: the
-- feed's wait_ms, or the error raised.
local function feed(client, s, req)
   local resp, status, detail = attempt_watched(client, req)
   if resp then return native.gate_session_feed(s, req, resp) end
   return native.gate_session_feed_failure(s, req, status, detail)
end

--- native.gate_session_create's counterpart: the signup handle.
function M.signup_create(client, service_id, account_name, metadata)
   local s, req = native.gate_session_prepare_create(client, service_id, account_name, metadata)
   feed(client, s, req)
   return s
end

--- native.gate_session_step's counterpart: at most one poll; the wait before the next step
-- (0: approved). Its sleep is the caller's (foil.lua sleeps with the transport's sleep).
function M.signup_step(s, client)
   local req, wait_ms = native.gate_session_next(s)
   if req then return feed(client, s, req) end
   return wait_ms
end

--- native.gate_session_poll's counterpart: one poll. The core prepares a poll only when one
-- is due (a wait's interval), so until then this sleeps (ngx.sleep) and asks again.
function M.signup_poll(s, client)
   while true do
      local req, wait_ms = native.gate_session_next(s)
      if req then
         feed(client, s, req)
         return
      end
      if not wait_ms or wait_ms <= 0 then return end -- nothing left to poll (approved)
      sleep(wait_ms / 1000)
   end
end

--- native.gate_session_ack's counterpart.
function M.signup_ack(s, client)
   feed(client, s, native.gate_session_prepare_ack(s))
end

M.sleep = function(seconds) sleep(seconds) end

return M
