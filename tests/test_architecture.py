"""The layering of DESIGN.md section 3, checked from the imports of every module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kehoach_desktop"

# layer -> third-party or sibling packages it must never import
FORBIDDEN = {
    "domain": {"sqlalchemy", "alembic", "PySide6", "openpyxl", "reportlab", "pyhanko", "babel", "docx",
               "kehoach_desktop.storage", "kehoach_desktop.services", "kehoach_desktop.exchange",
               "kehoach_desktop.ui", "kehoach_desktop.app"},
    "storage": {"PySide6", "kehoach_desktop.services", "kehoach_desktop.ui", "kehoach_desktop.exchange",
                "kehoach_desktop.app"},
    "exchange": {"PySide6", "sqlalchemy", "alembic", "kehoach_desktop.storage", "kehoach_desktop.services",
                 "kehoach_desktop.ui", "kehoach_desktop.app"},
    "services": {"PySide6", "kehoach_desktop.ui", "kehoach_desktop.app"},
    "ui": {"sqlalchemy", "alembic", "docx", "kehoach_desktop.storage", "kehoach_desktop.app"},  # Word: exchange
}
# the domain may use the standard library and our own i18n module only
DOMAIN_ALLOWED_FIRST_PARTY = {"kehoach_desktop.domain", "kehoach_desktop.i18n", "kehoach_desktop.resources"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down_only(layer: str) -> None:
    violations = []
    for module in modules_of(layer):
        for name in imports_of(module):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    violations.append(f"{module.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_domain_uses_only_the_standard_library_and_i18n() -> None:
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    violations = []
    for module in modules_of("domain"):
        for name in imports_of(module):
            top = name.split(".")[0]
            if top in stdlib:
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in DOMAIN_ALLOWED_FIRST_PARTY):
                violations.append(f"{module.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_core_layers_run_without_qt() -> None:
    """Import every module of domain, storage, exchange and services with PySide6 made unimportable."""
    modules = [
        ".".join(("kehoach_desktop", *p.relative_to(PACKAGE).with_suffix("").parts))
        for layer in ("domain", "storage", "exchange", "services")
        for p in modules_of(layer) if "migrations" not in p.parts
    ] + ["kehoach_desktop.cli"]
    code = (
        "import importlib, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'PySide6' or name.startswith('PySide6.'):\n"
        "            raise ImportError('PySide6 is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok', len(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_opening_an_up_to_date_workspace_does_not_import_alembic(tmp_path: Path) -> None:
    """Start-up speed: Alembic is only loaded when a migration is needed."""
    code = (
        "import sys; from pathlib import Path\n"
        "from kehoach_desktop.storage.engine import create_store, open_store\n"
        "p = Path(sys.argv[1]); create_store(p).close()\n"
        "for name in [m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')]:\n"
        "    del sys.modules[name]\n"
        "open_store(p).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "w.khws")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
