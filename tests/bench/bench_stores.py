"""DESIGN P5 on both stores in one run: importing a district's package into a city on SQLite and on PostgreSQL.

    KEHOACH_TEST_POSTGRES_URL=postgresql+psycopg://kehoach:kehoach@127.0.0.1:55432/postgres \\
        python3 -m tests.bench.bench_stores --scale 50 --runs 3

Prints the median seconds of the import and of a full read (the dump) for each store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from kehoach_desktop.services import sync
from kehoach_desktop.services.dump import dump_workspace
from kehoach_desktop.services.session import new_demo_workspace
from tests.conftest import POSTGRES_URL_VARIABLE, PostgresDatabases
from tests.services.package_tools import new_city


def measure(location: Path | str, package: Path) -> tuple[float, float]:
    city = new_city(location)
    try:
        start = time.perf_counter()
        assert sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True).imported
        imported = time.perf_counter() - start
        start = time.perf_counter()
        dump_workspace(uow_factory=city.uow_factory)
        return imported, time.perf_counter() - start
    finally:
        city.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        raise SystemExit(f"set {POSTGRES_URL_VARIABLE} (see .ci/start_postgres.sh)")
    databases = PostgresDatabases(url)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        district = new_demo_workspace(folder / "d.khws", scale=args.scale)
        package = folder / "d.khsync"
        sync.export_sync_package(uow_factory=district.uow_factory, out=package, period="2021-Q1")
        district.close()
        size = package.stat().st_size
        results: dict[str, list[tuple[float, float]]] = {"sqlite": [], "postgres": []}
        try:
            for run in range(args.runs):
                results["sqlite"].append(measure(folder / f"city-{run}.khws", package))
                results["postgres"].append(measure(databases.new(), package))
        finally:
            databases.drop_all()
    print(f"package of a district at scale {args.scale} ({size:,} bytes), "
          f"{args.runs} runs")
    for store, values in results.items():
        print(f"{store:9} import median {statistics.median(v[0] for v in values):.3f} s   "
              f"full read (dump) median {statistics.median(v[1] for v in values):.3f} s")


if __name__ == "__main__":
    main()
