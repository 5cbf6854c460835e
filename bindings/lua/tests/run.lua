--- A small test runner for the Lua binding (Lua 5.4 and LuaJIT, no dependencies).
--
--   lua5.4 bindings/lua/tests/run.lua              -- every tests/test_*.lua
--   luajit bindings/lua/tests/run.lua test_json    -- some files (names without .lua)
--   FOIL_TEST_FILTER=signup lua5.4 ...             -- tests whose name contains "signup"
--
-- Each test file returns a function(t) that registers tests with t.test(name, fn). Inside a
-- test: t.eq, t.ok, t.same, t.raises, t.skip(reason). The run ends with one line
-- `N passed, N failed, N skipped` and exits non-zero when anything failed.
local here = (arg and arg[0] or ""):match("^(.*)[/\\]") or "."
package.path = here .. "/?.lua;" .. package.path

local t = {}
local tests = {}
local SKIP = {}

function t.test(name, fn) tests[#tests + 1] = { name = t.file .. ": " .. name, fn = fn } end

local function fail(msg, level) error(msg, (level or 1) + 1) end

local function show(v)
   if type(v) == "string" then return string.format("%q", v) end
   return tostring(v)
end

function t.eq(a, b, msg)
   if a ~= b then fail((msg and msg .. ": " or "") .. "expected " .. show(b) .. ", got " .. show(a), 2) end
end

function t.ok(v, msg)
   if not v then fail(msg or "expected a true value", 2) end
   return v
end

local function same(a, b, path)
   if type(a) ~= type(b) then return false, path .. ": " .. type(a) .. " vs " .. type(b) end
   if type(a) ~= "table" then
      if a == b then return true end
      if type(a) == "number" and math.abs(a - b) < 1e-9 then return true end
      return false, path .. ": " .. show(a) .. " vs " .. show(b)
   end
   for k, v in pairs(a) do
      local ok, why = same(v, b[k], path .. "." .. tostring(k))
      if not ok then return false, why end
   end
   for k in pairs(b) do
      if a[k] == nil then return false, path .. "." .. tostring(k) .. ": missing" end
   end
   return true
end

function t.same(a, b, msg)
   local ok, why = same(a, b, "value")
   if not ok then fail((msg and msg .. ": " or "") .. why, 2) end
end

--- t.raises(fn, kind_or_pattern): fn must raise; a foil error of that kind, or a string
-- matching the pattern. Returns the error.
function t.raises(fn, want, msg)
   local ok, err = pcall(fn)
   if ok then fail((msg and msg .. ": " or "") .. "expected an error", 2) end
   if want then
      if type(err) == "table" then
         if err.kind ~= want then
            fail((msg and msg .. ": " or "") .. "expected a " .. want .. " error, got " .. tostring(err), 2)
         end
      elseif not tostring(err):find(want) then
         fail((msg and msg .. ": " or "") .. "expected an error matching " .. want .. ", got " .. tostring(err), 2)
      end
   end
   return err
end

--- t.fails(kind, value, err): a `nil, err` result of that kind.
function t.fails(kind, v, err, msg)
   if v ~= nil then fail((msg and msg .. ": " or "") .. "expected nil, err; got " .. show(v), 2) end
   if type(err) ~= "table" or err.kind ~= kind then
      fail((msg and msg .. ": " or "") .. "expected a " .. kind .. " error, got " .. show(err), 2)
   end
   return err
end

function t.skip(reason) error(setmetatable({ reason = reason }, SKIP), 0) end

-- Fixtures: FOIL_SPEC_DIR, else ../shared/foil-spec next to the repository.
function t.spec_dir()
   local dir = os.getenv("FOIL_SPEC_DIR")
   if not dir or dir == "" then dir = here .. "/../../../../shared/foil-spec" end
   local f = io.open(dir .. "/openapi.json", "rb")
   if not f then return nil, dir end
   f:close()
   return dir
end

function t.fixture(name)
   local dir, tried = t.spec_dir()
   if not dir then t.skip("foil-spec not found at " .. tried .. " (set FOIL_SPEC_DIR)") end
   local f = assert(io.open(dir .. "/fixtures/" .. name, "rb"))
   local text = f:read("*a")
   f:close()
   return text
end

t.is54 = _VERSION == "Lua 5.4" and not rawget(_G, "jit")
t.interpreter = rawget(_G, "jit") and jit.version or _VERSION

local files = {}
for i = 1, #arg do files[#files + 1] = arg[i] end
if #files == 0 then
   local p = io.popen('ls "' .. here .. '"')
   for name in p:lines() do
      local base = name:match("^(test_.*)%.lua$")
      if base then files[#files + 1] = base end
   end
   p:close()
end

for _, name in ipairs(files) do
   t.file = name
   local chunk = assert(loadfile(here .. "/" .. name .. ".lua"))
   chunk()(t)
end

local filter = os.getenv("FOIL_TEST_FILTER")
local passed, failed, skipped = 0, 0, 0
io.stdout:write("foil Lua tests on " .. t.interpreter .. "\n")
for _, case in ipairs(tests) do
   if not filter or case.name:find(filter, 1, true) then
      local ok, err = xpcall(case.fn, function(e)
         if getmetatable(e) == SKIP then return e end
         return debug.traceback(tostring(e), 2)
      end)
      if ok then
         passed = passed + 1
         io.stdout:write("ok    " .. case.name .. "\n")
      elseif getmetatable(err) == SKIP then
         skipped = skipped + 1
         io.stdout:write("skip  " .. case.name .. ": " .. err.reason .. "\n")
      else
         failed = failed + 1
         io.stdout:write("FAIL  " .. case.name .. "\n" .. tostring(err) .. "\n")
      end
      io.stdout:flush()
   end
end
collectgarbage()
io.stdout:write(string.format("%d passed, %d failed, %d skipped\n", passed, failed, skipped))
os.exit(failed == 0 and 0 or 1, true)
