"""Build what we ship: the wheel and the PyInstaller one-folder bundle (on request: icons, the Windows installer).

    python packaging/make_dist.py                      # wheel + bundle into dist/
    python packaging/make_dist.py --wheel              # only the wheel
    python packaging/make_dist.py --bundle --out DIR   # only the bundle, into DIR
    python packaging/make_dist.py --icons              # re-render the PNG/ICO icons from the SVG sources (commit them)
    python packaging/make_dist.py --installer          # Windows only: the bundle, then Inno Setup's ISCC on kehoach.iss

Needs the ``packaging`` extra (``pip install -e ".[packaging]"``: PyInstaller 6 and build). The bundle
is named after the package's version: ``dist/KeHoachDesktop-<version>-<os>-<machine>/``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import manifest  # the packaging folder is not a package

ROOT = manifest.ROOT
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
SMALL_ICON_MAX = 32  # sizes up to this one are drawn from app-small.svg
ICONS = ROOT / "resources" / "icons"


def _run(command: list[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def _size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


# icons ----------------------------------------------------------------------------------------
def render_icons() -> None:
    """PNG sizes for the hicolor theme and a multi-size ICO, drawn by QtSvg offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841  (QtSvg needs an application)
    large, small = QSvgRenderer(str(ICONS / "app.svg")), QSvgRenderer(str(ICONS / "app-small.svg"))
    if not (large.isValid() and small.isValid()):
        raise SystemExit("an icon SVG cannot be read")
    rendered: dict[int, Path] = {}
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        (small if size <= SMALL_ICON_MAX else large).render(painter)
        painter.end()
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "kehoach.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        rendered[size] = target
    images = [Image.open(rendered[size]).convert("RGBA") for size in ICO_SIZES]
    images[-1].save(ICONS / "kehoach.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                    append_images=images[:-1])
    print(f"icons: {len(rendered)} PNG sizes and kehoach.ico ({', '.join(map(str, ICO_SIZES))}) in {ICONS}")


# wheel ----------------------------------------------------------------------------------------
def build_wheel(out: Path) -> Path:
    before = set(out.glob("*.whl"))
    if importlib.util.find_spec("build") is not None:  # PyPA's build, from the `packaging` extra
        _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), "."])
    else:
        _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--wheel-dir", str(out)])
    version = manifest.version()
    wheel = out / f"kehoach_desktop-{version}-py3-none-any.whl"
    if not wheel.is_file():
        raise SystemExit(f"expected {wheel}; found {sorted(set(out.glob('*.whl')) - before)}")
    check_wheel(wheel)
    print(f"wheel: {wheel} ({_size_mb(wheel):.1f} MB)")
    return wheel


def check_wheel(wheel: Path) -> None:
    """Every data file the bundle lists must be in the wheel too, at the same place."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [f"{target}/{Path(source).name}" for source, target in manifest.data_files()
               if f"{target}/{Path(source).name}" not in names]
    if missing:
        raise SystemExit("the wheel lacks data files: " + ", ".join(missing))


# bundle ---------------------------------------------------------------------------------------
def build_bundle(out: Path) -> Path:
    work = ROOT / "build" / "pyinstaller"
    target = out / manifest.bundle_name()
    started = time.perf_counter()
    _run([sys.executable, "-m", "PyInstaller", str(ROOT / "packaging" / "kehoach.spec"), "--noconfirm", "--clean",
          "--log-level", "WARN", "--distpath", str(out), "--workpath", str(work)])
    if not target.is_dir():
        raise SystemExit(f"PyInstaller did not produce {target}")
    files = sum(1 for p in target.rglob("*") if p.is_file())
    print(f"bundle: {target} ({_size_mb(target):.0f} MB, {files} files, built in "
          f"{time.perf_counter() - started:.0f} s)")
    return target


def build_installer(bundle: Path, out: Path) -> Path:
    """Inno Setup 6 (Windows only): ISCC gets the version and the bundle folder as #defines."""
    iscc = shutil.which("ISCC") or shutil.which("iscc")
    default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "Inno Setup 6" / "ISCC.exe"
    if iscc is None and default.is_file():
        iscc = str(default)
    if iscc is None:
        raise SystemExit("Inno Setup 6 (ISCC.exe) was not found: the installer can only be built on Windows.")
    _run([iscc, f"/DAppVersion={manifest.version()}", f"/DBundleDir={bundle}", f"/O{out}",
          str(ROOT / "packaging" / "windows" / "kehoach.iss")])
    setup = out / f"KeHoachDesktop-{manifest.version()}-setup.exe"
    print(f"installer: {setup}")
    return setup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", action="store_true", help="build the wheel")
    parser.add_argument("--bundle", action="store_true", help="build the PyInstaller one-folder bundle")
    parser.add_argument("--installer", action="store_true", help="build the bundle and the Inno Setup installer")
    parser.add_argument("--icons", action="store_true", help="re-render the icon PNGs and ICO from the SVGs")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    if args.icons:
        render_icons()
        if not (args.wheel or args.bundle or args.installer):
            return 0
    if not (args.wheel or args.bundle or args.installer):
        args.wheel = args.bundle = True
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.wheel:
        build_wheel(out)
    if args.bundle or args.installer:
        bundle = build_bundle(out)
        if args.installer:
            build_installer(bundle, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
