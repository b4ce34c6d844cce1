"""A city of Hanoi's 126 wards and communes: import, board, review, reminders, the city's PDF and Excel.

Build (``tests/services/ward_fixtures.py``): the city starts 2026 from the built-in template with the official
126 units; a real ward workspace exports its package (2 tasks, 3 materials, an event); the other 125 are
that package under each ward's code, new ids and its own key. Each stage is timed (medians) against a
floor measured in the same run, and the peak resident memory of this process is read after each stage
(``ru_maxrss``).

| stage | floor |
|---|---|
| import one package | reading and verifying the same package (``exchange.package.read_package``) |
| board (service) | one ``GROUP BY unit_code`` over the materials, tasks and events tables |
| board page refresh (Qt offscreen) | the board service |
| review (return + receipt) | writing a receipt alone |
| reminders (126 letters) | one letter |
| city PDF | a bare reportlab table of the same 126 rows |
| city Excel | openpyxl write-only writing the same cells |

    python tests/bench/bench_city_126.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def median_s(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(name: str, seconds: float, floor: float | None = None) -> None:
    ratio = f"   floor {floor * 1000:8.1f} ms   ratio {seconds / floor:5.2f}" if floor else ""
    print(f"{name:<34} {seconds * 1000:9.1f} ms{ratio}   peak RSS {peak_mb():6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from openpyxl import Workbook
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table
    from sqlalchemy import func, select

    from kehoach_desktop.exchange.package import read_package
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.city_board import BoardCache, get_completeness_board
    from kehoach_desktop.services.city_reports import export_city_workbook, generate_city_report, write_reminders
    from kehoach_desktop.services.review import review_report
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.storage.models import Event, Material, Task
    from tests.services.ward_fixtures import PERIOD, TODAY, WARD, build_wards_city

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        wards = build_wards_city(folder)
        print(f"built the city, the real ward and {len(wards.packages)} packages in "
              f"{time.perf_counter() - start:.1f} s; peak RSS {peak_mb():.0f} MB")

        city = open_workspace(wards.city)
        imports, floors = [], []
        for path in wards.packages.values():
            begin = time.perf_counter()
            read_package(path)
            floors.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            sync.import_package(uow_factory=city.uow_factory, path=path, trust_new_keys=True)
            imports.append(time.perf_counter() - begin)
        print(f"import of {len(imports)} packages: {sum(imports):.2f} s in all")
        line("import one package (median)", statistics.median(imports), statistics.median(floors))

        def bare_group_by() -> None:
            with city.uow_factory() as uow:
                for table in (Material, Task, Event):
                    uow.session.execute(select(table.unit_code, func.count()).group_by(table.unit_code)).all()

        floor = median_s(bare_group_by, args.runs)
        line("board (service, no cache)", median_s(
            lambda: get_completeness_board(uow_factory=city.uow_factory, today=TODAY), args.runs), floor)
        cache = BoardCache()
        get_completeness_board(uow_factory=city.uow_factory, today=TODAY, cache=cache)
        service = median_s(lambda: get_completeness_board(uow_factory=city.uow_factory, today=TODAY, cache=cache),
                           args.runs)
        line("board (service, cached figures)", service, floor)

        from PySide6.QtWidgets import QApplication

        from kehoach_desktop.ui.pages.board_page import BoardPage

        app = QApplication.instance() or QApplication([])
        page = BoardPage(city)
        page.resize(1366, 700)
        page.show()
        page.refresh()
        app.processEvents()
        line("board page refresh (Qt offscreen)", median_s(lambda: (page.refresh(), app.processEvents()), args.runs),
             service)

        sha = next(iter(sync.list_received_packages(uow_factory=city.uow_factory))).sha256
        floor = median_s(lambda: sync.export_receipt(uow_factory=city.uow_factory, package_sha256=sha,
                                                     out=folder / "floor.khreceipt"), args.runs)
        line("review: return + receipt", median_s(lambda: review_report(
            uow_factory=city.uow_factory, unit_code=WARD, period=PERIOD, decision="returned", reason="Thiếu số liệu",
            receipt_out=folder / "r.khreceipt"), args.runs), floor)
        for code in list(wards.packages)[1:]:  # every ward returned: 126 letters to write
            review_report(uow_factory=city.uow_factory, unit_code=code, period=PERIOD, decision="returned",
                          reason="Thiếu số liệu")
        one = median_s(lambda: write_reminders(uow_factory=city.uow_factory, period=PERIOD, folder=folder / "one",
                                               today=TODAY, combined=True), args.runs)
        line("reminders: one letter to 126", one)
        line("reminders: 126 letters", median_s(lambda: write_reminders(
            uow_factory=city.uow_factory, period=PERIOD, folder=folder / "each", today=TODAY, combined=False),
            max(1, args.runs // 2)), one)

        def bare_table() -> None:
            rows = [[f"Phường {i}", "Đúng hạn", "Dự thảo", *[str(i)] * 8] for i in range(126)]
            SimpleDocTemplate(str(folder / "bare.pdf"), pagesize=landscape(A4)).build(
                [Table([["Đơn vị"] * 11, *rows], repeatRows=1)])

        line("city PDF", median_s(lambda: generate_city_report(
            uow_factory=city.uow_factory, period=PERIOD, out=folder / "city.pdf", today=TODAY), args.runs),
            median_s(bare_table, args.runs))

        def bare_workbook() -> None:
            book = Workbook(write_only=True)
            for _sheet in range(8):
                sheet = book.create_sheet()
                for i in range(127):
                    sheet.append([f"{i:05d}", f"Phường {i}", i, i, i, i])
            book.save(folder / "bare.xlsx")

        line("city Excel", median_s(lambda: export_city_workbook(
            uow_factory=city.uow_factory, period=PERIOD, out=folder / "city.xlsx", today=TODAY), args.runs),
            median_s(bare_workbook, args.runs))
        page.close()
        city.close()
        print(f"peak resident memory of the whole run: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
