"""The README's quick start runs as written; the type stubs match the runtime classes."""

from __future__ import annotations

import ast
import pathlib
import re
import subprocess
import sys

import foil
from foil import _errors

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_quick_start_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "no python block in README.md"
    result = subprocess.run([sys.executable, "-c", blocks[0]], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "delivered:" in result.stdout and "request.not_found" in result.stdout


def test_readme_async_example_runs() -> None:
    block = next(b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "AsyncFoil" in b)
    result = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "5 details," in result.stdout and "FOIL_SECRET_KEY" in result.stdout


def test_error_stubs_match_runtime() -> None:
    stub = pathlib.Path(_errors.__file__).with_suffix(".pyi")
    tree = ast.parse(stub.read_text())
    declared = {node.name: [ast.unparse(b) for b in node.bases] for node in tree.body if isinstance(node, ast.ClassDef)}
    for _value, _name, kind, _text, _parent in _errors.status_kinds()[1:]:
        cls = _errors.error_class_for_kind(kind)
        assert cls.__name__ in declared, f"{cls.__name__} missing from _errors.pyi"
        assert declared[cls.__name__] == [b.__name__ for b in cls.__bases__]


def test_public_names_have_docstrings() -> None:
    for name in foil.__all__:
        obj = getattr(foil, name)
        if callable(obj) and not name.isupper():
            assert (obj.__doc__ or "").strip(), f"foil.{name} has no docstring"
