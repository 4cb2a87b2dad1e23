"""《意向客户跟踪表》 as an .xlsx workbook: one row per open registration.

    data = tracking_workbook(report.rows, report.language, rules.zone, report.team.name, report.digest.day)

Managers (entitled to full details) get full phones and addresses; with `mask_phones` (group
chats, people not entitled) phones are masked, also inside names and needs, and addresses left
out. Rows are written through bot.digests.xlsx: what people typed is never a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.digests.xlsx import append_row
from bot.i18n.keys import Text
from bot.i18n.labels import PURCHASE, STATE, keyed
from bot.i18n.texts import raw
from domain.customer_details import display_phone, mask_phone, mask_phones_in
from domain.digest import TrackingRow
from domain.lifecycle import DeadlineKind
from domain.model import State

DATE_FORMAT = "yyyy-mm-dd hh:mm"

# --- 《意向客户跟踪表》 ------------------------------------------------------------------------

_COLUMNS = (
    Text.digest_col_customer,
    Text.digest_col_phone,
    Text.digest_col_address,
    Text.digest_col_needs,
    Text.digest_col_purchase,
    Text.digest_col_holder,
    Text.digest_col_filed,
    Text.digest_col_last_follow_up,
    Text.digest_col_state,
    Text.digest_col_deadline,
    Text.digest_col_deadline_at,
)
_DEADLINE_COLUMN = keyed("digest_deadline_", DeadlineKind)
_DATE_COLUMNS = frozenset({6, 7, 10})  # 0-based: filed, last follow-up, deadline at
_DATE_WIDTH = 18
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def tracking_workbook(
    rows: Sequence[TrackingRow],
    language: str,
    zone: ZoneInfo,
    team_name: str,
    day: date,
    *,
    mask_phones: bool = False,
) -> bytes:
    """《意向客户跟踪表》: one row per open registration, times as Excel datetimes in local time."""
    labels = _Labels(language)
    values = [_row_values(row, labels, zone, mask_phones) for row in rows]
    headers = [raw(language, key) for key in _COLUMNS]

    # Streaming (write-only) for a team of 10,000; column widths must be set before any row.
    workbook = Workbook(write_only=True)
    workbook.properties.title = raw(
        language, Text.digest_workbook_title, team=team_name, date=day.isoformat()
    )
    sheet = workbook.create_sheet(raw(language, Text.digest_sheet_title))
    for index, header in enumerate(headers):
        width = (
            _DATE_WIDTH
            if index in _DATE_COLUMNS
            else max([_width(header), *(_width(v[index]) for v in values)])
        )
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(
            _MAX_WIDTH, max(_MIN_WIDTH, width + 2)
        )
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        head.append(cell)
    append_row(sheet, head)
    for value_row in values:
        # Only the times need a cell object (for their format); plain values are much cheaper.
        for index in _DATE_COLUMNS:
            if value_row[index] is not None:
                cell = WriteOnlyCell(sheet, value=value_row[index])
                cell.number_format = DATE_FORMAT
                value_row[index] = cell
        append_row(sheet, value_row)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(values) + 1}"

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


def _row_values(row: TrackingRow, label: _Labels, zone: ZoneInfo, mask_phones: bool) -> list[Any]:
    state = (
        label(Text.digest_state_pending_review)
        if row.state is State.PENDING_REVIEW
        else label(STATE[row.state])
    )
    if row.challenging:
        state = label(Text.digest_challenging, state)
    typed = mask_phones_in if mask_phones else _as_typed  # names and needs may hold a phone number
    return [
        typed(row.customer_name),
        mask_phone(row.phone) if mask_phones else display_phone(row.phone),
        None if mask_phones else row.address,
        typed(row.needs) if row.needs else None,
        label(PURCHASE[row.expected_purchase]) if row.expected_purchase else None,
        typed(row.holder),
        _local(row.filed_at, zone),
        _local(row.last_follow_up_at, zone),
        state,
        label(_DEADLINE_COLUMN[row.deadline.kind]) if row.deadline else None,
        _local(row.deadline.at, zone) if row.deadline else None,
    ]


def _as_typed(text: str) -> str:
    return text


def _local(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Excel has no time zones: the local wall-clock time, to the second."""
    if at is None:
        return None
    return at.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _width(value: object) -> int:
    """Display width of a cell's text: a Chinese character is as wide as two Latin ones, which is
    what its length in GBK says (two bytes against one), computed in C for 10,000 rows."""
    if value is None:
        return 0
    return len(str(value).encode("gbk", errors="replace"))
