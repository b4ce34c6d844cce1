"""The Word copy (.docx) of the city's consolidated report at 126 units (and of the demo plan), against the PDF of
the same document in the same run: the writer copies the PDF's flowables, so the PDF is the floor to compare to.

    python tests/bench/bench_docx.py [--runs 5] [--units 126]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kehoach_desktop.exchange.docx_writer import city_report_docx, plan_docx
from kehoach_desktop.exchange.pdf.city_pdf import render_city_report
from kehoach_desktop.exchange.pdf.plan_pdf import render_plan
from kehoach_desktop.services.city_reports import get_city_report_document
from kehoach_desktop.services.reports import get_plan_document
from kehoach_desktop.services.session import new_demo_workspace
from tests.services.city_scale import PERIOD, build_scaled_city


def median_of(runs: int, work: Callable[[], object]) -> float:
    work()  # warm-up
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def compare(name: str, runs: int, docx: Callable[[], bytes], pdf: Callable[[], object]) -> None:
    word, floor = median_of(runs, docx), median_of(runs, pdf)
    print(f"{name}: .docx median {word:.3f} s ({len(docx()) / 1e3:.0f} kB), PDF median {floor:.3f} s, "
          f"ratio {word / floor:.2f} ({runs} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=126)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        city = build_scaled_city(Path(folder), args.units)
        document = get_city_report_document(uow_factory=city.city.uow_factory, period=PERIOD,
                                            today=city.city.today())
        compare(f"city report, {args.units} units", args.runs, lambda: city_report_docx(document),
                lambda: render_city_report(document))
        city.city.close()
        demo = new_demo_workspace(Path(folder) / "demo.khws")
        plan = get_plan_document(uow_factory=demo.uow_factory)
        demo.close()
        compare("demo plan (40 tasks)", args.runs, lambda: plan_docx(plan), lambda: render_plan(plan))


if __name__ == "__main__":
    main()
