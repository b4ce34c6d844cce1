"""The one helper that runs slow work off the GUI thread.

Jobs run one at a time (database work is serialised) and hand their result or their
exception back to the GUI thread through a signal. Jobs never touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _JobSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _JobSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


class TaskRunner(QObject):
    """Runs callables in a single background thread, in the order given."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: set[_JobSignals] = set()

    def run(self, work: Callable[[], Any], *, on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        signals = _JobSignals()
        self._pending.add(signals)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._pending.discard(signals)
            callback(value)

        signals.succeeded.connect(lambda result: finish(on_done, result))
        signals.failed.connect(lambda exc: finish(on_error, exc))
        self._pool.start(_Job(work, signals))

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)
