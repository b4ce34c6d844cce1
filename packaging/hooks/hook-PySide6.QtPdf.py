"""PyInstaller's own PySide6.QtPdf hook, minus the Qt plugins listed in manifest.QT_PLUGINS_DROPPED.

Filtering here (not later in the spec) keeps PyInstaller from bundling what those plugins link to.
"""

import sys
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import manifest

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [entry for entry in binaries if manifest.keep_qt_plugin(entry[0])]
