"""P1: start-up to a usable main window on a demo workspace, against a bare PySide6 window.

Both are measured as whole processes (interpreter start included), interleaved, offscreen,
and the median of each is compared. Target: ratio <= 1.5 and under 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
app.processEvents()
window.close()
"""

APP = """
import sys
from pathlib import Path
from kehoach_desktop import i18n
from kehoach_desktop.app import AppController, _install_translations, _make_application
from kehoach_desktop.paths import app_paths
from kehoach_desktop.ui.style import STYLE_SHEET
from PySide6.QtCore import QSettings
paths = app_paths()
app = _make_application()
i18n.setup("vi")
_install_translations(app, "vi")
app.setStyleSheet(STYLE_SHEET)
controller = AppController(app, paths, QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
assert controller.open_initial(Path(sys.argv[1]), demo=False)
app.processEvents()
assert controller.window.isVisible() and controller.window.page_by_key["overview"].tasks_card.value.text() != "—"
controller.window.close()
controller.shutdown()
"""


def run(code: str, *args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEHOACH_PORTABLE=folder)
        workspace = Path(folder) / "demo.khws"
        subprocess.run([sys.executable, "-m", "kehoach_desktop", "demo", "--workspace", str(workspace)],
                       check=True, env=env, capture_output=True)
        run(FLOOR, env=env)  # warm the file cache
        run(APP, str(workspace), env=env)
        floor, app = [], []
        for _ in range(args.runs):
            floor.append(run(FLOOR, env=env))
            app.append(run(APP, str(workspace), env=env))
    f, a = statistics.median(floor), statistics.median(app)
    print(f"P1 start-up, median of {args.runs}: bare PySide6 window {f * 1000:.0f} ms, "
          f"Kế hoạch Desktop on a demo workspace {a * 1000:.0f} ms, ratio {a / f:.2f} (target <= 1.5, < 1 s)")


if __name__ == "__main__":
    main()
