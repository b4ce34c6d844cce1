"""Make the user guide's screenshots again, from the real windows driven offscreen on demo workspaces.

    python packaging/guide_images.py [--lang vi] [--lang en] [--only NAME ...]

The pictures go to ``resources/guide/<lang>/images/`` (small palette PNGs); commit them with the text
that shows them. It also checks that every button, page, menu entry, label and key the guide names is on
screen (exit status 1 when one is not). The same tour runs in the tests, without pictures:
``pytest --guide-tour tests/ui/test_guide.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", action="append", choices=("vi", "en"), help="language (default: both)")
    parser.add_argument("--only", nargs="*", default=(), metavar="NAME", help="only these pictures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kehoach-guide-") as scratch:
        os.environ["KEHOACH_PORTABLE"] = str(Path(scratch) / "app")  # settings and logs stay out of the home
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        sys.path[:0] = [str(ROOT)]
        from kehoach_desktop.services.guide import load_guide
        from tests.ui.guide_tour import build_workspaces, names_not_shown, run_tour

        prebuilt = Path(scratch) / "workspaces"
        prebuilt.mkdir()
        build_workspaces(prebuilt)
        status = 0
        for language in args.lang or ["vi", "en"]:
            started = time.perf_counter()
            folder = Path(scratch) / language
            folder.mkdir()
            images = ROOT / "resources" / "guide" / language / "images"
            shown = {Path(image).stem for _source, image in load_guide(language).images()}
            tour = run_tour(language, folder, images, set(args.only) or shown, prebuilt)
            for name in sorted(shown - set(tour.shots)):
                print(f"{language}: the guide shows {name}.png, which the tour does not make", file=sys.stderr)
                status = 1
            for problem in names_not_shown(tour, load_guide(language)):
                print(problem, file=sys.stderr)
                status = 1
            for path in sorted(images.glob("*.png")):
                if path.stem not in shown:
                    print(f"{language}: {path.name} is not in the guide; removed")
                    path.unlink()
            size = sum(p.stat().st_size for p in images.glob("*.png"))
            count = len(list(images.glob("*.png")))
            print(f"{language}: {count} pictures, {size // 1024} KB, {time.perf_counter() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
