#!/usr/bin/env python3
"""Writes hostile_calls.inc (the path given, for the build): for every function the public headers
declare, calls with hostile arguments (each pointer NULL in turn, empty / non-UTF-8 / long
strings, lengths of zero, out-of-range numbers, JSON views of the wrong type), the others
valid, for tests/integration/test_hostile_abi.c. The build runs it (tests/CMakeLists.txt)
whenever a public header changes:

    python3 tests/abi/gen_hostile_calls.py OUT.inc      (needs clang for its AST dump)

test_hostile_abi fails when core/foil.sym names a function the file does not call."""
import json
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
inc = os.path.join(root, "core", "include")
out_path = sys.argv[1] if len(sys.argv) == 2 else sys.exit("usage: gen_hostile_calls.py OUT.inc")

# Valid text by parameter name (fx_* are the fixture's values, made on demand).
VALID_TEXT = {
    "operation": '"sessions.list"', "params_json": '"{\\"limit\\":2}"', "options_json": '"{}"',
    "base_url": "fx_base_url(fx)", "secret_key": "fx_secret_key(fx)", "service_id": '"acme"',
    "account_name": '"Ada"', "metadata_json": '"{}"', "exported": "fx_exported(fx)",
    "envelope_json": "fx_envelope(fx)", "delivery_json": "fx_delivery_request(fx)",
    "pkcs8_b64url": "fx_pkcs8(fx)", "public_key_b64url": "fx_public_key(fx)",
    "text": '"{\\"a\\":1}"', "dotted_path": '"a"', "fields_json": '"[\\"id\\"]"',
    "key": '"FOO_KEY"', "body": '"{}"', "signature": '"v1,AAAA"', "timestamp": '"0"',
    "secret": '"whsec_x"', "token": '"t"', "column": '"name"', "path": '"/nonexistent"',
    "proxy_url": '"http://127.0.0.1:1"', "outputs_json": '"{\\"FOO_KEY\\":\\"v\\"}"',
    "payload_json": '"{\\"version\\":1,\\"outputs\\":{\\"FOO_KEY\\":\\"v\\"},\\"ack_token\\":\\"a\\"}"', "json_body": '"{}"', "name": '"n"', "value": '"v"',
    "message": '"m"', "detail": '"d"', "s": '"s"',
}
VALID_NUMBER = {
    ("int", "limit"): "2", ("int", "http_status"): "200", ("int", "fd"): "-1",
    ("int", "enabled"): "1", ("int", "value"): "1", ("long", "timeout_ms"): "200",
    ("long", "interval_ms"): "10", ("long", "bytes"): "1000000", ("int64_t", "limit"): "5",
    ("int64_t", "tolerance_seconds"): "300", ("uint64_t", "call_id"): "1",
    ("double", "seconds"): "1.0", ("double", "value"): "1.5",
    ("foil_status_t", "status"): "FOIL_E_TIMEOUT",
}
HOSTILE_NUMBER = {
    "int": ["-1", "INT_MAX", "INT_MIN"],
    "long": ["0", "-1", "LONG_MAX", "LONG_MIN"],
    "int64_t": ["-1", "INT64_MAX", "INT64_MIN"],
    "uint64_t": ["0", "UINT64_MAX"],
    "double": ["NAN", "INFINITY", "-INFINITY", "-1.0", "1e308"],
    "foil_status_t": ["(foil_status_t)-1", "(foil_status_t)9999", "FOIL_OK"],
    "foil_value_set_t": ["(foil_value_set_t)-1", "(foil_value_set_t)9999"],
    "size_t": ["1000", "SIZE_MAX"],
}
HOSTILE_TEXT = ['""', '"\\xff\\xfe"', "fx_long_text(fx)"]
# Handles the fixture makes, by type (const or not).
HANDLES = {"client", "result", "page", "iter", "document", "gate_session", "error",
           "delivery_key_pair", "delivery_payload", "http_request", "http_response", "loop",
           "cancel", "json_writer"}
# Owned out-parameters and the free of each.
OWNED = {"foil_%s_t **" % h: "foil_%s_free" % h for h in HANDLES}
OWNED["char **"] = "foil_string_free"
BORROWED_OUT = {"const foil_json_t **", "const char **"}
PLAIN_OUT = {"int *", "long *", "size_t *", "int64_t *", "uint64_t *", "double *",
             "foil_status_t *"}
# Calls that would wait for the Gate session's expiry with a hostile timeout: the fixture's
# session is cancelled first, so each returns at once whatever its arguments.
PRECANCEL = {"foil_gate_session_wait"}
# Returns a value of the status table, not the outcome of a call (-1 past its end).
NOT_A_CALL = {"foil_status_at"}
# Returns bytes with a length, not a NUL-terminated string.
NOT_TEXT = {"foil_http_request_body"}


def declarations():
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as tu:
        for h in sorted(os.listdir(os.path.join(inc, "foil"))):
            tu.write("#include <foil/%s>\n" % h)
    try:
        dump = subprocess.run(["clang", "-std=c11", "-I", inc, "-Xclang", "-ast-dump=json",
                               "-fsyntax-only", tu.name], check=True, capture_output=True).stdout
    finally:
        os.unlink(tu.name)
    fns = {}
    for d in json.loads(dump)["inner"]:
        if d.get("kind") == "FunctionDecl" and d["name"].startswith("foil_"):
            params = [(p["name"], p["type"]["qualType"]) for p in d.get("inner", [])
                      if p.get("kind") == "ParmVarDecl"]
            fns[d["name"]] = (d["type"]["qualType"].split("(")[0].strip(), params)
    return fns


def handle_of(t):
    base = t.replace("const ", "").strip()
    if base.startswith("foil_") and base.endswith("_t *") and base[5:-4] in HANDLES:
        return base[5:-4]
    return None


def emit(name, ret, params):
    """One C function running `name` once per variant; variant 0 is all valid."""
    is_free = name.endswith("_free")
    valid, variants = [], []  # valid[i]: expression; variants: list of {i: expr}
    for i, (pname, t) in enumerate(params):
        nxt = params[i + 1] if i + 1 < len(params) else None
        length_follows = nxt is not None and nxt[1] == "size_t" and nxt[0] in (
            "len", "body_len")
        prev = params[i - 1] if i else None
        h = handle_of(t)
        if h:
            valid.append("NULL" if is_free else "fx_%s(fx)" % h)
            if not is_free:
                variants.append({i: "NULL"})
        elif t == "const foil_json_t *":
            valid.append("fx_json_object(fx)")
            variants += [{i: "NULL"}, {i: "fx_json_string(fx)"}, {i: "fx_json_array(fx)"}]
        elif t in OWNED or t in BORROWED_OUT or t in PLAIN_OUT:
            valid.append("&o%d" % i)
            variants.append({i: "NULL"})
        elif t in ("const char *", "const void *", "char *"):
            if t == "char *":  # foil_string_free
                valid.append("NULL")
                continue
            text = VALID_TEXT.get(pname, '"x"')
            if length_follows:  # a buffer without a NUL: the length must be respected
                valid.append("fx_unterminated(fx, %s)" % text)
                variants.append({i: "NULL", i + 1: "16"})
                variants.append({i + 1: "0"})
                for ht in HOSTILE_TEXT[1:]:
                    variants.append({i: "fx_unterminated(fx, %s)" % ht, i + 1: "strlen(%s)" % ht})
            else:
                valid.append(text)
                variants.append({i: "NULL"})
                variants += [{i: ht} for ht in HOSTILE_TEXT]
        elif t == "size_t" and prev and prev[0] in ("data", "text", "body", "s", "key") \
                and pname in ("len", "body_len"):
            text = VALID_TEXT.get(prev[0], '"x"')
            valid.append("strlen(%s)" % text)
        elif t in HOSTILE_NUMBER or t in ("int", "long"):
            valid.append(VALID_NUMBER.get((t, pname), "0"))
            variants += [{i: v} for v in HOSTILE_NUMBER.get(t, [])]
        elif t in ("void *", "foil_gate_progress_fn", "int (*)(void *)"):
            valid.append("NULL")
        else:
            sys.exit("%s: no values for parameter %s of type %s" % (name, pname, t))
    if not is_free:
        variants.insert(0, {})
    elif not variants:
        variants = [{}]
    lines = ["static void call_%s(fx_t *fx, int variant) {" % name, "    (void)fx;"]
    for i, (pname, t) in enumerate(params):
        if t in OWNED:
            lines.append("    %s o%d = (void *)&fx_sentinel;" % (t[:-1].strip(), i))
        elif t in BORROWED_OUT:
            lines.append("    %s o%d = (void *)&fx_sentinel;" % (t[:-1].strip(), i))
        elif t in PLAIN_OUT:
            lines.append("    %s o%d = 0;" % (t[:-1].strip(), i))
    if name in PRECANCEL:
        lines.append("    foil_gate_session_cancel(fx_gate_session(fx));")
    lines.append("    switch (variant) {")
    for v, over in enumerate(variants):
        args = [over.get(i, valid[i]) for i in range(len(params))]
        call = "%s(%s)" % (name, ", ".join(args))
        lines.append("    case %d: {" % v)
        if ret == "foil_status_t" and name not in NOT_A_CALL:
            lines.append("        foil_status_t st = %s;" % call)
            lines.append("        fx_status(fx, st);")
            for i, (pname, t) in enumerate(params):
                if t in OWNED and i not in over:
                    lines.append("        fx_owned_out(fx, st, \"%s\", o%d == (void *)&fx_sentinel, "
                                 "o%d == NULL);" % (pname, i, i))
        elif ret in ("const char *",) and name not in NOT_TEXT:
            lines.append("        fx_text(fx, %s);" % call)
        elif ret == "void":
            lines.append("        %s;" % call)
        else:
            lines.append("        (void)%s;" % call)
        for i, (pname, t) in enumerate(params):
            if t in OWNED and i not in over:
                lines.append("        if (o%d != (void *)&fx_sentinel) %s(o%d);" % (i, OWNED[t], i))
        lines.append("        break;")
        lines.append("    }")
    lines.append("    }")
    lines.append("}")
    return "\n".join(lines), len(variants)


def main():
    fns = declarations()
    parts = ["/* Generated by tests/abi/gen_hostile_calls.py from the public headers: do not edit. */",
             "/* clang-format off */"]
    table = []
    for name in sorted(fns):
        ret, params = fns[name]
        code, n = emit(name, ret, params)
        parts.append(code)
        table.append('    {"%s", call_%s, %d},' % (name, name, n))
    parts.append("static const hostile_row_t hostile_rows[] = {")
    parts += table
    parts.append("};")
    parts.append("/* clang-format on */")
    with open(out_path, "w") as f:
        f.write("\n".join(parts) + "\n")
    print("%d functions, %s" % (len(fns), out_path))


main()
