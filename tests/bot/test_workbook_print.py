"""《意向客户跟踪表》 on paper and on screen, read back with openpyxl: borders, wrapped text and row
heights, the highlighted rows, and the page setup (tests/bot/test_workbook_render.py prints it)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.digests.print_layout import LINE_HEIGHT, line_count
from domain.model import State
from tests.bot.test_workbook import book, open_sheet, rows


def test_thin_borders_and_wrapped_text_on_every_data_cell() -> None:
    _, sheet = open_sheet(book(rows()))
    for row in sheet.iter_rows(min_row=2, max_row=5, max_col=12):
        for cell in row:
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
    for row in sheet.iter_rows(min_row=3, max_row=5, min_col=2, max_col=11):
        for cell in row:
            if cell.column_letter != "H":  # a time does not wrap
                assert cell.alignment.wrap_text, cell.coordinate


def test_rows_are_as_tall_as_their_wrapped_text() -> None:
    long = replace(rows()[0], needs="1.8米床垫和床头柜，想要偏硬一点的，预算一万左右，周末送货上门" * 2)
    _, sheet = open_sheet(book([long, *rows()[1:]]))
    heights = [sheet.row_dimensions[r].height for r in (3, 4, 5)]
    assert all(height is not None for height in heights)  # LibreOffice does not grow a row by itself
    assert heights[1] == heights[2] < heights[0]  # one line each; the long needs take several
    assert heights[0] >= 4 * LINE_HEIGHT


def test_line_count_wraps_words_whole_and_chinese_anywhere() -> None:
    assert line_count("张三", 10) == 1
    assert line_count("一二三四五六七八九十", 10) == 3  # 20 wide in 8.5 usable: 4 characters a line
    assert line_count("第一行\n第二行", 20) == 2
    assert line_count("follow up or lose protection", 12) == 3  # "follow up or", "lose", "protection"
    assert line_count("x" * 30, 11.5) == 3  # a word longer than the column is broken
    assert line_count("", 10) == 1


def test_overdue_and_due_rows_are_highlighted_by_conditional_formats() -> None:
    due = replace(rows()[0], registration_id=4, state=State.DUE)
    expired = replace(rows()[1], registration_id=5, state=State.EXPIRED, challenging=True)
    _, sheet = open_sheet(book([*rows(), due, expired]))
    formats = {str(cf.sqref): cf.rules for cf in sheet.conditional_formatting}
    assert list(formats) == ["A3:L7"]  # every data cell, not a cell painted by hand
    red, yellow = formats["A3:L7"]
    assert red.type == yellow.type == "expression"
    # A conditional format's solid fill is its background colour (ECMA-376 18.8.17, as Excel writes it).
    assert red.dxf.fill.bgColor.rgb.endswith("FFC7CE") and yellow.dxf.fill.bgColor.rgb.endswith("FFEB9C")
    assert all(cell.fill.fill_type is None for row in sheet.iter_rows(min_row=3) for cell in row)

    def marked(rule) -> list[int]:
        """The rows the rule's formula picks: it compares the state column with these words."""
        (formula,) = rule.formula
        assert formula.startswith("OR($J3=")
        words = {part.split('"')[1] for part in formula.split(",")}
        return [row[0].value for row in sheet.iter_rows(min_row=3) if row[9].value in words]

    assert marked(red) == [2, 5]  # lapsed, and expired (a challenge)
    assert marked(yellow) == [4]  # a follow-up owed


@pytest.mark.parametrize(("language", "footer"), [("zh", "第 &P 页 / 共 &N 页"), ("en", "Page &P of &N")])
def test_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page(
    language: str, footer: str
) -> None:
    workbook, sheet = open_sheet(book(rows(), language))
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (left out of the file, fitToWidth is 1), as many pages tall as needed.
    assert (1 if setup.fitToWidth is None else setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$2"  # the title and the header
    assert sheet.oddFooter.center.text == footer
    figures = workbook.worksheets[1]
    assert figures.page_setup.paperSize == 9 and figures.oddFooter.center.text == footer
