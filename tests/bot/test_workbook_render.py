"""《意向客户跟踪表》 as it prints: LibreOffice (headless) turns the workbook into a PDF, poppler reads
the pages back. Skipped when soffice or poppler is not on PATH (.ci/run installs them with apt).

What is checked: A4 landscape pages for the rows (portrait for the figures), one page wide (every
page holds the first and the last column's headers), the title and header repeated on each page,
every row on exactly one page, in order, with page numbers in the footer; the after-sale sheet
printed landscape with its title and header.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from bot.digests.tracking_sheet import tracking_workbook
from tests.bot.test_workbook import NOTE, ZONE, report, rows
from tests.bot.test_workbook_aftersale import care_rows

pytestmark = pytest.mark.process  # starts LibreOffice, seconds of CPU

TOOLS = ("soffice", "pdfinfo", "pdftotext")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]


def to_pdf(tmp_path: Path, books: dict[str, bytes]) -> dict[str, Path]:
    if MISSING:
        pytest.skip(
            f"{', '.join(MISSING)} not on PATH: apt-get install libreoffice-calc-nogui poppler-utils "
            "fonts-noto-cjk fonts-crosextra-carlito (.ci/run does)"
        )
    sources = []
    for name, data in books.items():
        sources.append(tmp_path / f"{name}.xlsx")
        sources[-1].write_bytes(data)
    profile = tmp_path / "libreoffice-profile"  # not the user's: no lock, no first-start dialogs
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {name: tmp_path / f"{name}.pdf" for name in books}


def pages(pdf: Path) -> list[tuple[float, float, str]]:
    """Each page's width and height in points, and its text without spaces (pdftotext drops
    some between Chinese characters and keeps others)."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    texts = text.stdout.split("\f")
    return [(w, h, re.sub(r"\s+", "", texts[i])) for i, (w, h) in enumerate(sizes)]


def test_the_workbook_prints_a4_landscape_one_page_wide_with_the_header_on_every_page(
    tmp_path: Path,
) -> None:
    many = [
        # Rows of one to three lines: wrapped text that must not be cut off, nor a row split.
        replace(row, registration_id=n, customer_name=f"客户{n:02d}")
        for n, row in enumerate(rows() * 20, 1)
    ]
    pdfs = to_pdf(
        tmp_path,
        {
            "small": tracking_workbook(replace(report(rows()), aftersale_rows=care_rows()), "zh", ZONE),
            "many": tracking_workbook(report(many), "zh", ZONE),
        },
    )

    small = pages(pdfs["small"])
    assert len(small) == 3  # the rows on one page (one wide), the day's figures, after-sale care
    (width, height, first), (figures_width, figures_height, figures), (care_w, care_h, care) = small
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert (round(figures_width), round(figures_height)) == (595, 842)  # A4 portrait
    assert "朝阳店意向客户跟踪表2026-11-10截至20:30序号客户姓名" in first
    assert "张三" in first and "截止时间" in first and "第1页/共3页" in first
    assert NOTE[:6] in first and NOTE[-6:] in first  # the last follow-up's note, wrapped
    assert "日报汇总" not in first and "每日汇总" in figures and "在跟客户" in figures
    assert (round(care_w), round(care_h)) == (842, 595)  # landscape, as the rows
    assert "朝阳店售后跟踪表2026-11-10截至20:30序号客户姓名" in care and "状态" in care
    assert "张三" in care and "李四" in care and "已超期" in care and "第3页/共3页" in care

    printed = pages(pdfs["many"])
    sheet_pages = printed[:-2]  # then the figures and the (empty) after-sale sheet
    assert 3 <= len(sheet_pages) <= 8, len(sheet_pages)
    seen: list[int] = []
    for number, (width, height, text) in enumerate(sheet_pages, 1):
        assert width > height, number  # landscape
        # One page wide: the first and the last columns on every page, under the title.
        assert "意向客户跟踪表" in text and "客户姓名" in text and "截止时间" in text, number
        assert f"第{number}页/共{len(printed)}页" in text, number
        seen += [int(n) for n in re.findall(r"客户(\d\d)", text)]
    assert seen == list(range(1, 61))  # every row once, in order: none cut off between pages
