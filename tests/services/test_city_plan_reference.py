"""The units' plans cite the city's plan by its number and date when the template gives them ({city_plan})."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import TemplateError
from kehoach_desktop.domain.template import parse_template, template_to_json
from kehoach_desktop.resources import resources_dir
from kehoach_desktop.services.reports import get_plan_document
from kehoach_desktop.services.session import new_workspace
from kehoach_desktop.services.workspace import TemplateChoice, WorkspaceSetup

CITY_SUMMARY = "tuyên truyền các nhiệm vụ phát triển kinh tế - xã hội của thành phố Hà Nội năm 2021"


def builtin_document() -> dict:
    return json.loads((resources_dir() / "templates" / "hanoi-2021.json").read_text(encoding="utf-8"))


def test_the_plan_cites_the_city_plans_number_and_date(tmp_path: Path) -> None:
    document = {**builtin_document(), "number": "24/KH-UBND", "issue_date": "2021-01-25"}
    template = parse_template(document)
    assert (template.number, template.issue_date) == ("24/KH-UBND", dt.date(2021, 1, 25))
    assert parse_template(template_to_json(template)) == template  # kept through the template's JSON
    session = new_workspace(tmp_path / "dongda.khws", WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006"),
                            template=TemplateChoice(template))
    try:
        plan = get_plan_document(uow_factory=session.uow_factory)
    finally:
        session.close()
    assert plan.legal_bases[-1] == (f"Căn cứ Kế hoạch số 24/KH-UBND ngày 25/01/2021 của UBND Thành phố về "
                                    f"{CITY_SUMMARY}.")
    assert plan.preamble.startswith(f"Thực hiện Kế hoạch số 24/KH-UBND ngày 25/01/2021 của UBND Thành phố về "
                                    f"{CITY_SUMMARY}, UBND quận Đống Đa ban hành Kế hoạch")


def test_without_them_the_line_stays_as_it_was(tmp_path: Path) -> None:
    session = new_workspace(tmp_path / "dongda.khws", WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006"),
                            template=TemplateChoice(parse_template(builtin_document())))
    try:
        plan = get_plan_document(uow_factory=session.uow_factory)
    finally:
        session.close()
    assert plan.legal_bases[-1] == f"Căn cứ Kế hoạch của UBND Thành phố về {CITY_SUMMARY}."  # one space each
    assert plan.preamble.startswith(f"Thực hiện Kế hoạch của UBND Thành phố về {CITY_SUMMARY}, UBND quận Đống Đa")


def test_a_date_that_is_not_one_is_named() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template({**builtin_document(), "issue_date": "25/01/2021"})
    assert any(line.startswith("$.issue_date") and "YYYY-MM-DD" in line for line in caught.value.details), \
        caught.value.details
