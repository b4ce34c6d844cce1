"""The city's consolidated report of a period at 126 units (and 30): time and peak memory.

The city is built as in the tests (``tests/services/city_scale.py``): a template of N wards and communes,
a real package of each unit for 2021-Q3 imported by the real importer, one unit missing, one late. The
report is measured from the workspace (choosing each unit's package, reading its figures, the deviations
of the plans) to the PDF's bytes: every chart page, the appendix of N rows, the QR code. The floor is one
reportlab ``Table`` of the same appendix rows (N × 13 cells, as strings) in a plain A4 landscape document.
Peak memory is the resident size of a fresh process that makes one report (``VmHWM``, Linux), beside the same
for a process that only imports reportlab.

    python tests/bench/bench_city_report.py [--runs 5] [--units 126]
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from kehoach_desktop.exchange.pdf.city_pdf import APPENDIX_HEADS, APPENDIX_WIDTHS_MM
from kehoach_desktop.exchange.pdf.fonts import SERIF, register_fonts
from kehoach_desktop.exchange.pdf.layout import GRID, vnd
from kehoach_desktop.services.city_reports import generate_city_report, get_city_data
from tests.services.city_scale import PERIOD, build_scaled_city

CHILD = """
import sys
from pathlib import Path
if sys.argv[2] == "report":
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.services.city_reports import generate_city_report
    session = open_workspace(Path(sys.argv[1]))
    generate_city_report(uow_factory=session.uow_factory, period="{period}", out=Path(sys.argv[1]).with_suffix(".pdf"),
                         today=session.today())
    session.close()
else:
    import reportlab.platypus  # noqa: F401  (the floor: Python and reportlab, no application)
# VmHWM: this process image's peak (ru_maxrss would keep the forking parent's peak across exec)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def floor(rows: list[list[str]]) -> int:
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=25 * mm, bottomMargin=20 * mm, initialFontName=SERIF)
    table = Table([list(APPENDIX_HEADS), *rows], colWidths=[w * mm for w in APPENDIX_WIDTHS_MM], repeatRows=1,
                  style=TableStyle(GRID))
    doc.build([table])
    return len(buffer.getvalue())


def peak_rss_mb(workspace: Path, mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD.format(period=PERIOD), str(workspace), mode],
                         capture_output=True, text=True, check=True, timeout=600)
    return int(out.stdout.split()[-1]) / 1024  # kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=126)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        city = build_scaled_city(Path(folder), args.units)
        built = time.perf_counter() - started
        uow, today = city.city.uow_factory, city.city.today()
        data = get_city_data(uow_factory=uow, period=PERIOD, today=today)
        rows = [[str(i), u.name, u.status, u.plan.number if u.plan else "",
                 *([vnd(u.flows.tasks_completed), f"{u.stocks.tasks_done}/{u.stocks.tasks_total}",
                    vnd(u.stocks.tasks_overdue), vnd(u.flows.materials_installed), vnd(u.stocks.materials_in_place),
                    vnd(u.flows.events_held), vnd(u.flows.event_participants), vnd(u.flows.money_spent),
                    vnd(u.stocks.money_spent_to_date)] if u.flows and u.stocks else ["-"] * 9)]
                for i, u in enumerate(data.units, start=1)]
        out = Path(folder) / "out.pdf"
        pages = generate_city_report(uow_factory=uow, period=PERIOD, out=out, today=today).pages  # warm-up
        floor(rows)
        ours, bare = [], []
        for _run in range(args.runs):
            started = time.perf_counter()
            generate_city_report(uow_factory=uow, period=PERIOD, out=out, today=today)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            floor(rows)
            bare.append(time.perf_counter() - started)
        path = city.city.path
        city.city.close()
        assert path is not None
        report_mb, modules_mb = peak_rss_mb(path, "report"), peak_rss_mb(path, "modules")
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"city of {args.units} units built (packages written and imported) in {built:.1f} s")
    print(f"consolidated report, {args.units} units, {pages} pages: median {ours_median:.3f} s over {args.runs} runs")
    print(f"bare reportlab table of the same {args.units} appendix rows: median {bare_median:.3f} s")
    print(f"ratio {ours_median / bare_median:.2f}")
    print(f"peak resident memory: {report_mb:.0f} MB making the report in a fresh process; "
          f"{modules_mb:.0f} MB for Python and reportlab alone")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB peak")


if __name__ == "__main__":
    main()
