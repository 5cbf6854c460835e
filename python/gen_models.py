#!/usr/bin/env python3
"""Generate foil/_models.py (the result and value classes) from libfoil's model table.

The table (FOIL_MODELS and FOIL_MODEL_FIELDS in core/include/foil/models.h) is the only
place a model or a field is declared; this script, run by the Python build, turns it into
typed classes with docstrings:

- RESULT models become :class:`foil._model.Model` subclasses whose attributes are read
  lazily from the response JSON (one ``Field`` per table row, with the converter its kind,
  type and flags call for);
- VALUE models become frozen dataclasses with ``to_dict()`` and a lenient ``from_dict()``.

Python-only behaviour that declares no field (``raw`` of the token classes, the typed
``data`` of a webhook event) comes from mixins in foil._model, listed in MIXINS below.

Usage: gen_models.py path/to/models.h path/to/_models.py
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Python-only behaviour, by class: (mixin class in foil._model, fields the mixin provides).
MIXINS: dict[str, tuple[str, frozenset[str]]] = {
    "VerifiedFoilSignal": ("RawMixin", frozenset()),
    "Attribution": ("RawMixin", frozenset()),
    "VerifiedFoilToken": ("RawMixin", frozenset()),
    "WebhookEventEnvelope": ("EventDataMixin", frozenset({"data"})),
}

KINDS = {"STRING", "INT", "NUMBER", "BOOL", "OBJECT", "ARRAY"}
ARRAY_TYPES = {"string", "integer", "number", "any"}
OBJECT_TYPES = {"any", "string_map", "int_map", "bool_map"}
FLAGS = {"opt", "secret", "empty"}


@dataclass
class FieldRow:
    obj: str
    name: str
    json_name: str
    kind: str
    type: str
    flags: frozenset[str]


@dataclass
class ModelRow:
    obj: str
    cls: str
    base: str
    schema: str
    role: str
    doc: str
    fields: list[FieldRow] = field(default_factory=list)


def _table(text: str, macro: str) -> str:
    """The body of `#define MACRO(X) ...` with continuations joined and comments removed."""
    m = re.search(r"#define\s+" + macro + r"\((\w)\)(.*?)(?<!\\)\n", text, re.S)
    if not m:
        raise SystemExit(f"gen_models: #define {macro}(X) not found")
    body = m.group(2).replace("\\\n", " ")
    return re.sub(r"/\*.*?\*/", " ", body, flags=re.S)


def _calls(body: str, name: str) -> list[list[str]]:
    """Every NAME(arg, ...) in body; args are identifiers or C string literals."""
    out: list[list[str]] = []
    token = re.compile(r'\s*(?:((?:"(?:[^"\\]|\\.)*"\s*)+)|([A-Za-z_]\w*))\s*([,)])')
    pos = 0
    start = re.compile(r"\b" + name + r"\(")
    while (m := start.search(body, pos)) is not None:
        args: list[str] = []
        pos = m.end()
        while True:
            t = token.match(body, pos)
            if not t:
                raise SystemExit(f"gen_models: cannot parse {name}(...) near {body[m.start():m.start() + 80]!r}")
            if t.group(1) is not None:  # adjacent literals concatenate, as in C
                parts = re.findall(r'"((?:[^"\\]|\\.)*)"', t.group(1))
                args.append("".join(bytes(p, "utf-8").decode("unicode_escape") for p in parts))
            else:
                args.append(t.group(2))
            pos = t.end()
            if t.group(3) == ")":
                break
        out.append(args)
    return out


def read_table(header: Path) -> list[ModelRow]:
    text = header.read_text()
    models: dict[str, ModelRow] = {}
    for args in _calls(_table(text, "FOIL_MODELS"), "M"):
        if len(args) != 6:
            raise SystemExit(f"gen_models: M{tuple(args)} needs 6 columns")
        obj, cls, base, schema, role, doc = args
        if role not in ("RESULT", "VALUE"):
            raise SystemExit(f"gen_models: {obj}: role {role!r}")
        models[obj] = ModelRow(obj, cls, base, schema, role, doc)
    for args in _calls(_table(text, "FOIL_MODEL_FIELDS"), "X"):
        if len(args) != 6:
            raise SystemExit(f"gen_models: X{tuple(args)} needs 6 columns")
        obj, name, json_name, kind, typ, flags = args
        if obj not in models:
            raise SystemExit(f"gen_models: field {obj}.{name}: no model {obj!r} in FOIL_MODELS")
        flag_set = frozenset(flags.split())
        if kind not in KINDS or not flag_set <= FLAGS:
            raise SystemExit(f"gen_models: field {obj}.{name}: kind {kind!r} flags {flags!r}")
        if kind == "OBJECT" and typ not in OBJECT_TYPES and typ not in models:
            raise SystemExit(f"gen_models: field {obj}.{name}: unknown object type {typ!r}")
        if kind == "ARRAY" and typ not in ARRAY_TYPES and typ not in models:
            raise SystemExit(f"gen_models: field {obj}.{name}: unknown item type {typ!r}")
        if kind not in ("OBJECT", "ARRAY") and typ != "scalar":
            raise SystemExit(f"gen_models: field {obj}.{name}: a scalar's type must be `scalar`")
        models[obj].fields.append(FieldRow(obj, name, json_name, kind, typ, flag_set))
    for m in models.values():
        if m.base != "none" and m.base not in models:
            raise SystemExit(f"gen_models: {m.obj}: unknown base {m.base!r}")
    return list(models.values())


def _order(models: list[ModelRow]) -> list[ModelRow]:
    """Dependencies (bases, nested models) before the models that use them."""
    by_obj = {m.obj: m for m in models}
    done: list[ModelRow] = []
    state: dict[str, int] = {}

    def visit(m: ModelRow) -> None:
        if state.get(m.obj) == 2:
            return
        if state.get(m.obj) == 1:
            raise SystemExit(f"gen_models: model cycle through {m.obj}")
        state[m.obj] = 1
        deps = [m.base] + [f.type for f in m.fields]
        for dep in deps:
            if dep in by_obj and dep != m.obj:
                visit(by_obj[dep])
        state[m.obj] = 2
        done.append(m)

    for m in models:
        visit(m)
    return done


def _result_converter(f: FieldRow, by_obj: dict[str, ModelRow]) -> str:
    opt, empty = "opt" in f.flags, "empty" in f.flags
    if f.kind == "STRING":
        return "opt_str" if opt else "str_or_empty" if empty else "as_str"
    if f.kind == "INT":
        return "opt_int" if opt else "int_or_zero" if empty else "as_int"
    if f.kind == "NUMBER":
        return "opt_number" if opt else "as_number"
    if f.kind == "BOOL":
        return "opt_bool" if opt else "as_bool"
    if f.kind == "OBJECT":
        if f.type == "any":
            return "opt_dict" if opt else "as_dict"
        if f.type in OBJECT_TYPES:
            return f.type
        target = by_obj[f.type]
        if target.role == "VALUE":
            return f"{'opt_value' if opt else 'value'}({target.cls})"
        return f"{'opt_model' if opt else 'model'}({target.cls})"
    # ARRAY
    if f.type == "string":
        return "opt_str_list" if opt else "str_list"
    if f.type == "integer":
        return "int_list"
    if f.type == "number":
        return "number_list"
    if f.type == "any":
        return "dict_list"
    return f"model_list({by_obj[f.type].cls})"


def _value_type(f: FieldRow, by_obj: dict[str, ModelRow]) -> str:
    base = {"STRING": "str", "INT": "int", "NUMBER": "float", "BOOL": "bool"}.get(f.kind)
    if base is None and f.kind == "OBJECT":
        base = {"any": "dict[str, Any]", "string_map": "dict[str, str]", "int_map": "dict[str, int]",
                "bool_map": "dict[str, bool]"}.get(f.type) or by_obj[f.type].cls
    if base is None:
        item = {"string": "str", "integer": "int", "number": "float", "any": "dict[str, Any]"}.get(f.type)
        base = f"list[{item or by_obj[f.type].cls}]"
    return f"{base} | None" if "opt" in f.flags else base


def _value_reader(f: FieldRow, by_obj: dict[str, ModelRow]) -> str:
    """Expression reading field f from the mapping `d` for from_dict (lenient, like foil-server)."""
    get = f"d.get({f.json_name!r})"
    opt = "opt" in f.flags
    if f.kind == "STRING":
        return f"_opt_text({get})" if opt else f"_text({get})"
    if f.kind == "INT":
        return f"_opt_integer({get})" if opt else f"_integer({get})"
    if f.kind == "NUMBER":
        return f"_opt_real({get})" if opt else f"_real({get})"
    if f.kind == "BOOL":
        return f"bool({get})"
    if f.kind == "OBJECT":
        if f.type in OBJECT_TYPES:
            conv = {"any": "dict", "string_map": "_str_map", "int_map": "int_map", "bool_map": "bool_map"}[f.type]
            return f"_opt_mapping({get}, {conv})" if opt else f"_mapping({get}, {conv})"
        cls = by_obj[f.type].cls
        return f"_opt_nested({get}, {cls}.from_dict)" if opt else f"{cls}.from_dict({get})"
    item = {"string": "str", "integer": "int", "number": "float"}.get(f.type)
    return f"[{item}(x) for x in _seq({get})]" if item else f"list(_seq({get}))"


def render(models: list[ModelRow], source: str) -> str:
    by_obj = {m.obj: m for m in models}
    out: list[str] = [
        f'"""API result and value classes, generated from libfoil\'s model table ({source})',
        "by python/gen_models.py at build time. Do not edit: change the table.",
        "",
        "Result classes read each attribute lazily from the response JSON (see foil._model);",
        "``to_dict()`` gives the complete object and ``repr()`` hides secrets. Value classes are",
        'frozen dataclasses, as in foil-server (their ``repr()`` hides secrets too)."""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "from typing import Any, ClassVar, Mapping",
        "",
        "from ._model import (",
        "    EventDataMixin, Field, Model, RawMixin, ValueModel, _integer, _mapping, _opt_integer,",
        "    _opt_mapping, _opt_nested, _opt_real, _opt_text, _real, _seq, _str_map, _text, as_bool,",
        "    as_dict, as_int, as_number, as_str, bool_map, dict_list, int_list, int_map, int_or_zero, model,",
        "    model_list, number_list, opt_bool, opt_dict, opt_int, opt_model, opt_number, opt_str,",
        "    opt_str_list, opt_value, str_list, str_or_empty, value,",
        ")",
        "",
    ]
    names: list[str] = []
    for m in _order(models):
        names.append(m.cls)
        schema = f" (contract schema ``{m.schema}``)" if m.schema else ""
        doc = m.doc + schema
        out.append("")
        if m.role == "VALUE":
            out += _render_value(m, doc, by_obj)
            continue
        mixin, provided = MIXINS.get(m.cls, ("", frozenset()))
        bases = [by_obj[m.base].cls if m.base != "none" else "Model"] + ([mixin] if mixin else [])
        out.append(f"class {m.cls}({', '.join(bases)}):")
        out.append(f'    """{doc}"""')
        out.append("")
        out.append("    __slots__ = ()")
        for f in m.fields:
            if f.name in provided:
                continue
            secret = ", secret=True" if "secret" in f.flags else ""
            out.append(f"    {f.name} = Field({f.json_name!r}, {_result_converter(f, by_obj)}{secret})")
        out.append("")
    out.append("")
    out.append("__all__ = [")
    out += [f'    "{n}",' for n in sorted(names)]
    out.append("]")
    return "\n".join(out) + "\n"


def _render_value(m: ModelRow, doc: str, by_obj: dict[str, ModelRow]) -> list[str]:
    fields = m.fields
    secrets = [f.name for f in fields if "secret" in f.flags]
    # A class with secrets takes ValueModel's repr, which hides them, instead of the dataclass's.
    out = ["@dataclass(frozen=True, repr=False)" if secrets else "@dataclass(frozen=True)",
           f"class {m.cls}(ValueModel):", f'    """{doc}"""', ""]
    if secrets:
        names = ", ".join(repr(n) for n in secrets)
        out += [f"    _secret_names: ClassVar[frozenset[str]] = frozenset({{{names}}})", ""]
    # Defaults only for a trailing run of optional fields (dataclass order rules).
    first_default = len(fields)
    while first_default > 0 and "opt" in fields[first_default - 1].flags:
        first_default -= 1
    for i, f in enumerate(fields):
        default = " = None" if i >= first_default else ""
        out.append(f"    {f.name}: {_value_type(f, by_obj)}{default}")
    out.append("")
    out.append("    @classmethod")
    out.append(f"    def from_dict(cls, data: Any) -> {m.cls}:")
    out.append(f'        """A {m.cls} from its JSON object; missing or mistyped members get empty values."""')
    out.append("        d: Mapping[str, Any] = data if isinstance(data, Mapping) else {}")
    out.append("        return cls(")
    for f in fields:
        out.append(f"            {f.name}={_value_reader(f, by_obj)},")
    out.append("        )")
    out.append("")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    header, target = Path(argv[1]), Path(argv[2])
    text = render(read_table(header), "core/include/foil/models.h")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
