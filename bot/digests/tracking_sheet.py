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
The second sheet has the day's figures, as the summary has them (bot.digests.summary_sheet); the
third the customers in after-sale care (bot.digests.aftersale_sheet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digests import print_layout as layout
from bot.digests.aftersale_sheet import write_aftersale_sheet
from bot.digests.print_layout import DATE, DATE_FORMAT, HEADER, NUMBER, STYLES, TEXT, TITLE
from bot.digests.summary_sheet import write_summary_sheet
from bot.digests.xlsx import Book, Sheet
from bot.i18n.keys import Text
from bot.i18n.labels import PURCHASE, STATE, keyed
from bot.i18n.texts import raw
from domain.customer_details import display_phone, mask_phone, mask_phones_in
from domain.lifecycle import DeadlineKind
from domain.model import FollowUpKind, State
from domain.tracking import DUE_STATES, OVERDUE_STATES, LastFollowUp, TeamReport, TrackingRow

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
_STATE_COLUMN = "J"  # where the conditional formats read the state
_TITLE_ROWS, HEADER_ROW, _FIRST_ROW = 2, 2, 3  # 1-based, as a spreadsheet numbers them
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

    book = Book(
        STYLES,
        title=raw(language, Text.digest_workbook_title, team=report.team.name, date=digest.day.isoformat()),
        author=CREATOR,
    )
    sheet = book.sheet(raw(language, Text.digest_sheet_title))
    sheet.widths(widths)
    sheet.worksheet.freeze_panes(_FIRST_ROW - 1, 0)
    layout.set_up_pages(sheet, language, landscape=True, title_rows=_TITLE_ROWS)

    column_styles = [column.style for column in _COLUMNS]
    sheet.append_merged(heading, TITLE, columns=len(_COLUMNS), height=layout.TITLE_HEIGHT)
    sheet.append(headers, HEADER, height=layout.row_height(headers, widths))
    for value_row in values:
        sheet.append(value_row, column_styles, height=layout.row_height(value_row, widths))
    last_row = len(values) + HEADER_ROW
    sheet.worksheet.autofilter(HEADER_ROW - 1, 0, last_row - 1, len(_COLUMNS) - 1)
    if values:
        _highlight(sheet, last_row, labels)

    write_summary_sheet(book, digest, language, zone)
    write_aftersale_sheet(book, report, language, zone, mask_phones=mask_phones)
    return book.close()


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


def _highlight(sheet: Sheet, last_row: int, label: _Labels) -> None:
    """Rows past a deadline in red, rows with a follow-up owed in yellow: a rule on the state
    column's words (the same words the cells hold), so the colour follows the row when sorted."""
    state_cell = f"${_STATE_COLUMN}{_FIRST_ROW}"
    for states, look in ((OVERDUE_STATES, layout.OVERDUE), (DUE_STATES, layout.DUE)):
        words = sorted({label.state(state, challenging) for state in states for challenging in (False, True)})
        test = ",".join(f'{state_cell}="{word.replace(chr(34), chr(34) * 2)}"' for word in words)
        sheet.worksheet.conditional_format(
            _FIRST_ROW - 1,
            0,
            last_row - 1,
            len(_COLUMNS) - 1,
            {
                "type": "formula",
                "criteria": f"=OR({test})",
                "format": sheet.book.highlight(look),
                "stop_if_true": True,
            },
        )


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
    widest = max(layout.display_width(word) for word in headers[index].split())
    enough = column.most - 2  # wider than this is cut to the bound anyway
    for row in values:
        value = row[index]
        if value is None:
            continue
        for line in str(value).split("\n"):
            # A character is at most two wide: a line that short cannot be the widest.
            if 2 * len(line) > widest:
                widest = max(widest, layout.display_width(line))
        if widest >= enough:
            break
    return min(column.most, max(column.least, widest + 2))
