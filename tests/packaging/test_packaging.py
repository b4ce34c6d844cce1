"""What the bundle, the wheel and the desktop files ship, checked without building anything.

The builds themselves (the wheel in a fresh virtual environment, the PyInstaller bundle) take about
two minutes and download the dependencies: ``packaging/check_builds.py`` runs them, from ``.ci/run``.
"""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

import kehoach_desktop
from kehoach_desktop.resources import i18n_dir, resources_dir
from kehoach_desktop.storage.migrate import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
MIME_TYPES = {"application/x-kehoach-sync": "*.khsync", "application/x-kehoach-template": "*.khtemplate"}


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(PACKAGING))
    try:
        spec = importlib.util.spec_from_file_location(f"kehoach_packaging_{name}", PACKAGING / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(PACKAGING))


manifest = _load("manifest")
make_dist = _load("make_dist")


def _bundled() -> dict[Path, str]:
    """Source file -> folder inside the bundle."""
    return {Path(source).resolve(): target for source, target in manifest.data_files()}


# data files ---------------------------------------------------------------------------------------
def test_every_file_the_app_reads_is_listed_for_the_bundle() -> None:
    bundled = _bundled()
    wanted = [p for p in resources_dir().rglob("*") if p.is_file()]
    wanted += list(i18n_dir().rglob("*.mo"))
    wanted += [MIGRATIONS_DIR / "env.py", MIGRATIONS_DIR / "script.py.mako"]
    wanted += list((MIGRATIONS_DIR / "versions").glob("*.py"))
    missing = [str(p.relative_to(ROOT)) for p in wanted if p.resolve() not in bundled]
    assert missing == []
    assert len(list((MIGRATIONS_DIR / "versions").glob("*.py"))) >= 1


def test_the_po_sources_stay_out() -> None:
    assert not [p for p in _bundled() if p.suffix == ".po"]


def test_folders_named_in_the_code_are_bundled() -> None:
    """``resources_dir() / "x"`` and ``icon_path("y")`` in the package name folders and files that must travel."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "kehoach_desktop").rglob("*.py"))
    folders = set(re.findall(r'resources_dir\(\)\s*/\s*"([\w-]+)"', source)) | {"templates", "icons"}
    icons = set(re.findall(r'icon_path\("([^"]+)"\)', source))
    targets = set(_bundled().values())
    assert {"fonts", "reference", "templates", "icons"} <= folders
    for folder in folders:
        assert f"kehoach_desktop/resources/{folder}" in targets, folder
    for icon in icons:
        assert (resources_dir() / "icons" / icon).resolve() in _bundled(), icon


def test_the_bundle_layout_is_the_wheel_layout() -> None:
    """Both put resources/ and i18n/ inside kehoach_desktop/, where kehoach_desktop.resources looks first."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {"resources": "kehoach_desktop/resources", "i18n": "kehoach_desktop/i18n"}
    for folder in manifest.DATA_FOLDERS:
        top = folder.source.split("/")[0]
        if top in force_include:
            assert folder.target == force_include[top] + folder.source[len(top):]
        else:
            assert folder.target == folder.source  # inside the package already (the migrations)
    assert MIGRATIONS_DIR.relative_to(ROOT).as_posix() == "kehoach_desktop/storage/migrations"


def test_the_wheel_check_names_a_missing_data_file(tmp_path: Path) -> None:
    wheel = tmp_path / "kehoach_desktop-0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for source, target in manifest.data_files():
            if not source.endswith(".mo"):
                archive.writestr(f"{target}/{Path(source).name}", b"")
    with pytest.raises(SystemExit, match=re.escape("kehoach_desktop/i18n/vi/LC_MESSAGES/kehoach.mo")):
        make_dist.check_wheel(wheel)


# the spec -----------------------------------------------------------------------------------------
def test_the_spec_takes_everything_from_the_manifest() -> None:
    spec = (PACKAGING / "kehoach.spec").read_text(encoding="utf-8")
    compile(spec, "kehoach.spec", "exec")
    for use in ("manifest.data_files()", "manifest.qt_modules_excluded(", "manifest.keep_data_file",
                "manifest.bundle_name()", "manifest.EXECUTABLE", "manifest.migration_imports()"):
        assert use in spec, use
    for hook in ("hook-PySide6.QtGui.py", "hook-PySide6.QtPdf.py"):
        assert "manifest.keep_qt_plugin" in (PACKAGING / "hooks" / hook).read_text(encoding="utf-8")


def test_the_bundle_is_named_after_the_package_version() -> None:
    assert manifest.version() == kehoach_desktop.__version__
    assert manifest.app_name() == kehoach_desktop.APP_NAME
    assert manifest.bundle_name() == f"KeHoachDesktop-{kehoach_desktop.__version__}-{manifest.platform_tag()}"


def test_only_the_qt_modules_the_app_uses_are_bundled() -> None:
    imported = manifest.qt_modules_imported()
    assert {"QtCore", "QtGui", "QtWidgets"} <= imported
    needed = manifest.qt_modules_needed()
    assert imported | {"QtSvg"} <= set(needed)
    excluded = {name.removeprefix("PySide6.") for name in manifest.qt_modules_excluded(needed)}
    assert not excluded & set(needed)
    available = set(manifest.qt_modules_available())
    for heavy in ("QtQuick", "QtQml", "Qt3DCore", "QtMultimedia", "QtWebEngineCore", "QtDesigner"):
        assert heavy in excluded or heavy not in available, heavy


@pytest.mark.parametrize(("path", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland-egl.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6\\Qt\\plugins\\generic\\qtuiotouchplugin.dll", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
])
def test_unused_qt_plugins_are_dropped(path: str, kept: bool) -> None:
    assert manifest.keep_qt_plugin(path) is kept


def test_qt_translations_keep_english_only_and_babel_keeps_the_locales_formats_uses() -> None:
    from babel.core import get_global

    assert manifest.keep_data_file("PySide6/Qt/translations/qtbase_en.qm")
    assert not manifest.keep_data_file("PySide6/Qt/translations/qtbase_de.qm")
    assert not manifest.keep_data_file("PySide6/Qt/translations/qtbase_vi.qm")  # Qt has none anyway
    parents = get_global("parent_exceptions")
    formats_source = (ROOT / "kehoach_desktop" / "formats.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"([a-z]{2}_[A-Z]{2})"', formats_source))
    assert used >= {"vi_VN", "en_GB"}
    for locale in used:
        while locale != "root":
            assert manifest.keep_data_file(f"babel/locale-data/{locale}.dat"), locale
            locale = parents.get(locale, locale.rsplit("_", 1)[0] if "_" in locale else "root")
    assert manifest.keep_data_file("babel/locale-data/root.dat")
    assert not manifest.keep_data_file("babel/locale-data/fr.dat")
    assert manifest.keep_data_file("babel/global.dat")


# desktop integration ------------------------------------------------------------------------------
def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(LINUX / "vn.kehoach.Desktop.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def _metainfo() -> ET.Element:
    return ET.parse(LINUX / "vn.kehoach.Desktop.metainfo.xml").getroot()


def test_the_desktop_entry_opens_both_package_kinds() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "kehoach %f"
    assert "Kế hoạch" in entry["Name"] and "Kế hoạch" in entry["Name[vi]"] and entry["Name[en]"]
    assert entry["Icon"] == "kehoach"
    assert set(filter(None, entry["MimeType"].split(";"))) == set(MIME_TYPES)
    assert entry["X-AppVersion"] == kehoach_desktop.__version__
    assert entry["StartupWMClass"] == kehoach_desktop.APP_ID


def test_the_mime_types_are_zip_packages_with_their_extensions() -> None:
    root = ET.parse(LINUX / "kehoach-mime.xml").getroot()
    types = {node.get("type"): node for node in root.findall(f"{MIME_NS}mime-type")}
    assert set(types) == set(MIME_TYPES)
    for name, glob in MIME_TYPES.items():
        node = types[name]
        assert [g.get("pattern") for g in node.findall(f"{MIME_NS}glob")] == [glob]
        assert node.find(f"{MIME_NS}sub-class-of").get("type") == "application/zip"
        match = node.find(f"{MIME_NS}magic/{MIME_NS}match")
        assert (match.get("offset"), match.get("value")) == ("0", "PK\\003\\004")
        assert int(node.find(f"{MIME_NS}magic").get("priority")) > 60  # above application/zip's magic
        assert {c.get("{http://www.w3.org/XML/1998/namespace}lang") for c in node.findall(f"{MIME_NS}comment")} \
            == {None, "vi"}


def test_the_metainfo_names_the_same_app_types_and_version() -> None:
    root = _metainfo()
    assert root.findtext("id") == "vn.kehoach.Desktop"
    assert root.findtext("launchable") == "vn.kehoach.Desktop.desktop"
    assert {m.text for m in root.findall("provides/mediatype")} == set(MIME_TYPES)
    assert root.find("releases/release").get("version") == kehoach_desktop.__version__
    assert root.findtext("icon") == _desktop_entry()["Icon"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_file_validate_accepts_the_entry() -> None:
    result = subprocess.run(["desktop-file-validate", str(LINUX / "vn.kehoach.Desktop.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_appstreamcli_validates_the_metainfo() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(LINUX / "vn.kehoach.Desktop.metainfo.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# icons --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", make_dist.ICON_SIZES)
def test_the_icon_exists_at_each_size(size: int) -> None:
    with Image.open(resources_dir() / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "kehoach.png") as image:
        assert image.size == (size, size)
        assert image.mode == "RGBA"
        assert image.getchannel("A").getextrema() == (0, 255)  # transparent corners, opaque middle


def test_the_ico_holds_every_windows_size() -> None:
    with Image.open(resources_dir() / "icons" / "kehoach.ico") as icon:
        assert set(icon.info["sizes"]) == {(s, s) for s in make_dist.ICO_SIZES}


# Windows installer --------------------------------------------------------------------------------
def test_the_inno_setup_script_associates_both_extensions_in_vietnamese() -> None:
    iss = (PACKAGING / "windows" / "kehoach.iss").read_text(encoding="utf-8")
    assert 'MessagesFile: "compiler:Languages\\Vietnamese.isl"' in iss
    assert "ChangesAssociations=yes" in iss
    assert "AppVersion={#AppVersion}" in iss and "#ifndef AppVersion" in iss
    for extension in (".khsync", ".khtemplate"):
        assert f'Subkey: "Software\\Classes\\{extension}' in iss
    commands = [line for line in iss.splitlines() if "shell\\open\\command" in line]
    assert len(commands) == 2 and all('""%1""' in line for line in commands)
    assert "OutputBaseFilename=KeHoachDesktop-{#AppVersion}-setup" in iss
    assert 'KeHoachDesktop-" + AppVersion + "-windows-x86_64"' in iss  # manifest.bundle_name() on Windows
    build_source = (PACKAGING / "make_dist.py").read_text(encoding="utf-8")
    assert "/DAppVersion=" in build_source and 'f"KeHoachDesktop-{manifest.version()}-setup.exe"' in build_source
