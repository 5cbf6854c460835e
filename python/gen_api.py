#!/usr/bin/env python3
"""Generate foil/_api.py (the clients' namespaces) from libfoil's operation table.

The table (core/src/contract/operations.def) is the only place an operation, its SDK name,
its parameters and its result model are declared; this script, run by the Python build,
turns it into typed namespace classes (``client.sessions``, ``client.gate.registry``, ...):
one method per operation, named by the SDK name's last part, with the path parameters
positional and every other parameter keyword-only; a paginated ``list...`` also gets its
walk, ``iter...``. Return types come from the result model (the model table in models.h,
read by gen_models.py). Every method runs ``foil_call`` / ``foil_call_iter`` (foil._calls).

Each namespace is generated twice from the same rows: for ``foil.Foil`` (``SessionsAPI``:
methods that block) and for ``foil.AsyncFoil`` (``AsyncSessionsAPI``: every method a
coroutine run on the asyncio loop's transport, foil._acalls; a walk an async iterator).

What only Python spells differently is listed below: docstrings, a class name, a parameter
type, the operations spelled by hand (EXTRAS: mixins in foil._extras).

Usage: gen_api.py path/to/operations.def path/to/models.h path/to/_api.py
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_models import FieldRow, ModelRow, read_table  # noqa: E402

# Namespaces whose class name is not the joined path (foil-server's names).
CLASS_NAMES = {"organizations.api_keys": "ApiKeysAPI"}

# Python-only methods, by namespace: (mixin class in foil._extras, operations it spells); the
# async namespace's mixin is the same name with "Async" in front.
EXTRAS: dict[str, tuple[str, frozenset[str]]] = {
    "sessions": ("SessionsExtras", frozenset({"sessions.update"})),  # attach / clear_client_user
    "gate": ("GateExtras", frozenset()),  # signup
}

# Parameters that take more than their JSON type's Python type.
PARAM_TYPES = {("gate.sessions.create", "delivery"): "GateDeliveryRequest | Mapping[str, Any]"}

NAMESPACE_DOCS = {
    "sessions": "Bot-detection sessions (``client.sessions``).",
    "fingerprints": "Visitor fingerprints (``client.fingerprints``).",
    "organizations": "Organizations (``client.organizations``) and their ``api_keys``.",
    "organizations.api_keys": "An organization's API keys (``client.organizations.api_keys``).",
    "webhooks": "Webhook endpoints and events (``client.webhooks``).",
    "gate": "Foil Gate (``client.gate``): registry, services, sessions, login sessions, agent\n"
            "    tokens, and :meth:`signup` for a whole signup.",
    "gate.registry": "The public Gate registry (``client.gate.registry``); no secret key needed.",
    "gate.services": "Gate services your organization owns (``client.gate.services``).",
    "gate.sessions": "The raw Gate signup-session calls (``client.gate.sessions``); see\n"
                     "    :meth:`GateAPI.signup` for the whole flow.",
    "gate.login_sessions": "Dashboard login sessions (``client.gate.login_sessions``).",
    "gate.agent_tokens": "Gate agent tokens (``client.gate.agent_tokens``).",
}

# By Python name (namespace path + method); a walk's name is its own ("sessions.iter").
METHOD_DOCS = {
    "sessions.list": "One page of sessions, newest first; filter by ``verdict`` and ``search``.",
    "sessions.iter": "Every matching session, fetching pages of ``limit`` as needed.",
    "sessions.get": "One session with every analysis block.",
    "fingerprints.list": 'One page of fingerprints; ``sort`` is ``"seen_count"`` or ``"first_seen"``.',
    "fingerprints.iter": "Every matching fingerprint, fetching pages as needed.",
    "fingerprints.get": "One fingerprint with components and activity.",
    "organizations.create": "A new organization; a taken slug is a :class:`FoilConflictError`.",
    "organizations.get": "One organization.",
    "organizations.update": "Rename an organization or change its status.",
    "organizations.api_keys.create": "A new key; ``revealed_key`` is shown only in this result.",
    "organizations.api_keys.list": "One page of the organization's keys.",
    "organizations.api_keys.iter": "Every key of the organization, fetching pages as needed.",
    "organizations.api_keys.update": "Rename a key or change its origins or scopes.",
    "organizations.api_keys.revoke": "Revoke a key.",
    "organizations.api_keys.rotate": "Rotate a key; the new ``revealed_key`` is shown only in this result.",
    "webhooks.list_endpoints": "One page of the organization's endpoints.",
    "webhooks.iter_endpoints": "Every endpoint of the organization.",
    "webhooks.create_endpoint": "A new endpoint; ``signing_secret`` is shown only in this result.",
    "webhooks.update_endpoint": "Change ``name``, ``url``, ``status`` or ``event_types`` of an endpoint.",
    "webhooks.disable_endpoint": "Disable an endpoint.",
    "webhooks.rotate_secret": "A new signing secret, shown only in this result.",
    "webhooks.send_test": "Enqueue a ``webhook.test`` event to the endpoint.",
    "webhooks.list_events": "One page of events, filtered by endpoint and type.",
    "webhooks.iter_events": "Every matching event.",
    "webhooks.retrieve_event": "One event with its webhook deliveries.",
    "gate.registry.list": "Every discoverable service.",
    "gate.registry.get": "One service.",
    "gate.services.list": "Every service of the organization.",
    "gate.services.get": "One service.",
    "gate.services.create": "A new service (``id``, ``name``, ``description``, ``website``, "
                            "``webhook_endpoint_id``, ...).",
    "gate.services.update": "Change a service; nested objects and arrays are replaced whole.",
    "gate.services.disable": "Disable a service.",
    "gate.sessions.create": "Start a signup session (no secret key needed).",
    "gate.sessions.poll": "The session's state; 410 (:class:`FoilGoneError`) once consumed or expired.",
    "gate.sessions.acknowledge": "Acknowledge the delivery: it is then gone for good.",
    "gate.login_sessions.create": "Start a dashboard login with an agent token.",
    "gate.login_sessions.consume": "Exchange a one-time login code (secret key needed).",
    "gate.agent_tokens.verify": "Check an agent token; an invalid one gives ``valid=False``.",
    "gate.agent_tokens.revoke": "Revoke an agent token.",
}

@dataclass(frozen=True)
class Flavor:
    """How one client's namespaces spell a call: blocking (Foil) or a coroutine (AsyncFoil)."""

    prefix: str  # of class names
    define: str  # "def" or "async def"
    wait: str  # "" or "await "
    call: str  # prefix of the foil._calls / foil._acalls functions
    walk: str  # the walk's return type
    base: str  # the base class of a namespace
    client: str  # the protocol a namespace's client satisfies
    owner: str  # the client class, for docstrings
    stubs: tuple[str, ...]  # the client's methods its protocol names


SYNC = Flavor("", "def", "", "", "Iterator", "Namespace", "Client", "foil.Foil", ("_handle",))
ASYNC = Flavor("Async", "async def", "await ", "a", "AsyncIterator", "AsyncNamespace", "AsyncClient",
               "foil.AsyncFoil", ("_handle", "_transport"))

SCALARS = {"STRING": "str", "INTEGER": "int", "BOOLEAN": "bool", "OBJECT": "Mapping[str, Any]"}
ITEM_TYPES = {"string": "str", "integer": "int", "number": "float"}


@dataclass
class Param:
    name: str
    where: str  # PATH, QUERY, BODY, TOKEN
    type: str  # STRING, INTEGER, BOOLEAN, OBJECT, ARRAY
    flags: frozenset[str]


@dataclass
class Operation:
    sdk_name: str
    method: str
    path: str
    model: str
    params: list[Param] = field(default_factory=list)

    @property
    def paginated(self) -> bool:  # as foil_operation_paginated(): a GET with a cursor
        return any(p.name == "cursor" for p in self.params)


def read_operations(def_file: Path) -> list[Operation]:
    text = re.sub(r"/\*.*?\*/", " ", def_file.read_text(), flags=re.S)
    ops: list[Operation] = []
    head = re.compile(r'FOIL_OPERATION\(\s*(\w+),\s*"(\w+)",\s*"([^"]*)",\s*(\w+),\s*"(\w+)",\s*"([\w.]+)",'
                      r"\s*(\w+),")
    for m in head.finditer(text):
        depth, pos = 1, m.end()
        while depth:  # the parameter list runs to the macro's closing parenthesis
            depth += {"(": 1, ")": -1}.get(text[pos], 0)
            pos += 1
        op = Operation(m.group(6), m.group(2), m.group(3), m.group(7))
        for where, name, typ, flags in re.findall(r"\b(PATH|QUERY|BODY|TOKEN)\((\w+),\s*(\w+),\s*([\w\s|]+)\)",
                                                  text[m.end():pos - 1]):
            op.params.append(Param(name, where, typ, frozenset(f.strip() for f in flags.split("|")) - {"0"}))
        ops.append(op)
    if not ops:
        raise SystemExit(f"gen_api: no FOIL_OPERATION rows in {def_file}")
    return ops


def camel(path: str, flavor: Flavor = SYNC) -> str:
    return flavor.prefix + (CLASS_NAMES.get(path) or "".join(p.title().replace("_", "") for p in path.split(".")) + "API")


@dataclass
class Method:
    name: str  # Python name
    op: Operation
    walk: bool


@dataclass
class Namespace:
    path: str
    methods: list[Method] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


def namespaces(ops: list[Operation]) -> dict[str, Namespace]:
    spelled = {name for _, names in EXTRAS.values() for name in names}
    tree: dict[str, Namespace] = {"": Namespace("")}
    for op in ops:
        *parts, method = op.sdk_name.split(".")
        for i in range(1, len(parts) + 1):
            path, parent = ".".join(parts[:i]), ".".join(parts[:i - 1])
            if path not in tree:
                tree[path] = Namespace(path)
                tree[parent].children.append(path)
        if op.sdk_name in spelled:
            continue
        ns = tree[".".join(parts)]
        ns.methods.append(Method(method, op, False))
        if op.paginated:
            ns.methods.append(Method(re.sub(r"^list", "iter", method), op, True))
    return tree


def _array_item(op: Operation, p: Param, models: dict[str, ModelRow]) -> str:
    """The item type of an array parameter (typing.List: a namespace's own `list` method
    would shadow the builtin in its class body): that of the result model's field of the same
    name when it is an array of scalars (scopes, event_types), else Any."""
    row: FieldRow | None = None
    model = models.get(op.model)
    while model and row is None:  # the model's own fields, then its base's
        row = next((f for f in model.fields if f.name == p.name), None)
        model = models.get(model.base)
    return ITEM_TYPES.get(row.type, "Any") if row and row.kind == "ARRAY" else "Any"


def signature(m: Method, models: dict[str, ModelRow]) -> tuple[str, list[str]]:
    """The parameter list (after self) and the names passed on, in table order."""
    positional, keywords, names = [], [], []
    for p in m.op.params:
        if m.walk and p.name == "cursor":
            continue
        names.append(p.name)
        if p.where == "PATH":
            positional.append(f"{p.name}: str")
            continue
        typ = PARAM_TYPES.get((m.op.sdk_name, p.name)) or SCALARS.get(p.type) or \
            f"List[{_array_item(m.op, p, models)}]"
        if "REQUIRED" in p.flags:
            keywords.append(f"{p.name}: {typ}")
        else:  # a nullable parameter sends None: only an argument left out is not sent
            keywords.append(f"{p.name}: {typ} | None = {'NOT_GIVEN' if 'NULLABLE' in p.flags else 'None'}")
    return ", ".join(positional + (["*"] + keywords if keywords else [])), names


def render_method(m: Method, ns: str, models: dict[str, ModelRow], flavor: Flavor) -> list[str]:
    params, names = signature(m, models)
    cls = models[m.op.model].cls if m.op.model != "none" else None
    if cls is None:
        ret, call = "None", "call_none"
    elif m.walk:
        ret, call = f"{flavor.walk}[{cls}]", "walk"
    elif m.op.paginated:
        ret, call = f"ListResult[{cls}]", "call_page"
    elif m.name.startswith("list"):  # an unpaginated list: data is an array
        ret, call = f"List[{cls}]", "call_many"
    else:
        ret, call = cls, "call_one"
    values = "{" + ", ".join(f'"{n}": {n}' for n in names) + "}"
    args = f'self._client, "{m.op.sdk_name}", ' + ("" if cls is None else f"{cls}, ") + values
    doc = METHOD_DOCS.get(f"{ns}.{m.name}") or f"``{m.op.sdk_name}`` ({m.op.method} {m.op.path})."
    # A walk is a plain method in both flavours: it checks its arguments at once and returns
    # the (async) iterator, so `async for s in client.sessions.iter(...)` needs no await.
    define, wait = ("def", "") if m.walk else (flavor.define, flavor.wait)
    return [f"    {define} {m.name}(self{', ' + params if params else ''}) -> {ret}:",
            f'        """{doc}"""',
            f"        return {wait}{flavor.call}{call}({args})", ""]


def render_namespaces(tree: dict[str, Namespace], by_obj: dict[str, ModelRow], flavor: Flavor) -> list[str]:
    out: list[str] = []
    # Children before parents: a class is defined before the one that opens it.
    for path in sorted((p for p in tree if p), key=lambda p: -p.count(".")):
        ns = tree[path]
        base = flavor.prefix + EXTRAS[path][0] if path in EXTRAS else flavor.base
        slots = ", ".join(f'"{c.rsplit(".", 1)[-1]}"' for c in ns.children)
        out += ["", f"class {camel(path, flavor)}({base}):",
                f'    """{NAMESPACE_DOCS.get(path, f"``client.{path}``.")}"""', "",
                f"    __slots__ = ({slots}{',' if len(ns.children) == 1 else ''})", ""]
        if ns.children:
            out += [f"    def __init__(self, client: {flavor.client}) -> None:", "        super().__init__(client)"]
            out += [f"        self.{c.rsplit('.', 1)[-1]} = {camel(c, flavor)}(client)" for c in ns.children]
            out.append("")
        for m in ns.methods:
            out += render_method(m, path, by_obj, flavor)
    root = tree[""].children
    out += ["", f"class {flavor.prefix}ClientNamespaces:",
            f'    """The namespaces of :class:`{flavor.owner}` (``client.sessions``, ``client.gate``, ...)."""', ""]
    out += [f"    {c}: {camel(c, flavor)}" for c in root]
    for stub in flavor.stubs:  # what the namespaces need of the client (its protocol)
        out += ["", f"    def {stub}(self) -> Any:", "        raise NotImplementedError"]
    out += ["", "    def _open_namespaces(self) -> None:"]
    out += [f"        self.{c} = {camel(c, flavor)}(self)" for c in root]
    out.append("")
    return out


def render(ops: list[Operation], models: list[ModelRow], source: str) -> str:
    by_obj = {m.obj: m for m in models}
    tree = namespaces(ops)
    used = sorted({by_obj[op.model].cls for op in ops if op.model != "none"} | {"GateDeliveryRequest"})
    mixins = sorted(mixin for mixin, _ in EXTRAS.values())
    out = [
        f'"""The clients\' namespaces, generated from libfoil\'s operation table ({source})',
        "by python/gen_api.py at build time. Do not edit: change the table (or the generator's",
        'Python spellings)."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, AsyncIterator, Iterator, List, Mapping",
        "",
        "from ._acalls import AsyncClient, AsyncNamespace, acall_many, acall_none, acall_one, acall_page, awalk",
        "from ._calls import NOT_GIVEN, Client, Namespace, call_many, call_none, call_one, call_page, walk",
        "from ._extras import " + ", ".join(sorted(mixins + [f"Async{m}" for m in mixins])),
        "from ._model import ListResult",
        "from ._models import " + ", ".join(used),
        "",
    ]
    out += render_namespaces(tree, by_obj, SYNC)
    out += render_namespaces(tree, by_obj, ASYNC)
    names = [camel(p, f) for f in (SYNC, ASYNC) for p in sorted(tree) if p]
    out += ["", "__all__ = [" + ", ".join(f'"{n}"' for n in names) +
            ', "AsyncClientNamespaces", "ClientNamespaces"]']
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    ops = read_operations(Path(argv[1]))
    models = read_table(Path(argv[2]))
    text = render(ops, models, "core/src/contract/operations.def")
    Path(argv[3]).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
