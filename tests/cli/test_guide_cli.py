"""``kehoach guide --out FILE.pdf``: the printable user guide, A4, its fonts embedded, in either language."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kehoach_desktop.services.guide import load_guide
from tests.cli.test_cli import assert_clean_refusal, kehoach


def pdf_pages(path: Path) -> tuple[int, set[str]]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), {fields["Page size"].strip()}


@pytest.mark.parametrize(("language", "args", "said"), [
    ("vi", (), "Đã lưu hướng dẫn sử dụng vào"), ("en", ("--lang", "en"), "Wrote the user guide to")])
def test_the_guide_is_written_as_an_a4_pdf_with_its_fonts_embedded(tmp_path: Path, language: str,
                                                                   args: tuple[str, ...], said: str) -> None:
    out = tmp_path / f"huong-dan-{language}.pdf"
    result = kehoach("guide", *args, "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    pages, sizes = pdf_pages(out)
    assert result.stdout.startswith(said) and f"({pages} " in result.stdout
    assert sizes == {"595.276 x 841.89 pts (A4)"} and pages > 25
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts  # embedded, subset
    assert {line.split()[0].split("+")[1] for line in fonts} <= {
        "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    guide = load_guide(language)
    for number, chapter in enumerate(guide.chapters, start=1):
        assert text.count(f"{number}. {chapter.title}") >= 2  # in the contents, and heading its chapter
        for index, section in enumerate(chapter.sections, start=1):
            assert f"{number}.{index}. {section.title}" in text
    assert ("Hướng dẫn sử dụng" if language == "vi" else "User guide") in text


def test_a_guide_that_cannot_be_written_is_refused_cleanly(tmp_path: Path) -> None:
    result = kehoach("guide", "--out", tmp_path / "missing-folder" / "guide.pdf", timeout=300)
    assert_clean_refusal(result)
    assert "missing-folder" in result.stderr
