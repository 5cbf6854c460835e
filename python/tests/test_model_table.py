"""The model table (FOIL_MODELS / FOIL_MODEL_FIELDS in core/include/foil/models.h) is the only
place a field is declared: its kinds agree with the OpenAPI contract, and the Python classes
generated from it have exactly its fields."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

import foil
from foil import _models, native

from conftest import spec_dir

_KIND = {"string": "STRING", "integer": "INT", "number": "NUMBER", "boolean": "BOOL", "object": "OBJECT",
         "array": "ARRAY"}


def _models_rows() -> list[dict[str, str]]:
    cols = ("object", "class", "base", "schema", "role", "doc")
    return [{c: native.model_info(i, c) for c in cols} for i in range(native.model_count())]


def _field_rows() -> list[dict[str, str]]:
    cols = ("object", "field", "json_name", "kind", "type", "flags")
    return [{c: native.model_field_info(i, c) for c in cols} for i in range(native.model_field_count())]


def _fields_of(obj: str, models: dict[str, dict[str, str]], fields: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The rows of a model, inherited ones included (own rows win)."""
    base = models[obj]["base"]
    out = _fields_of(base, models, fields) if base != "none" else {}
    out.update({f["field"]: f for f in fields if f["object"] == obj})
    return out


def _resolve(prop: dict[str, Any], schemas: dict[str, Any]) -> tuple[str, str | None, Any]:
    """(JSON type, $ref schema name or None, the resolved property) ignoring a null alternative."""
    ref = None
    while True:
        if "$ref" in prop:
            ref = prop["$ref"].rsplit("/", 1)[1]
            prop = schemas[ref]
            continue
        alts = [p for p in prop.get("anyOf", prop.get("oneOf", [])) if p.get("type") != "null"]
        if len(alts) == 1:
            prop = alts[0]
            continue
        if alts:  # a union: one kind when every alternative has it (webhook event payloads)
            kinds = {_resolve(a, schemas)[0] for a in alts}
            return (kinds.pop() if len(kinds) == 1 else "mixed"), None, prop
        break
    typ = prop.get("type")
    if isinstance(typ, list):
        typ = next(t for t in typ if t != "null")
    if typ is None and "const" in prop:
        typ = {str: "string", bool: "boolean", int: "integer", float: "number"}[type(prop["const"])]
    if typ is None and ("properties" in prop or "additionalProperties" in prop):
        typ = "object"
    if typ is None and "enum" in prop:
        typ = "string"
    return str(typ), ref, prop


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    path = spec_dir() / "openapi.json"
    if not path.is_file():
        pytest.skip(f"foil-spec openapi.json not found under {spec_dir()} (set FOIL_SPEC_DIR)")
    return dict(json.loads(path.read_text())["components"]["schemas"])


def test_table_kinds_match_the_contract(schemas: dict[str, Any]) -> None:
    models = {m["object"]: m for m in _models_rows()}
    fields = _field_rows()
    checked = 0
    problems: list[str] = []
    for obj, m in models.items():
        if not m["schema"]:
            continue
        assert m["schema"] in schemas, f"{obj}: schema {m['schema']} is not in the contract"
        props = schemas[m["schema"]].get("properties", {})
        for name, f in _fields_of(obj, models, fields).items():
            where = f"{m['schema']}.{f['json_name']} ({obj}.{name})"
            if f["json_name"] not in props:
                problems.append(f"{where}: not in the contract")
                continue
            typ, ref, prop = _resolve(props[f["json_name"]], schemas)
            if _KIND.get(typ) != f["kind"]:
                problems.append(f"{where}: table says {f['kind']}, contract says {typ}")
            elif f["kind"] == "OBJECT" and f["type"] in models and models[f["type"]]["schema"]:
                if ref != models[f["type"]]["schema"]:
                    problems.append(f"{where}: table nests {models[f['type']]['schema']}, contract {ref}")
            elif f["kind"] == "OBJECT" and f["type"].endswith("_map"):
                values = prop.get("additionalProperties")
                value_type = _resolve(values, schemas)[0] if isinstance(values, dict) else "any"
                want = {"string_map": "string", "int_map": "integer", "bool_map": "boolean"}[f["type"]]
                if value_type != want and value_type != "any":
                    problems.append(f"{where}: map of {want} in the table, of {value_type} in the contract")
            elif f["kind"] == "ARRAY":
                item_type, item_ref, _ = _resolve(prop.get("items", {}), schemas)
                if f["type"] in models:
                    if models[f["type"]]["schema"] and item_ref != models[f["type"]]["schema"]:
                        problems.append(f"{where}: items {models[f['type']]['schema']} vs contract {item_ref}")
                elif f["type"] != "any" and f["type"] != item_type:
                    problems.append(f"{where}: items {f['type']} in the table, {item_type} in the contract")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 200, checked


def test_contract_numbers_are_ints_where_the_contract_says_integer() -> None:
    # The fields the issue named: the contract types them integer, so the C accessors take int64_t.
    kinds = {(f["object"], f["field"]): f["kind"] for f in _field_rows()}
    for key in (("decision", "risk_score"), ("manipulation", "score"), ("fingerprint_link", "confidence"),
                ("decision", "evaluation_duration_ms"), ("session_decision", "risk_score")):
        assert kinds[key] == "INT", key
    assert kinds[("fingerprint_components", "vector")] == "ARRAY"


def test_generated_classes_have_exactly_the_table_fields() -> None:
    models = {m["object"]: m for m in _models_rows()}
    fields = _field_rows()
    for obj, m in models.items():
        cls = getattr(_models, m["class"])
        assert getattr(foil, m["class"]) is cls, f"foil.{m['class']} is not the generated class"
        assert m["doc"].split(" ``")[0].split(".")[0] in (cls.__doc__ or "")
        rows = _fields_of(obj, models, fields) if m["role"] == "RESULT" else \
            {f["field"]: f for f in fields if f["object"] == obj}
        if m["role"] == "VALUE":
            assert dataclasses.is_dataclass(cls)
            assert [f.name for f in dataclasses.fields(cls)] == list(rows)
            continue
        assert issubclass(cls, foil.Model if hasattr(foil, "Model") else object)
        declared = set(cls._field_names)
        assert declared <= set(rows), (m["class"], declared - set(rows))
        for name in set(rows) - declared:  # Python behaviour over a field (a mixin's property)
            assert isinstance(getattr(cls, name), property), (m["class"], name)
        secrets = {name for name, f in rows.items() if "secret" in f["flags"].split()}
        assert cls._secret_names == frozenset(secrets), m["class"]
        if m["base"] != "none":
            assert issubclass(cls, getattr(_models, models[m["base"]]["class"]))


def test_run_time_table_accessors_refuse_bad_rows() -> None:
    assert native.model_info(native.model_count(), "object") is None
    assert native.model_info(0, "no such column") is None
    assert native.model_field_info(native.model_field_count(), "field") is None
    assert native.model_field_info(0, "kind") in _KIND.values()
