"""The tracking workbook's third sheet, 售后跟踪 / After-sale, read back with openpyxl."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from bot.digests.tracking_sheet import tracking_workbook
from domain.aftersale_digest import AftersaleRow
from tests.bot.test_workbook import NOW, ZONE, report

D = timedelta(days=1)
ZH = [
    "序号",
    "客户姓名",
    "电话",
    "报备人",
    "成交时间",
    "首次联系",
    "下次联系截止",
    "未解决问题 / 需求",
    "满意度",
    "状态",
]
EN = [
    "No.",
    "Customer",
    "Phone",
    "Registered by",
    "Deal date",
    "First contact",
    "Next contact due",
    "Open problems / needs",
    "Satisfaction",
    "Status",
]


def care_rows() -> list[AftersaleRow]:
    return [
        AftersaleRow(
            registration_id=1,
            customer_name="张三",
            phone="+8613800138000",
            holder="王芳",
            deal_at=NOW - 20 * D,
            first_contact_at=NOW - 18 * D,
            first_contact_due_at=NOW - 16 * D,
            next_contact_due_at=NOW + 12 * D,
            open_items=2,
            earliest_item_due_at=NOW - D,
            satisfaction=4,
            overdue=True,
        ),
        AftersaleRow(
            registration_id=2,
            customer_name="李四",
            phone="+8613900139000",
            holder="刘洋",
            deal_at=NOW - 2 * D,
            first_contact_at=None,
            first_contact_due_at=NOW + 2 * D,
            next_contact_due_at=NOW + 32 * D,
            open_items=0,
            earliest_item_due_at=None,
            satisfaction=None,
            overdue=False,
        ),
    ]


def aftersale_sheet(language: str = "zh", **options):
    data = tracking_workbook(replace(report([]), aftersale_rows=care_rows()), language, ZONE, **options)
    workbook = load_workbook(BytesIO(data))
    assert len(workbook.worksheets) == 3
    return workbook.worksheets[2]


def values(sheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


@pytest.mark.parametrize(("language", "title", "headers"), [("zh", "售后跟踪", ZH), ("en", "After-sale", EN)])
def test_the_third_sheet_has_title_heading_and_headers(language: str, title: str, headers: list[str]) -> None:
    sheet = aftersale_sheet(language)
    assert sheet.title == title
    assert "朝阳店" in sheet["A1"].value and "2026-11-10" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == headers
    assert all(c.font.bold for c in sheet[2])


def test_one_numbered_row_per_customer_in_care_for_managers() -> None:
    rows = values(aftersale_sheet())
    assert rows[0] == [
        1,
        "张三",
        "138 0013 8000",
        "王芳",
        datetime(2026, 10, 21, 20, 30),
        "已联系 2026-10-23 20:30",
        datetime(2026, 11, 22, 20, 30),
        "2 项，最早截止 2026-11-09 20:30",
        4,
        "已超期",
    ]
    assert rows[1][:2] == [2, "李四"] and rows[1][5] == "截止 2026-11-12 20:30"
    assert (rows[1][7], rows[1][8], rows[1][9]) == (None, None, "按期")


def test_the_group_copy_masks_customers() -> None:
    rows = values(aftersale_sheet(mask_phones=True))
    assert [r[1:3] for r in rows] == [["张*", "138****8000"], ["李*", "139****9000"]]
    assert [r[3] for r in rows] == ["王芳", "刘洋"]  # staff in full


def test_overdue_rows_highlighted_and_printed_like_the_first_sheet() -> None:
    sheet = aftersale_sheet("en")
    [rule_range] = list(sheet.conditional_formatting)
    [rule] = rule_range.rules
    assert str(rule_range.sqref) == "A3:J4" and rule.formula == ['$J3="overdue"']
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.oddFooter.center.text == "Page &P of &N"
    assert sheet.freeze_panes == "A3"


def test_no_customer_in_care_still_gets_the_sheet_with_headers() -> None:
    data = tracking_workbook(report([]), "zh", ZONE)
    sheet = load_workbook(BytesIO(data)).worksheets[2]
    assert [c.value for c in sheet[2]] == ZH and values(sheet) == []
