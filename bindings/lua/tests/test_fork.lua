-- A client used on both sides of fork(): each process gets the answers to its own requests.
-- A child sending on a connection it inherited would share one TCP stream with its parent, and
-- each would read whichever answer came first: a child's get(a) coming back as the parent's
-- session b, or failing. Every request asks for a different session and checks the answer's id.
--
-- Lua has no fork of its own. LuaJIT reaches fork(2) through its FFI; Lua 5.4 would need
-- luaposix, which Debian 12 packages for Lua 5.1-5.3 only (lua-posix), so there it is skipped.
local env = require "env"

local C
local function posix()
   if C then return C end
   if not jit then return nil end
   local ffi = require "ffi"
   ffi.cdef [[
      int fork(void);
      void _exit(int status);
      int pipe(int fds[2]);
      long write(int fd, const void *buf, unsigned long n);
      long read(int fd, void *buf, unsigned long n);
      int close(int fd);
      int waitpid(int pid, int *status, int options);
      unsigned alarm(unsigned seconds);
   ]]
   C = { ffi = ffi, lib = ffi.C }
   return C
end

local function ask(c, ids)
   local crossed, errors = 0, 0
   for _, id in ipairs(ids) do
      local ok, s = pcall(c.sessions.get, c.sessions, id)
      if not (ok and s) then
         errors = errors + 1
      elseif s.id ~= id then
         crossed = crossed + 1
      end
   end
   return crossed, errors
end

return function(t)
   t.test("parent and child get their own answers after fork", function()
      local p = posix()
      if not p then t.skip("no fork(2) reachable from this Lua (LuaJIT's FFI, or luaposix)") end
      local ffi, lib = p.ffi, p.lib
      local c = env.client()
      local ids = {}
      for s in c.sessions:iter{ limit = 200 } do
         if #ids < 400 then ids[#ids + 1] = s.id end
      end
      t.eq(#ids, 400)
      local mine, theirs = {}, {}
      for i = 1, 400, 2 do
         mine[#mine + 1] = ids[i]
         theirs[#theirs + 1] = ids[i + 1]
      end
      for round = 1, 4 do
         ask(c, { ids[1], ids[2], ids[3], ids[4] }) -- pooled connections for the child to inherit
         local fds = ffi.new("int[2]")
         t.eq(lib.pipe(fds), 0)
         local pid = lib.fork()
         t.ok(pid >= 0, "fork")
         if pid == 0 then -- the child: no test runner from here on, only _exit
            lib.alarm(60) -- a hang ends the child, and fails the test
            local ok, crossed, errors = pcall(ask, c, theirs)
            local report = ok and string.format("%d %d", crossed, errors) or "failed"
            lib.write(fds[1], report, #report)
            lib._exit(0)
         end
         lib.close(fds[1])
         local crossed, errors = ask(c, mine)
         local status = ffi.new("int[1]")
         t.eq(lib.waitpid(pid, status, 0), pid)
         local buf = ffi.new("char[64]")
         local n = lib.read(fds[0], buf, 64)
         lib.close(fds[0])
         t.eq(status[0], 0, "round " .. round .. ": child exit status")
         t.eq(ffi.string(buf, n), "0 0", "round " .. round .. ": the child's crossed and failed answers")
         t.eq(crossed + errors, 0, "round " .. round .. ": the parent's crossed and failed answers")
      end
      c:close()
   end)
end
