"""What goes into the bundle, in one place: read by ``kehoach.spec``, ``make_dist.py`` and the packaging tests.

Data files are listed explicitly (folder + file patterns), never "everything under resources/": a
stray file in the source tree must not end up in an installer. The targets mirror the wheel
(``resources/`` and ``i18n/`` inside ``kehoach_desktop/``, see pyproject.toml), so
``kehoach_desktop.resources`` finds them the same way in both.

The Qt modules are found by reading the package's imports at build time; every other PySide6
module is excluded, so PyInstaller's Qt hooks do not collect its libraries, plugins or
translations.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kehoach_desktop"
EXECUTABLE = "KeHoachDesktop"


@dataclass(frozen=True)
class DataFolder:
    source: str  # relative to the repository
    target: str  # relative to the bundle's root (PyInstaller's _internal folder)
    patterns: tuple[str, ...]  # glob patterns relative to source
    why: str


DATA_FOLDERS: tuple[DataFolder, ...] = (
    DataFolder("resources/fonts", "kehoach_desktop/resources/fonts", ("*.ttf", "LICENSE-*.txt"),
               "PDF reports: Liberation Serif (four styles) and Noto Serif for the signature stamp"),
    DataFolder("resources/templates", "kehoach_desktop/resources/templates", ("*.json",),
               "the built-in plan template (services/templates.py)"),
    DataFolder("resources/reference", "kehoach_desktop/resources/reference", ("*.json", "*.csv", "*.toml"),
               "official lists of units, the demo's unit (services/template_editing.py, services/demo.py); "
               "the PKCS#11 libraries to try (exchange/pdf/tokens.py)"),
    DataFolder("resources/guide", "kehoach_desktop/resources/guide", ("*/[0-9][0-9]-*.md", "*/images/*.png"),
               "the user guide in each language and its screenshots (services/guide.py)"),
    DataFolder("resources/icons", "kehoach_desktop/resources/icons",
               ("*.svg", "kehoach.ico", "hicolor/*/apps/kehoach.png"),
               "window and page icons; the PNG/ICO sizes for desktop menus"),
    DataFolder("i18n", "kehoach_desktop/i18n", ("*/LC_MESSAGES/*.mo",),
               "compiled gettext catalogs (the .po sources stay out)"),
    DataFolder("kehoach_desktop/storage/migrations", "kehoach_desktop/storage/migrations",
               ("env.py", "script.py.mako", "versions/*.py"),
               "Alembic reads the migration scripts as files, not from PyInstaller's archive"),
)

# Qt's own translations: Qt ships none for Vietnamese (no qtbase_vi.qm); the app translates Qt's
# standard buttons through its own catalog. Only the English qtbase file is kept (app.py loads
# "qtbase" when the interface is English).
QT_TRANSLATIONS_KEPT = ("qtbase_en.qm",)

# Babel's locale data is 35 MB for 1,100 locales; formats.py uses vi_VN and en_GB (and their parents).
BABEL_LOCALES = ("root", "vi", "vi_VN", "en", "en_001", "en_GB")

# Python packages found by import analysis that the app never runs: optional back-ends of its
# dependencies (pydantic for yarl, numpy for openpyxl, Brotli for fontTools' WOFF2), type checkers,
# test tools, other Qt bindings. (aiohttp stays: pyHanko imports it even to sign offline.)
EXCLUDED_MODULES = (
    "tkinter", "_tkinter", "pydoc_data", "IPython", "matplotlib", "numpy", "pandas",
    "pydantic", "pydantic_core", "mypy", "ast_serialize", "jinja2", "pygments", "brotli",
    "setuptools", "pkg_resources", "distutils", "pytest", "hypothesis", "PyQt5", "PyQt6", "PySide2",
)

# Qt plugins that are collected with QtGui/QtPdf but that this desktop app never loads; dropping them
# in our own hooks (packaging/hooks) also drops the libraries they pull in (QtQuick, QtQml and
# QtVirtualKeyboard for the virtual keyboard, GTK for the gtk3 theme, QtWaylandClient...).
# Keys are plugin folders; values are file stems without "lib" ("*" for the whole folder). X11 (xcb),
# offscreen, the IBus and compose input methods (Vietnamese typing: ibus-unikey, ibus-bamboo),
# the SVG/ICO/JPEG/GIF/WebP image formats and CUPS printing stay. Wayland sessions run the app
# through XWayland.
QT_PLUGINS_DROPPED: dict[str, tuple[str, ...]] = {
    "platforminputcontexts": ("qtvirtualkeyboardplugin",),
    "platformthemes": ("qgtk3",),
    "platforms": ("qwayland*", "qlinuxfb", "qvnc", "qeglfs", "qminimalegl", "qvkkhrdisplay", "qdirect2d"),
    "egldeviceintegrations": ("*",),
    "generic": ("*",),
    "imageformats": ("qtga", "qwbmp", "qicns", "qtiff", "qpdf"),
    "wayland-decoration-client": ("*",),
    "wayland-graphics-integration-client": ("*",),
    "wayland-shell-integration": ("*",),
}
# QtSvg has no Python import in the app, but the SVG icon engine and image plugins need it.
QT_ALWAYS = ("QtSvg",)


def keep_qt_plugin(path: str) -> bool:
    """False for a plugin file listed in QT_PLUGINS_DROPPED; True for anything else (also non-plugins)."""
    parts = Path(path.replace("\\", "/")).parts
    if "plugins" not in parts or len(parts) < parts.index("plugins") + 3:
        return True
    folder = parts[parts.index("plugins") + 1]
    stem = Path(parts[-1]).name.split(".")[0].removeprefix("lib")
    return not any(fnmatch.fnmatch(stem, pattern) for pattern in QT_PLUGINS_DROPPED.get(folder, ()))


def keep_data_file(target: str) -> bool:
    """Drop Qt translations but qtbase_en, and Babel locales the app never formats with."""
    target = target.replace("\\", "/")
    name = target.rsplit("/", 1)[-1]
    if "/translations/" in f"/{target}" and target.startswith("PySide6/"):
        return name in QT_TRANSLATIONS_KEPT
    if target.startswith("babel/locale-data/"):
        return name.removesuffix(".dat") in BABEL_LOCALES
    return True


def version() -> str:
    """``kehoach_desktop.__version__``, read without importing the package (and Qt)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise LookupError("kehoach_desktop.__version__ not found")


def app_name() -> str:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "APP_NAME" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise LookupError("kehoach_desktop.APP_NAME not found")


def platform_tag() -> str:
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"{system}-{machine}"


def bundle_name() -> str:
    """The bundle folder's name, e.g. ``KeHoachDesktop-0.1.0-linux-x86_64``."""
    return f"{EXECUTABLE}-{version()}-{platform_tag()}"


def data_files() -> list[tuple[str, str]]:
    """(file, folder inside the bundle) pairs for PyInstaller's ``datas``; fails if a pattern matches nothing."""
    pairs: list[tuple[str, str]] = []
    for folder in DATA_FOLDERS:
        base = ROOT / folder.source
        for pattern in folder.patterns:
            matches = sorted(p for p in base.glob(pattern) if p.is_file())
            if not matches:
                raise FileNotFoundError(f"{folder.source}/{pattern} matches no file")
            for path in matches:
                relative_dir = path.parent.relative_to(base).as_posix()
                target = folder.target if relative_dir == "." else f"{folder.target}/{relative_dir}"
                pairs.append((str(path), target))
    return pairs


def qt_modules_imported() -> set[str]:
    """The ``PySide6.QtXxx`` modules the package's source imports (at any depth, lazily or not)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + ([f"{node.module}.{a.name}" for a in node.names]
                                         if node.module == "PySide6" else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "PySide6" and len(parts) > 1 and parts[1].startswith("Qt"):
                    found.add(parts[1])
    return found


def qt_modules_needed() -> list[str]:
    """The imported modules, QtSvg, and whatever PySide6 modules those import themselves."""
    wanted = sorted(qt_modules_imported() | set(QT_ALWAYS))
    code = ("import importlib, sys\n"
            f"for name in {wanted!r}: importlib.import_module('PySide6.' + name)\n"
            "print(' '.join(sorted(m.split('.')[1] for m in sys.modules if m.startswith('PySide6.Qt'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.split()


def qt_modules_available() -> list[str]:
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    names = {p.name.split(".")[0] for p in folder.iterdir()
             if p.name.startswith("Qt") and p.suffix in (".so", ".pyd")}
    return sorted(names)


def qt_modules_excluded(needed: list[str] | None = None) -> list[str]:
    keep = set(qt_modules_needed() if needed is None else needed)
    return [f"PySide6.{name}" for name in qt_modules_available() if name not in keep]


def migration_imports() -> list[str]:
    """Modules imported only by the Alembic scripts (loaded from files at run time, so PyInstaller cannot see them)."""
    found: set[str] = set()
    folder = PACKAGE / "storage" / "migrations"
    for path in [folder / "env.py", *sorted((folder / "versions").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module != "__future__":
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names
                             if importlib.util.find_spec(node.module) is not None
                             and _is_module(f"{node.module}.{alias.name}"))
    return sorted(found)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
