-- libfoil for Lua 5.4 and LuaJIT: `require "foil"`.
-- Build from the repository root (SWIG generates the wrapper: Debian's swig package):
--   luarocks --lua-version 5.4 make bindings/lua/libfoil-0.2.0-1.rockspec
--   luarocks --lua-version 5.1 make bindings/lua/libfoil-0.2.0-1.rockspec \
--       LUA_INCDIR=/usr/include/luajit-2.1                                    # LuaJIT
-- or install the source rock scripts/dist.sh makes (it carries the wrapper: no SWIG needed).
-- The C core and the test emulator are compiled into the module (no installed libfoil) by
-- bindings/lua/Makefile; the Debian build dependencies are libcurl4-openssl-dev,
-- libcjson-dev, libsodium-dev, zlib1g-dev and libmicrohttpd-dev.
-- FOIL_USE_SYSTEM_LIBRARIES=1 in the environment links an installed libfoil (pkg-config foil)
-- instead of compiling the core in (bindings/lua/README.md).
rockspec_format = "3.0"
package = "libfoil"
version = "0.2.0-1"
source = {
   url = "git+file:///dev/null",
   dir = ".",
}
description = {
   summary = "Foil API client: sessions, fingerprints, organizations, webhooks and Gate signups",
   detailed = [[
      A Lua binding of libfoil, the C client for the Foil API: every operation of the
      contract as client.sessions:list{...}-style calls returning plain tables, nil, err
      on API and network failures, Gate signups with a Lua wait loop, sealed-token and
      webhook verification, delivery crypto, and foil.testing.emulator{} for tests.
   ]],
   license = "MIT",
}
dependencies = {
   "lua >= 5.1",
}
build = {
   type = "make",
   makefile = "bindings/lua/Makefile",
   build_variables = {
      CC = "$(CC)",
      CFLAGS = "$(CFLAGS)",
      LIBFLAG = "$(LIBFLAG)",
      LUA_INCDIR = "$(LUA_INCDIR)",
   },
   install_variables = {
      LUA_INCDIR = "$(LUA_INCDIR)",
      LIBDIR = "$(LIBDIR)",
   },
   install = {
      lua = {
         ["foil"] = "bindings/lua/foil.lua",
         ["foil.testing"] = "bindings/lua/foil/testing.lua",
         ["foil.ngx"] = "bindings/lua/foil/ngx.lua",
      },
   },
}
