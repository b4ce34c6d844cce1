"""Issue 18: the time and peak memory of each kind of hostile file, refused or read by the real command line.

Each file is given to ``kehoach … --dry-run`` (workbooks) or ``kehoach package import`` (packages) in a child
process under ``RLIMIT_AS`` (``tests/limited.py``, which reports the child's own high-water mark). The
target (DESIGN.md and issue 18): any workbook refused or read within 30 s and 500 MB; any refused package
under 300 MB and a few seconds. Medians of ``--runs`` runs. ``--largest`` adds the largest workbook the
exporter writes (100,000 materials: a workspace of that size is built first, which takes minutes).

    python tests/bench/bench_hostile.py [--runs 3] [--largest]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.limited import LimitedRun, run_cli, run_limited

MB = 1 << 20


def measure(name: str, runs: int, make_run: Callable[[], LimitedRun], size: int) -> None:
    results = [make_run() for _ in range(runs)]
    codes = sorted({r.returncode for r in results})
    crashed = any(r.crashed for r in results)
    print(f"{name:<48} {size / 1024:>9.0f} KB  exit {codes}{' CRASH' if crashed else ''}  "
          f"{statistics.median(r.seconds for r in results):6.2f} s  "
          f"{statistics.median(r.peak_mb for r in results):6.0f} MB", flush=True)
    if crashed:
        print(results[0].describe())


def cancel_latency(workbook: Path, runs: int) -> float:
    """Seconds from the stop request to ImportCancelled, while a large workbook is being read."""
    from kehoach_desktop.exchange.excel_read import read_progress_workbook
    from kehoach_desktop.exchange.xlsx_reader import ImportCancelled

    latencies = []
    for _ in range(runs):
        stop = threading.Event()
        ended: list[float] = []

        def read(flag: threading.Event = stop, out: list[float] = ended) -> None:
            try:
                read_progress_workbook(workbook, should_stop=flag.is_set)
            except ImportCancelled:
                out.append(time.perf_counter())

        thread = threading.Thread(target=read)
        thread.start()
        time.sleep(0.3)
        asked = time.perf_counter()
        stop.set()
        thread.join()
        if ended:
            latencies.append(ended[0] - asked)
    return statistics.median(latencies) if latencies else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--largest", action="store_true")
    args = parser.parse_args()

    from kehoach_desktop.services import sync
    from kehoach_desktop.services.excel_export import export_progress_workbook
    from kehoach_desktop.services.session import new_demo_workspace
    from tests.services import hostile_workbooks as hw
    from tests.services.hostile_packages import padded_json_array, with_data
    from tests.services.package_tools import new_city, new_key, private_key_of, repack

    folder = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        district = folder / "quan.khws"
        session = new_demo_workspace(district)
        exported = folder / "tien-do.xlsx"
        export_progress_workbook(uow_factory=session.uow_factory, out=exported, today=session.today())
        package = folder / "q1.khsync"
        sync.export_sync_package(uow_factory=session.uow_factory, out=package, period="2021-Q1")
        key = private_key_of(session)
        session.close()
        city = folder / "tp.khws"
        earlier = repack(package, folder / "q0.khsync", key)
        city_session = new_city(city)
        sync.import_package(uow_factory=city_session.uow_factory, path=earlier, trust_new_keys=True)
        city_session.close()

        def workbook_run(path: Path) -> Callable[[], LimitedRun]:
            return lambda: run_cli(["excel", "import", "--workspace", str(district), "--dry-run", str(path)],
                                   memory_mb=500, lang="en")

        def package_run(path: Path) -> Callable[[], LimitedRun]:
            def run() -> LimitedRun:
                copy = folder / "tp-copy.khws"
                shutil.copy(city, copy)
                return run_cli(["package", "import", "--workspace", str(copy), str(path)], memory_mb=300,
                               lang="en")
            return run

        print(f"{'file':<48} {'size':>12}  exit     time     peak")
        workbooks = {
            "workbook: genuine export (40/200/24 rows)": exported,
            "workbook: far cell, Strict namespace": hw.strict_namespace_far_cell(exported, folder / "a.xlsx"),
            "workbook: far cell, r = \"…\"": hw.spaced_reference_far_cell(exported, folder / "b.xlsx"),
            "workbook: cells without r, then a far row": hw.unreferenced_cells_then_far_row(exported,
                                                                                           folder / "c.xlsx"),
            "workbook: sheet named twice": hw.sheet_named_twice(exported, folder / "d.xlsx"),
            "workbook: formula without r": hw.formula_cell(exported, folder / "e.xlsx", "N3", "no-r"),
            "workbook: </c > everywhere (as the 199 KB file)": hw.spaced_closing_tags(exported, folder / "f.xlsx",
                                                                                    copies=4),
            "workbook: </c >, 8,000 task rows": hw.spaced_closing_tags(exported, folder / "g.xlsx", copies=200),
            "workbook: a million rows, Strict namespace": hw.million_rows(exported, folder / "h.xlsx", strict=True,
                                                                          with_r=True),
            "workbook: a million rows without r": hw.million_rows(exported, folder / "i.xlsx", strict=False,
                                                                  with_r=False),
        }
        for name, path in workbooks.items():
            measure(name, args.runs, workbook_run(path), path.stat().st_size)
        forger, _public = new_key()
        packages = {
            "package: genuine (sequence 2)": with_data(package, folder / "p0.khsync", key, {}),
            "package: forged key, 60 MB of {},": with_data(package, folder / "p1.khsync", forger,
                                                            {"data/materials.json": padded_json_array(60 * MB)}),
            "package: one 100 MB entry": with_data(package, folder / "p2.khsync", key,
                                                   {"data/materials.json": padded_json_array(100 * MB)}),
            "package: two 250 MB entries": with_data(package, folder / "p3.khsync", key, {
                "data/materials.json": padded_json_array(250 * MB), "data/events.json": padded_json_array(250 * MB,
                                                                                                           seed=2)}),
            "package: own key, 60 MB of {}, (value budget)": with_data(package, folder / "p4.khsync", key,
                                                                         {"data/materials.json":
                                                                          padded_json_array(60 * MB)}),
            "package: own key, 2.8 million two-letter strings": with_data(
                package, folder / "p5.khsync", key, {"data/materials.json": padded_json_array(14 * MB,
                                                                                               item=b'"ab"')}),
        }
        for name, path in packages.items():
            measure(name, args.runs, package_run(path), path.stat().st_size)
        templates(folder, args.runs, district)
        print(f"cancel: a read stops {cancel_latency(workbooks['workbook: </c >, 8,000 task rows'], 5) * 1000:.0f} "
              "ms after the request (median of 5)")
        if args.largest:
            largest(folder, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_READ = """
import sys
from pathlib import Path
from kehoach_desktop.exchange.excel_read import read_progress_workbook
book = read_progress_workbook(Path(sys.argv[1]))
print(sum(len(sheet.rows) for sheet in book.sheets))
"""
_FLOOR = """
import sys
import openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(sum(1 for sheet in book.worksheets for _row in sheet.iter_rows(values_only=True)))
"""


_LOAD_TEMPLATE = """
import sys
from pathlib import Path
from kehoach_desktop.domain.errors import TemplateError
from kehoach_desktop.domain.template import load_template
try:
    load_template(Path(sys.argv[1]))
except TemplateError as refused:
    sys.exit(1)
"""


def templates(folder: Path, runs: int, district: Path) -> None:
    """Template files (read by ``load_template``) and a city's template package imported by a unit."""
    from kehoach_desktop.services import sync
    from tests.services.hostile_packages import with_data
    from tests.services.hostile_templates import nested_template_text, with_long_theme, write_long_theme_file
    from tests.services.package_tools import new_city, private_key_of, unpack

    files = {"template file: nested 490 deep": folder / "sau.json", "template file: 200 MB theme text":
             folder / "dai.json"}
    files["template file: nested 490 deep"].write_text(nested_template_text(490), encoding="utf-8")
    write_long_theme_file(files["template file: 200 MB theme text"], 200 * MB)
    for name, path in files.items():
        measure(name, runs, lambda p=path: run_limited(["-c", _LOAD_TEMPLATE, str(p)], memory_mb=500),
                path.stat().st_size)
        path.unlink()
    city = new_city(folder / "tp-mau.khws")
    template = sync.export_template_package(uow_factory=city.uow_factory, out=folder / "hanoi.khtemplate").path
    key = private_key_of(city)
    city.close()
    document = json.loads(unpack(template)[1]["data/template.json"])
    hostile = with_data(template, folder / "dai.khtemplate", key,
                        {"data/template.json": with_long_theme(document, 2_000_000)})

    def run() -> LimitedRun:
        copy = folder / "quan-mau.khws"
        shutil.copy(district, copy)
        return run_cli(["template", "import", "--workspace", str(copy), "--trust-new-keys", str(hostile)],
                       memory_mb=300, lang="en")

    measure("template package: 10 MB theme text", runs, run, hostile.stat().st_size)


def before_checkout(folder: Path) -> Path | None:
    """The code before issue 18 (``main``, which reads with python-calamine), unpacked from git, or None."""
    repo = Path(__file__).resolve().parents[2]
    import subprocess

    revision = subprocess.run(["git", "-C", str(repo), "merge-base", "HEAD", "main"], capture_output=True,
                              text=True).stdout.strip()
    if not revision:
        return None
    target = folder / "before"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(repo), "archive", revision, "kehoach_desktop", "i18n", "resources"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def largest(folder: Path, runs: int) -> None:
    """The largest workbook the exporter writes: 100,000 materials (the limit of a workbook), read back.

    Before (the merge base with main: python-calamine after the regular-expression checks) and now (the
    streaming parser), each in a child: the reader alone and the whole dry run; the floor is openpyxl
    read-only reading every row of the same file, in a child too, in the same run.
    """
    from kehoach_desktop.services.excel_export import export_progress_workbook
    from kehoach_desktop.services.session import open_workspace
    from tests.services.excel_support import largest_workspace

    path = folder / "lon.khws"
    started = time.perf_counter()
    largest_workspace(path)
    print(f"largest workspace: 100,000 materials built in {time.perf_counter() - started:.0f} s", flush=True)
    out = folder / "lon.xlsx"
    session = open_workspace(path)
    started = time.perf_counter()
    export_progress_workbook(uow_factory=session.uow_factory, out=out, today=session.today(), sheets=["materials"])
    print(f"largest workbook: 100,000 materials exported in {time.perf_counter() - started:.1f} s, "
          f"{out.stat().st_size / MB:.1f} MB", flush=True)
    session.close()
    size = out.stat().st_size
    before = before_checkout(folder)
    floor = [run_limited(["-c", _FLOOR, str(out)], memory_mb=4000) for _ in range(runs)]
    floor_s = statistics.median(r.seconds for r in floor)
    print(f"{'floor: openpyxl read-only, every row':<48} {size / 1024:>9.0f} KB  exit {floor[0].returncode}    "
          f"{floor_s:6.2f} s  {statistics.median(r.peak_mb for r in floor):6.0f} MB", flush=True)
    dry_run = ["excel", "import", "--workspace", str(path), "--dry-run", str(out)]
    cases = {"now: reader (streaming parser)": lambda: run_limited(["-c", _READ, str(out)], memory_mb=500),
             "now: whole dry run": lambda: run_cli(dry_run, memory_mb=500, lang="en")}
    if before is not None:  # no memory limit for the old code: its figure is what it takes
        cases["before: reader (checks + python-calamine)"] = lambda: run_limited(["-c", _READ, str(out)],
                                                                                memory_mb=8000, cwd=before)
        cases["before: whole dry run"] = lambda: run_cli(dry_run, memory_mb=8000, lang="en", cwd=before)
    medians = {}
    for name, make_run in cases.items():
        results = [make_run() for _ in range(runs)]
        if any(r.returncode != 0 for r in results):
            print(results[0].describe())
        medians[name] = statistics.median(r.seconds for r in results)
        print(f"{name:<48} {size / 1024:>9.0f} KB  exit {sorted({r.returncode for r in results})}  "
              f"{medians[name]:6.2f} s  {statistics.median(r.peak_mb for r in results):6.0f} MB  "
              f"ratio to the floor {medians[name] / floor_s:.2f}", flush=True)
    if before is not None:
        for what in ("reader", "whole dry run"):
            now = next(v for k, v in medians.items() if k.startswith("now") and what in k)
            then = next(v for k, v in medians.items() if k.startswith("before") and what in k)
            print(f"{what}: now / before = {now / then:.2f}")


if __name__ == "__main__":
    main()
