"""P5: sync package export and import, against bulk inserts of the same rows through SQLAlchemy core.

A demo district at scale 50 (10,000 materials, 2,000 tasks, about 1,200 events) is exported;
its package is imported into a fresh city workspace; the floor inserts the same validated rows
with ``insert(table)`` in one transaction into another fresh city workspace. Then one package
from each of the 30 districts is imported into one city workspace.
Targets: one import <= 3x the bulk insert; 30 packages in under 30 s.

    python tests/bench/bench_sync.py [--runs 3] [--units 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from kehoach_desktop.exchange.package import read_package
from kehoach_desktop.exchange.package_schema import validate_district_report
from kehoach_desktop.services import sync
from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.services.templates import builtin_template
from kehoach_desktop.storage.models import TemplateRecord
from tests.services.package_tools import new_city


def bulk_insert(city_path: Path, package_path: Path) -> float:
    """The floor: the package's rows, already validated, inserted with SQLAlchemy core in one transaction."""
    package = read_package(package_path)
    records = validate_district_report(package.data, package.unit_code, lambda m, d: RuntimeError(m)).records
    city = new_city(city_path)
    try:
        with city.uow_factory() as uow:
            template_id = uow.session.execute(select(TemplateRecord.id)).scalar_one()
            rows = {kind: list(records[kind]) for kind in sync.UNIT_TABLES}
            rows["plans"] = [{**{k: v for k, v in r.items() if k != "template_code"}, "template_id": template_id}
                             for r in rows["plans"]]
            rows["plan_sections"].sort(key=lambda r: r["depth"])
            started = time.perf_counter()
            for kind in sync.UNIT_TABLES:
                if rows[kind]:
                    uow.session.execute(insert(sync.TABLES[kind]), rows[kind])
            if records["audit"]:
                uow.session.execute(insert(sync.TABLES["audit"]), records["audit"])
            uow.commit()
            return time.perf_counter() - started
    finally:
        city.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--scale", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        district = new_demo_workspace(folder / "d.khws", scale=args.scale)
        exports, imports, floors = [], [], []
        package = folder / "p.khsync"
        for run in range(args.runs):
            started = time.perf_counter()
            exported = sync.export_sync_package(uow_factory=district.uow_factory, out=package, period="2021-Q3")
            exports.append(time.perf_counter() - started)
            floors.append(bulk_insert(folder / f"floor-{run}.khws", package))
            city = new_city(folder / f"city-{run}.khws")
            started = time.perf_counter()
            sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
            imports.append(time.perf_counter() - started)
            city.close()
        district.close()
        counts = exported.record_counts
        print(f"package: {exported.size / 1e6:.1f} MB; {counts['tasks']} tasks, {counts['materials']} materials, "
              f"{counts['events']} events, {counts['responsible_units']} units")
        floor, one = statistics.median(floors), statistics.median(imports)
        print(f"export (median of {args.runs}):        {statistics.median(exports):.3f} s")
        print(f"bulk insert floor (median):    {floor:.3f} s")
        print(f"import one package (median):   {one:.3f} s   ratio {one / floor:.2f} (target <= 3)")

        codes = [u.code for u in builtin_template().reporting_units][: args.units]
        packages = []
        for code in codes:
            try:
                unit = new_demo_workspace(folder / f"u-{code}.khws", district_code=code, scale=args.scale)
            except Exception as exc:  # report it and go on with the other units
                print(f"unit {code}: the demo workspace cannot be created ({type(exc).__name__}); skipped")
                continue
            packages.append(Path(sync.export_sync_package(uow_factory=unit.uow_factory,
                                                          out=folder / f"{code}.khsync", period="2021-Q3").path))
            unit.close()
            (folder / f"u-{code}.khws").unlink()
        city = new_city(folder / "all.khws")
        started = time.perf_counter()
        for path in packages:
            sync.import_package(uow_factory=city.uow_factory, path=path, trust_new_keys=True)
        total = time.perf_counter() - started
        city.close()
        print(f"{len(packages)} packages into one city workspace: {total:.1f} s (target < 30 s); "
              f"{total / len(packages):.3f} s each")


if __name__ == "__main__":
    main()
