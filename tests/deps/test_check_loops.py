#!/usr/bin/env python3
"""The loop checker finds loops: each case below is a small tree with one."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_loops as cl  # noqa: E402


def tree(files):
    root = tempfile.mkdtemp()
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as fh:
            fh.write(text)
    return root


class CheckLoops(unittest.TestCase):
    def test_cycles(self):
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
        self.assertEqual(cl.cycles({"a", "b", "c", "d"}, edges), [["a", "b", "c"]])
        self.assertEqual(cl.cycles({"a", "b"}, {"a": {"b"}}), [])

    def test_include_loop(self):
        src = tree({"core/src/http/a.h": '#include "b.h"\n', "core/src/http/b.h": '#include "http/a.h"\n'})
        files = cl.c_files(src)
        comps = cl.cycles(set(files), cl.include_edges(src, files))
        self.assertEqual(comps, [["core/src/http/a.h", "core/src/http/b.h"]])

    def test_room_above(self):
        src = tree({"core/src/ROOMS": "root\nhttp  # below api\napi\n",
                    "core/src/http/request.h": '#include "api/operations.h"\n',
                    "core/src/api/operations.h": "",
                    "core/src/api/call.c": '#include "http/request.h"\n'})
        files = cl.c_files(src)
        errors = []
        sym_why = {"core/src/api/call.c": {"core/src/http/request.c": ["foil_request_send"]}}
        cl.check_rooms(src, files, cl.include_edges(src, files), {}, sym_why, errors)
        self.assertEqual(len(errors), 1)
        self.assertIn("room 'http' depends on 'api'", errors[0])

    def test_unlisted_room(self):
        src = tree({"core/src/ROOMS": "root\n", "core/src/extra/x.c": ""})
        errors = []
        cl.check_rooms(src, cl.c_files(src), {}, {}, {}, errors)
        self.assertIn("room 'extra' is not listed", errors[0])

    def test_binding_loops_and_allowlist(self):
        files = {"python/src/foil/__init__.py": "from ._a import A\n",
                 "python/src/foil/_a.py": "def f():\n    from ._b import B\n",
                 "python/src/foil/_b.py": "from . import _a\n",
                 "ruby/lib/foil.rb": 'require_relative "foil/x"\n',
                 "ruby/lib/foil/x.rb": 'require "foil"\n',
                 "bindings/lua/foil.lua": 'local t = require "foil.t"\n',
                 "bindings/lua/foil/t.lua": "-- require 'foil' in a comment only\n"}
        src = tree(files)
        errors, notes = [], []
        cl.check_bindings(src, errors, notes)
        self.assertEqual(len(errors), 2, errors)
        self.assertIn("Python modules", errors[0])
        self.assertIn("Ruby modules", errors[1])
        os.makedirs(os.path.join(src, "tests/deps"))
        with open(os.path.join(src, cl.ALLOWLIST), "w", encoding="utf-8") as fh:
            fh.write("python: foil._b foil._a\nlua: foil foil.t\n")
        errors, notes = [], []
        cl.check_bindings(src, errors, notes)
        self.assertEqual(len(notes), 1)
        self.assertEqual(len(errors), 2, errors)  # Ruby's loop, and Lua's line that is stale
        self.assertIn("Ruby modules", errors[0])
        self.assertIn("lua: foil foil.t", errors[1])


if __name__ == "__main__":
    unittest.main()
