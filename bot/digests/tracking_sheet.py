"""《意向客户跟踪表》 as an .xlsx workbook: one row per open registration, ready to print or forward.

    data = tracking_workbook(report, report.language, rules.zone)                    # managers
    data = tracking_workbook(report, language, rules.zone, mask_phones=True)          # group chats

Managers (entitled to full details) get full phones, addresses and follow-up notes; with
`mask_phones` (group chats, people not entitled) phones are masked, also inside names and needs,
and addresses and notes left out (typed by people, they may hold either). Every cell is written
through bot.digests.xlsx: what people typed is never a formula.

The first sheet: a title row (team, day, the time it was read), the header, then the rows, each
numbered (序号), bordered, wrapped and as tall as its text; times in local time; rows past a
deadline or with a follow-up owed are highlighted by conditional formats on the state column.
On paper: A4 landscape, one page wide, title and header on every page, page numbers in the footer.
The second sheet has the day's figures, as the summary has them (bot.digests.summary_sheet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.formatting.rule import Rule
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter

from bot.digests import print_layout as layout
from bot.digests.print_layout import DATE, DATE_FORMAT, HEADER, NUMBER, TEXT, TITLE
from bot.digests.summary_sheet import write_summary_sheet
from bot.digests.xlsx import append_row, cell
from bot.i18n.keys import Text
from bot.i18n.labels import PURCHASE, STATE, keyed
from bot.i18n.texts import raw
from domain.customer_details import display_phone, mask_phone, mask_phones_in
from domain.digest import DUE_STATES, OVERDUE_STATES, LastFollowUp, TeamReport, TrackingRow
from domain.lifecycle import DeadlineKind
from domain.model import FollowUpKind, State

__all__ = ["DATE_FORMAT", "tracking_workbook"]

CREATOR = "leadbot"


@dataclass(frozen=True)
class _Column:
    header: Text
    least: float  # width, in characters
    most: float  # wider text wraps
    style: str = TEXT


_COLUMNS = (
    _Column(Text.digest_col_number, 5, 7, NUMBER),
    _Column(Text.digest_col_customer, 8, 12),
    _Column(Text.digest_col_phone, 12, 16),
    _Column(Text.digest_col_address, 12, 24),
    _Column(Text.digest_col_needs, 8, 20),
    _Column(Text.digest_col_purchase, 8, 13),
    _Column(Text.digest_col_holder, 7, 10),
    _Column(Text.digest_col_filed, 17, 17, DATE),
    _Column(Text.digest_col_last_follow_up, 12, 26),
    _Column(Text.digest_col_state, 8, 12),
    _Column(Text.digest_col_deadline, 8, 14),
    _Column(Text.digest_col_deadline_at, 17, 17, DATE),
)
_STATE_COLUMN = 9  # 0-based
_LAST = get_column_letter(len(_COLUMNS))
_TITLE_ROWS, HEADER_ROW, _FIRST_ROW = "1:2", 2, 3
_DEADLINE_COLUMN = keyed("digest_deadline_", DeadlineKind)
_KIND = keyed("digest_kind_", FollowUpKind)  # plain words: emoji do not print everywhere


def tracking_workbook(
    report: TeamReport, language: str, zone: ZoneInfo, *, mask_phones: bool = False
) -> bytes:
    """《意向客户跟踪表》 and the day's figures, times as Excel datetimes in local time."""
    digest = report.digest
    labels = _Labels(language)
    values = [[n, *_row_values(row, labels, zone, mask_phones)] for n, row in enumerate(report.rows, 1)]
    headers = [raw(language, column.header) for column in _COLUMNS]
    widths = [_width(index, column, headers, values) for index, column in enumerate(_COLUMNS)]
    heading = raw(
        language,
        Text.digest_sheet_heading,
        team=report.team.name,
        date=digest.day.isoformat(),
        time=f"{digest.at.astimezone(zone):%H:%M}",
    )

    # Streaming (write-only) for a team of 10,000: widths, panes and page setup go before any row.
    workbook = Workbook(write_only=True)
    workbook.properties.title = raw(
        language, Text.digest_workbook_title, team=report.team.name, date=digest.day.isoformat()
    )
    workbook.properties.creator = CREATOR
    styles = layout.add_styles(workbook)
    sheet = workbook.create_sheet(raw(language, Text.digest_sheet_title))
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = f"A{_FIRST_ROW}"
    layout.set_up_pages(sheet, language, landscape=True, title_rows=_TITLE_ROWS)

    column_styles = [styles[column.style] for column in _COLUMNS]
    sheet.row_dimensions[1].height = layout.TITLE_HEIGHT
    append_row(sheet, [cell(sheet, heading, styles[TITLE])])
    sheet.merged_cells.add(f"A1:{_LAST}1")
    sheet.row_dimensions[HEADER_ROW].height = layout.row_height(headers, widths)
    append_row(sheet, [cell(sheet, header, styles[HEADER]) for header in headers])
    for number, value_row in enumerate(values, _FIRST_ROW):
        sheet.row_dimensions[number].height = layout.row_height(value_row, widths)
        cells = zip(value_row, column_styles, strict=True)
        append_row(sheet, [cell(sheet, value, style) for value, style in cells])
    last_row = len(values) + HEADER_ROW
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{_LAST}{last_row}"
    if values:
        _highlight(sheet, f"A{_FIRST_ROW}:{_LAST}{last_row}", labels)

    write_summary_sheet(workbook, styles, digest, language, zone)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Labels:
    """The sheet's words for states, deadlines and purchase times, looked up once per workbook."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._cache: dict[tuple[Text, str], str] = {}

    def __call__(self, key: Text, state: str = "") -> str:
        found = self._cache.get((key, state))
        if found is None:
            found = self._cache[(key, state)] = raw(self.language, key, state=state)
        return found

    def state(self, state: State, challenging: bool) -> str:
        word = self(Text.digest_state_pending_review if state is State.PENDING_REVIEW else STATE[state])
        return self(Text.digest_challenging, word) if challenging else word


def _row_values(row: TrackingRow, label: _Labels, zone: ZoneInfo, mask_phones: bool) -> list[Any]:
    typed = mask_phones_in if mask_phones else _as_typed  # names and needs may hold a phone number
    return [
        typed(row.customer_name),
        mask_phone(row.phone) if mask_phones else display_phone(row.phone),
        None if mask_phones else row.address,
        typed(row.needs) if row.needs else None,
        label(PURCHASE[row.expected_purchase]) if row.expected_purchase else None,
        typed(row.holder),
        _local(row.filed_at, zone),
        _last_follow_up(row.last_follow_up, label, zone, with_note=not mask_phones),
        label.state(row.state, row.challenging),
        label(_DEADLINE_COLUMN[row.deadline.kind]) if row.deadline else None,
        _local(row.deadline.at, zone) if row.deadline else None,
    ]


def _last_follow_up(
    last: LastFollowUp | None, label: _Labels, zone: ZoneInfo, *, with_note: bool
) -> str | None:
    """How and when, and on the next line what was noted (not in group copies: a note may hold an
    address or a phone number)."""
    if last is None:
        return None
    at = f"{last.at.astimezone(zone):%Y-%m-%d %H:%M}"
    text = raw(label.language, Text.digest_last_follow_up, kind=label(_KIND[last.kind]), at=at)
    return f"{text}\n{last.note}" if with_note and last.note else text


def _highlight(sheet: Any, cells: str, label: _Labels) -> None:
    """Rows past a deadline in red, rows with a follow-up owed in yellow: a rule on the state
    column's words (the same words the cells hold), so the colour follows the row when sorted."""
    state_cell = f"${get_column_letter(_STATE_COLUMN + 1)}{_FIRST_ROW}"
    for states, fill, font in (
        (OVERDUE_STATES, layout.OVERDUE_FILL, layout.OVERDUE_FONT),
        (DUE_STATES, layout.DUE_FILL, layout.DUE_FONT),
    ):
        words = sorted({label.state(state, challenging) for state in states for challenging in (False, True)})
        test = ",".join(f'{state_cell}="{word.replace(chr(34), chr(34) * 2)}"' for word in words)
        style = DifferentialStyle(fill=fill, font=font)
        rule = Rule(type="expression", formula=[f"OR({test})"], dxf=style, stopIfTrue=True)
        sheet.conditional_formatting.add(cells, rule)


def _as_typed(text: str) -> str:
    return text


def _local(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Excel has no time zones: the local wall-clock time, to the second."""
    if at is None:
        return None
    return at.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _width(index: int, column: _Column, headers: list[str], values: list[list[Any]]) -> float:
    """As wide as the widest text (a header's longest word, a cell's longest line) within the
    column's bounds: wider text wraps."""
    if column.least == column.most:
        return column.least
    widest = max(
        [
            *(layout.display_width(word) for word in headers[index].split()),
            *(
                max(layout.display_width(line) for line in str(value).split("\n"))
                for row in values
                if (value := row[index]) is not None
            ),
        ]
    )
    return min(column.most, max(column.least, widest + 2))
