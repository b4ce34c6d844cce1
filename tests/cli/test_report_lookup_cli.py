"""kehoach report lookup: the QR code of a paper report, checked against the packages the city received."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kehoach_desktop import cli
from tests.exchange.pdf_readers import needs_readers, run
from tests.services.city_fixtures import build_city

pytestmark = needs_readers


def test_a_paper_matches_the_package_of_its_period_and_a_changed_one_matches_none(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    built = build_city(tmp_path, districts=("006",), received_on=dt.date(2021, 3, 20))
    city = built.city.path
    built.city.close()
    paper, data_out = tmp_path / "paper.pdf", tmp_path / "paper.json"
    assert cli.main(["--lang", "en", "report", "progress", "--workspace", str(tmp_path / "d006.khws"),
                     "--period", "2021-Q1", "--out", str(paper), "--data-out", str(data_out)]) == cli.EXIT_OK
    qr = re.search(r"KHDESKTOP\|[^\s]+", run("pdfinfo", paper).stdout).group(0)  # type: ignore[union-attr]
    capsys.readouterr()

    assert cli.main(["--lang", "en", "report", "lookup", "--workspace", str(city), qr]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "It matches package 1 of Ủy ban nhân dân quận Đống Đa for quarter I/2021, received on 20/03/2021" in out

    forged = qr[:-1] + ("0" if qr[-1] != "0" else "1")  # the figures of the paper were changed
    assert cli.main(["--lang", "en", "report", "lookup", "--workspace", str(city), forged]) == cli.EXIT_REFUSED
    err = capsys.readouterr().err
    assert "No package received from unit 006 holds these figures." in err
    assert "Packages received for quarter I/2021: 1. Their figures differ from the paper's" in err

    assert cli.main(["--lang", "en", "report", "lookup", "--workspace", str(city), "hello"]) == cli.EXIT_REFUSED
    assert "not the text of a report's QR code" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # no QR text: a usage error
        cli.main(["--lang", "en", "report", "lookup", "--workspace", str(city)])
    assert usage.value.code == cli.EXIT_USAGE
