#!/usr/bin/env python3
"""No loops between files or rooms.

Checks, and fails (exit 1) on:
  * core/src rooms: a room depends on a room above it in ROOM_ORDER (core/src/ROOMS),
    by an #include "..." or by a symbol (a function or data) one room's object files use
    and another room's object files define (read with nm from the build tree);
  * C files (core, emulator/src, cli): an #include loop, or a call loop (file A uses a
    symbol defined in file B, B one defined in A, or longer);
  * Python (python/src/foil), Ruby (ruby/lib) and Lua (bindings/lua) modules that import
    or require each other in a loop, except the loops listed in the allowlist
    (tests/deps/known_binding_loops.txt); an allowlisted loop that is gone is an error too,
    so the list only shrinks.

Usage: check_loops.py SOURCE_DIR BUILD_DIR   (nm from $NM, else PATH)
The build directory must hold the object files of a build (ctest runs after one); calls
are checked for the files built there.
"""

import os
import re
import subprocess
import sys
from collections import defaultdict

C_TREES = ["core/src", "core/include", "emulator/src", "emulator/include", "cli"]
C_EXCLUDE = ["cli/tests"]  # test programs are not part of the product
INCLUDE_ROOTS = ["core/src", "core/include", "emulator/src", "emulator/include", "cli"]
ROOMS_FILE = "core/src/ROOMS"
ALLOWLIST = "tests/deps/known_binding_loops.txt"


def rel(path, root):
    return os.path.relpath(path, root).replace(os.sep, "/")


def excluded(path):
    return any(path == e or path.startswith(e + "/") for e in C_EXCLUDE)


def c_files(src):
    out = []
    for tree in C_TREES:
        for dirpath, _, names in os.walk(os.path.join(src, tree)):
            for n in names:
                if n.endswith((".c", ".h", ".def")):
                    p = rel(os.path.join(dirpath, n), src)
                    if not excluded(p) and not n.endswith("_wrap.c"):
                        out.append(p)
    return sorted(set(out))


INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def include_edges(src, files):
    """file -> set of files it includes (resolved inside the checked trees)."""
    known = set(files)
    edges = defaultdict(set)
    for f in files:
        with open(os.path.join(src, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for name in INCLUDE_RE.findall(text):
            candidates = [os.path.normpath(os.path.join(os.path.dirname(f), name))]
            candidates += [os.path.normpath(os.path.join(r, name)) for r in INCLUDE_ROOTS]
            for c in candidates:
                c = c.replace(os.sep, "/")
                if c in known:
                    if c != f:
                        edges[f].add(c)
                    break
    return edges


def object_sources(src, build):
    """source file (relative to src) -> one object file built from it."""
    out = {}
    for dirpath, _, names in os.walk(build):
        if "CMakeFiles" not in dirpath.split(os.sep) or ".dir" not in dirpath:
            continue
        for n in names:
            if not n.endswith(".c.o"):
                continue
            obj = os.path.join(dirpath, n)
            parts = rel(obj, build).split("/")
            i = parts.index("CMakeFiles")
            if not parts[i + 1].endswith(".dir"):
                continue
            # CMake writes a source outside the target's directory with ".." as "__".
            tail = [".." if p == "__" else p for p in parts[i + 2:]]
            source = os.path.normpath("/".join(parts[:i] + tail)[: -len(".o")])
            source = source.replace(os.sep, "/")
            if os.path.isfile(os.path.join(src, source)):
                out.setdefault(source, obj)
    return out


def symbol_edges(objects):
    """file -> set of files whose global symbols it uses, and file -> {file: [symbols]}."""
    defined, used = {}, defaultdict(set)
    for source, obj in sorted(objects.items()):
        text = subprocess.run([os.environ.get("NM") or "nm", "-P", obj], check=True, capture_output=True,
                              text=True).stdout
        for line in text.splitlines():
            fields = line.split()
            if len(fields) < 2:
                continue
            name, kind = fields[0], fields[1]
            if kind == "U":
                used[source].add(name)
            elif kind in "TDBRCGSVW" and kind.isupper():
                defined.setdefault(name, source)
    edges, why = defaultdict(set), defaultdict(lambda: defaultdict(list))
    for source, names in used.items():
        for name in sorted(names):
            target = defined.get(name)
            if target and target != source:
                edges[source].add(target)
                why[source][target].append(name)
    return edges, why


def cycles(nodes, edges):
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def describe(comp, edges, why=None):
    lines = []
    members = set(comp)
    for a in comp:
        for b in sorted(edges.get(a, ())):
            if b in members:
                detail = ""
                if why is not None and why[a][b]:
                    names = why[a][b]
                    detail = " (" + ", ".join(names[:4]) + (", ..." if len(names) > 4 else "") + ")"
                lines.append(f"    {a} -> {b}{detail}")
    return "\n".join(lines)


def room_of(path):
    if not path.startswith("core/src/"):
        return None
    parts = path[len("core/src/"):].split("/")
    return parts[0] if len(parts) > 1 else "root"


def read_room_order(src):
    order = []
    with open(os.path.join(src, ROOMS_FILE), encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                order.append(line.split()[0])
    return order


def check_rooms(src, files, inc, sym, sym_why, errors):
    order = read_room_order(src)
    rank = {room: i for i, room in enumerate(order)}
    for f in files:
        room = room_of(f)
        if room is not None and room not in rank:
            errors.append(f"{f}: room '{room}' is not listed in {ROOMS_FILE}")
    up = defaultdict(list)
    for kind, edges in (("includes", inc), ("uses", sym)):
        for a, targets in edges.items():
            ra = room_of(a)
            for b in targets:
                rb = room_of(b)
                if ra is None or rb is None or ra == rb or ra not in rank or rb not in rank:
                    continue
                if rank[rb] > rank[ra]:
                    detail = ""
                    if kind == "uses":
                        detail = " " + ", ".join(sym_why[a][b][:4])
                    up[(ra, rb)].append(f"    {a} {kind} {b}{detail}")
    for (ra, rb), lines in sorted(up.items()):
        errors.append(f"room '{ra}' depends on '{rb}', a room above it in {ROOMS_FILE}:\n"
                      + "\n".join(sorted(lines)))
    return order


# --- Python, Ruby, Lua ---------------------------------------------------------------------

def py_modules(src):
    base = os.path.join(src, "python/src/foil")
    mods = {}
    for n in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if n.endswith(".py"):
            mods["foil" if n == "__init__.py" else "foil." + n[:-3]] = os.path.join(base, n)
    return mods


PY_FROM_RE = re.compile(r"^\s*from\s+(\.+\w*|foil(?:\.\w+)*)\s+import\s+([\w\s,()*]+)", re.M)
PY_IMPORT_RE = re.compile(r"^\s*import\s+(foil(?:\.\w+)*)", re.M)


def py_edges(src):
    """Every import statement counts, those inside functions and TYPE_CHECKING too: a
    deferred import is still a loop between the two modules."""
    mods = py_modules(src)
    edges = defaultdict(set)
    for mod, path in mods.items():
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        package = "foil"
        for source, names in PY_FROM_RE.findall(text):
            if source.startswith("."):
                target = package + ("." + source.lstrip(".") if source.strip(".") else "")
            else:
                target = source
            if target == "foil":  # "from . import native": the names are modules
                for n in re.split(r"[\s,()]+", names):
                    n = n.strip()
                    if n and "foil." + n in mods:
                        edges[mod].add("foil." + n)
            elif target in mods:
                edges[mod].add(target)
        for target in PY_IMPORT_RE.findall(text):
            if target in mods:
                edges[mod].add(target)
    for mod in list(edges):
        edges[mod].discard(mod)
    return set(mods), edges


def rb_edges(src):
    base = os.path.join(src, "ruby/lib")
    files = {}
    for dirpath, _, names in os.walk(base):
        for n in names:
            if n.endswith(".rb"):
                files[rel(os.path.join(dirpath, n), base)[:-3]] = os.path.join(dirpath, n)
    edges = defaultdict(set)
    req = re.compile(r"^\s*(require_relative|require)\s*\(?\s*[\"']([^\"']+)[\"']", re.M)
    for name, path in files.items():
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        for kind, target in req.findall(text):
            if kind == "require_relative":
                target = os.path.normpath(os.path.join(os.path.dirname(name), target))
            if target in files and target != name:
                edges[name].add(target)
    return {"ruby/lib/" + f + ".rb" for f in files}, {
        "ruby/lib/" + a + ".rb": {"ruby/lib/" + b + ".rb" for b in bs} for a, bs in edges.items()}


def lua_edges(src):
    base = os.path.join(src, "bindings/lua")
    mods = {}
    for dirpath, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d not in ("tests", "src")]
        for n in names:
            if n.endswith(".lua"):
                mods[rel(os.path.join(dirpath, n), base)[:-4].replace("/", ".")] = \
                    os.path.join(dirpath, n)
    edges = defaultdict(set)
    req = re.compile(r"\brequire\s*\(?\s*[\"']([\w.]+)[\"']")
    for mod, path in mods.items():
        with open(path, encoding="utf-8") as fh:
            text = "\n".join(line.split("--", 1)[0] for line in fh)
        for target in req.findall(text):
            if target in mods and target != mod:
                edges[mod].add(target)
    return set(mods), edges


def read_allowlist(src):
    allowed = set()
    path = os.path.join(src, ALLOWLIST)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.split("#", 1)[0].strip()
                if line:
                    lang, _, modules = line.partition(":")
                    allowed.add(lang.strip().lower() + ": " + " ".join(sorted(modules.split())))
    return allowed


def check_bindings(src, errors, notes):
    allowed = read_allowlist(src)
    found = set()
    for lang, (nodes, edges) in (("Python", py_edges(src)), ("Ruby", rb_edges(src)),
                                 ("Lua", lua_edges(src))):
        for comp in cycles(nodes, edges):
            key = lang.lower() + ": " + " ".join(comp)
            found.add(key)
            text = f"{lang} modules import each other in a loop:\n" + describe(comp, edges)
            if key in allowed:
                notes.append("known (allowlisted) " + text)
            else:
                errors.append(text + f"\n    (not in {ALLOWLIST})")
    for key in sorted(allowed - found):
        errors.append(f"{ALLOWLIST} lists a loop that is gone: remove the line '{key}'")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, build = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    errors, notes = [], []
    files = c_files(src)
    inc = include_edges(src, files)
    objects = {s: o for s, o in object_sources(src, build).items() if s in set(files)}
    missing = [f for f in files if f.endswith(".c") and f not in objects]
    if not objects:
        print(f"no object files under {build}: build first", file=sys.stderr)
        return 2
    sym, sym_why = symbol_edges(objects)

    order = check_rooms(src, files, inc, sym, sym_why, errors)
    for comp in cycles(set(files), inc):
        errors.append("files #include each other in a loop:\n" + describe(comp, inc))
    for comp in cycles(set(objects), sym):
        errors.append("files call each other in a loop:\n" + describe(comp, sym, sym_why))
    check_bindings(src, errors, notes)

    for n in notes:
        print("note: " + n)
    if missing:
        print("note: no object file for " + ", ".join(missing) + " (not built here)")
    print(f"core rooms, bottom first: {' < '.join(order)}")
    print(f"checked {len(files)} C files ({len(objects)} object files) and the bindings' modules")
    if errors:
        for e in errors:
            print("error: " + e)
        print(f"{len(errors)} loop(s) or upward dependencies found")
        return 1
    print("no loops")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
