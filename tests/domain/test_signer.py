"""A certificate's organisation compared with the issuing unit: no diacritics, case or usual abbreviations."""

from __future__ import annotations

import pytest

from kehoach_desktop.domain.signer import organisation_key, same_organisation


@pytest.mark.parametrize("certificate", [
    "UBND quận Đống Đa", "UBND Quận Đống Đa", "ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA", "Uỷ ban nhân dân quận Đống Đa",
    "Ủy ban nhân dân quận Đống Đa", "UBND quan Dong Da", "UBND quận Đống Đa - TP Hà Nội",
    "UBND quận Đống Đa, thành phố Hà Nội"])
def test_the_same_committee_written_as_certificates_write_it(certificate: str) -> None:
    assert same_organisation(certificate, "Ủy ban nhân dân quận Đống Đa")
    assert same_organisation(certificate, "ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA")


@pytest.mark.parametrize("certificate", [
    "UBND quận Hoàn Kiếm", "UBND quận Đống", "UBND", "", "Sở Thông tin và Truyền thông", "UBND huyện Đống Đa"])
def test_another_organisation_does_not_match(certificate: str) -> None:
    assert not same_organisation(certificate, "Ủy ban nhân dân quận Đống Đa")


def test_abbreviations_of_departments_are_spelled_out() -> None:
    assert organisation_key("Sở TT&TT Hà Nội") == "so thong tin va truyen thong ha noi"
    assert same_organisation("Sở TT&TT Hà Nội", "Sở Thông tin và Truyền thông")
    assert same_organisation("UBND TP. Hà Nội", "Ủy ban nhân dân Thành phố Hà Nội")
