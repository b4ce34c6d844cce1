"""The built-in template's reference data: Hanoi's 2021 commune-level units and the seed directory of district units."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest

from kehoach_desktop.resources import resources_dir

TEMPLATE_FILE = "hanoi-2021.json"

# The 30 district-level units of Hanoi in 2021 (GSO codes), as in the shared reference list.
DISTRICT_CODES = frozenset(
    {
        "001", "002", "003", "004", "005", "006", "007", "008", "009", "016",
        "017", "018", "019", "020", "021", "250", "268", "269", "271", "272",
        "273", "274", "275", "276", "277", "278", "279", "280", "281", "282",
    }
)  # fmt: skip

WARD_KINDS = frozenset({"phường", "xã", "thị trấn"})
UNIT_KINDS = frozenset({"office", "centre", "mass_organisation", "other"})

DONG_DA_WARDS = frozenset(
    {
        "Cát Linh", "Hàng Bột", "Khâm Thiên", "Khương Thượng", "Kim Liên", "Láng Hạ", "Láng Thượng",
        "Nam Đồng", "Ngã Tư Sở", "Ô Chợ Dừa", "Phương Liên", "Phương Mai", "Quang Trung",
        "Quốc Tử Giám", "Thịnh Quang", "Thổ Quan", "Trung Liệt", "Trung Phụng", "Trung Tự",
        "Văn Chương", "Văn Miếu",
    }
)  # fmt: skip

# Names borne by two units of different kinds in the same district (2021).
KNOWN_SHARED_NAMES = {"018": {"Yên Viên"}}


def _load() -> Any:
    raw = (resources_dir() / "templates" / TEMPLATE_FILE).read_bytes()
    text = raw.decode("utf-8")  # strict: fails on invalid UTF-8
    assert unicodedata.is_normalized("NFC", text), f"{TEMPLATE_FILE} is not in NFC"
    return json.loads(text)


@pytest.fixture(scope="module")
def wards() -> dict[str, list[dict[str, str]]]:
    """The places of each reporting unit, as the template lists them."""
    data = _load()
    assert any("places" in note or "phường, xã, thị trấn" in note for note in data["notes"])  # their source
    return {unit["code"]: unit["places"] for unit in data["reporting_units"]}


@pytest.fixture(scope="module")
def units() -> list[dict[str, str]]:
    """The directory every unit of the template starts with."""
    data = _load()
    assert isinstance(data["unit_plan"]["directory"], list)
    return data["unit_plan"]["directory"]


def test_wards_cover_exactly_the_30_districts(wards: dict[str, list[dict[str, str]]]) -> None:
    assert set(wards) == DISTRICT_CODES
    assert len(wards) == 30


def test_every_district_has_at_least_five_valid_units(wards: dict[str, list[dict[str, str]]]) -> None:
    for code, entries in wards.items():
        assert isinstance(entries, list)
        assert len(entries) >= 5, code
        for entry in entries:
            assert set(entry) == {"kind", "name"}, (code, entry)
            assert entry["kind"] in WARD_KINDS, (code, entry)
            name = entry["name"]
            assert isinstance(name, str) and name == name.strip() and name, (code, entry)
            assert "  " not in name, (code, entry)


def test_no_duplicate_name_within_a_district(wards: dict[str, list[dict[str, str]]]) -> None:
    # A name may repeat only with a different kind: Gia Lâm really has both thị trấn Yên Viên and xã Yên Viên.
    for code, entries in wards.items():
        pairs = [(entry["kind"], entry["name"]) for entry in entries]
        assert len(pairs) == len(set(pairs)), code
        names = [entry["name"] for entry in entries]
        repeated = {name for name in names if names.count(name) > 1}
        assert repeated <= KNOWN_SHARED_NAMES.get(code, set()), (code, repeated)


def test_total_is_plausible(wards: dict[str, list[dict[str, str]]]) -> None:
    total = sum(len(entries) for entries in wards.values())
    assert 550 <= total <= 600, total


def test_dong_da_has_its_21_wards(wards: dict[str, list[dict[str, str]]]) -> None:
    dong_da = wards["006"]
    assert len(dong_da) == 21
    assert {entry["name"] for entry in dong_da} == DONG_DA_WARDS
    assert {entry["kind"] for entry in dong_da} == {"phường"}


def test_units_have_unique_codes_and_valid_kinds(units: list[dict[str, str]]) -> None:
    assert len(units) >= 15
    codes = [unit["code"] for unit in units]
    assert len(codes) == len(set(codes))
    for unit in units:
        assert set(unit) == {"code", "kind", "name"}, unit
        assert re.fullmatch(r"[a-z0-9_]+", unit["code"]), unit
        assert unit["kind"] in UNIT_KINDS, unit
        assert unit["name"].strip() == unit["name"] and unit["name"], unit
        # The only placeholder allowed is {unit}.
        assert set(re.findall(r"\{[^}]*\}", unit["name"])) <= {"{unit}"}, unit
        assert unit["name"].count("{") == unit["name"].count("}"), unit


def test_unit_names_are_unique(units: list[dict[str, str]]) -> None:
    names = [unit["name"] for unit in units]
    assert len(names) == len(set(names))
