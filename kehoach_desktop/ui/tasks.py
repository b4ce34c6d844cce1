"""The one helper that runs slow work off the GUI thread.

Jobs run one at a time (database work is serialised) and hand their result or their
exception back to the GUI thread through a signal. Jobs never touch widgets. A job that can
be cancelled asks :meth:`TaskRunner.stop_requested` as it goes (the Excel reader does after
every 64 KB); :meth:`TaskRunner.cancel_and_wait` is what a window closing during a job calls.
"""

from __future__ import annotations

import threading
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
        self._stop = threading.Event()

    def run(self, work: Callable[[], Any], *, on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        signals = _JobSignals()
        self._pending.add(signals)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._pending.discard(signals)
            callback(value)

        signals.succeeded.connect(lambda result: finish(on_done, result))
        signals.failed.connect(lambda exc: finish(on_error, exc))
        self._stop.clear()
        self._pool.start(_Job(work, signals))

    def stop_requested(self) -> bool:
        """True once :meth:`cancel_and_wait` was called: a job that can stop, stops (thread-safe)."""
        return self._stop.is_set()

    def cancel_and_wait(self, msecs: int = -1) -> bool:
        """Ask the running job to stop, then wait for it (a cancellable job ends within a moment)."""
        self._stop.set()
        return self._pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)
