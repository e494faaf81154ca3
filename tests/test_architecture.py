"""The import boundaries of ARCHITECTURE.md, checked over the source of every package.

- ``triage/`` is the domain only: the standard library minus its I/O, a few
  numeric and text libraries, and itself. No store, no Prefect, no files,
  no network, no tokenizer state, no ``open()``.
- ``connectors/`` may use the core, never the flows or the sample generator.
- ``samples/`` may use the core, never the connectors or the flows.
- ``flows/`` wires everything and is imported by nothing but ``bench/`` and tests.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("triage", "connectors", "flows", "samples")
CORE_LIBRARIES = {"numpy", "pandas", "pydantic", "pydantic_core", "rapidfuzz", "pypinyin", "numba",
                  "pyarrow", "annotated_types", "ortools", "ahocorasick"}
IO_STDLIB = {"os", "io", "pathlib", "shutil", "subprocess", "socket", "urllib", "http", "pickle",
             "shelve", "marshal", "sqlite3", "multiprocessing", "concurrent", "tempfile", "glob",
             "logging", "threading", "asyncio", "ctypes", "zipfile", "tarfile", "csv", "tomllib",
             "ssl", "select", "signal", "mmap", "fileinput", "webbrowser", "smtplib", "ftplib"}
# which of our own packages each package may import
ALLOWED_OWN = {"triage": {"triage"}, "connectors": {"triage", "connectors"},
               "samples": {"triage", "samples"},
               "flows": {"triage", "connectors", "flows", "samples"}}


def imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every import, absolute ones only."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module.split(".")[0]


def violations(package: str, source: str, where: str) -> list[str]:
    """What in ``source`` (a module of ``package``) crosses a boundary, as 'file:line: why'."""
    tree = ast.parse(source)
    out = []
    for line, top in imports(tree):
        if top == "__future__":
            continue
        if top in PACKAGES:
            if top not in ALLOWED_OWN[package]:
                out.append(f"{where}:{line}: {package}/ imports {top}")
        elif package == "triage":
            if top in IO_STDLIB:
                out.append(f"{where}:{line}: the core imports {top} (I/O)")
            elif top not in sys.stdlib_module_names and top not in CORE_LIBRARIES:
                out.append(f"{where}:{line}: the core imports {top}")
    if package == "triage":
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("open", "print", "input", "exec", "eval")):
                out.append(f"{where}:{node.lineno}: the core calls {node.func.id}()")
    return out


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_keep_their_boundaries(package: str) -> None:
    found = []
    files = _modules(package)
    assert files, package
    for path in files:
        if "migrations" in path.parts:
            continue
        found += violations(package, path.read_text("utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "\n".join(found)


def test_nothing_imports_the_flows_but_the_flows() -> None:
    for package in ("triage", "connectors", "samples"):
        for path in _modules(package):
            tree = ast.parse(path.read_text("utf-8"))
            assert all(top != "flows" for _, top in imports(tree)), path


@pytest.mark.parametrize(("package", "source", "why"), [
    ("triage", "import sqlmodel", "the core imports sqlmodel"),
    ("triage", "from prefect import flow", "the core imports prefect"),
    ("triage", "from connectors.store.schema import Lead", "triage/ imports connectors"),
    ("triage", "import httpx", "the core imports httpx"),
    ("triage", "import jieba", "the core imports jieba"),
    ("triage", "from pathlib import Path", "the core imports pathlib (I/O)"),
    ("triage", "import pickle", "the core imports pickle (I/O)"),
    ("triage", "def f():\n    return open('x').read()", "the core calls open()"),
    ("connectors", "from flows.stages import link_stage", "connectors/ imports flows"),
    ("samples", "from connectors.resources import Resources", "samples/ imports connectors"),
])
def test_the_check_catches_each_kind_of_crossing(package: str, source: str, why: str) -> None:
    found = violations(package, source, "x.py")
    assert len(found) == 1 and why in found[0], found


def test_the_core_may_use_numbers_and_text() -> None:
    ok = "import re\nimport numpy as np\nimport pandas as pd\nfrom pydantic import BaseModel\nimport hmac\n"
    assert violations("triage", ok, "x.py") == []
