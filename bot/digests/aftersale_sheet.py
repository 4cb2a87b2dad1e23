"""The tracking workbook's third sheet, 售后跟踪: one row per customer in after-sale care of the
team (domain.aftersale_digest.AftersaleRow), with the first sheet's print setup (a title row, the
header repeated on every page, A4 landscape one page wide).

    write_aftersale_sheet(book, report, language, rules.zone, mask_phones=…)   # bot.digests.tracking_sheet

Group copies (`mask_phones`) name the customer 张* and mask the phone: nothing personal in a group
(RULES §2). Rows with something overdue are highlighted by a conditional format on the status
column's words, so the colour follows the row when sorted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digests import print_layout as layout
from bot.digests.print_layout import DATE, HEADER, NUMBER, TEXT, TITLE
from bot.digests.xlsx import Book, Sheet
from bot.i18n.keys import Text
from bot.i18n.texts import raw
from domain.aftersale_digest import AftersaleRow
from domain.customer_details import display_phone, mask_name, mask_phone, mask_phones_in
from domain.tracking import TeamReport

_COLUMNS = (
    (Text.digest_col_number, 5.0, NUMBER),
    (Text.digest_col_customer, 10.0, TEXT),
    (Text.digest_col_phone, 15.0, TEXT),
    (Text.digest_col_holder, 9.0, TEXT),
    (Text.digest_as_col_deal, 17.0, DATE),
    (Text.digest_as_col_first_contact, 22.0, TEXT),
    (Text.digest_as_col_next_contact, 17.0, DATE),
    (Text.digest_as_col_open, 24.0, TEXT),
    (Text.digest_as_col_satisfaction, 9.0, NUMBER),
    (Text.digest_as_col_state, 9.0, TEXT),
)
_STATE_COLUMN = "J"
_TITLE_ROWS, HEADER_ROW, _FIRST_ROW = 2, 2, 3  # 1-based


def write_aftersale_sheet(
    book: Book, report: TeamReport, language: str, zone: ZoneInfo, *, mask_phones: bool
) -> Sheet:
    digest = report.digest
    widths = [width for _, width, _ in _COLUMNS]
    headers = [raw(language, key) for key, _, _ in _COLUMNS]
    sheet = book.sheet(raw(language, Text.digest_as_sheet_title))
    sheet.widths(widths)
    sheet.worksheet.freeze_panes(_FIRST_ROW - 1, 0)
    layout.set_up_pages(sheet, language, landscape=True, title_rows=_TITLE_ROWS)
    heading = raw(
        language,
        Text.digest_as_sheet_heading,
        team=report.team.name,
        date=digest.day.isoformat(),
        time=f"{digest.at.astimezone(zone):%H:%M}",
    )
    sheet.append_merged(heading, TITLE, columns=len(_COLUMNS), height=layout.TITLE_HEIGHT)
    sheet.append(headers, HEADER, height=layout.row_height(headers, widths))
    styles = [style for _, _, style in _COLUMNS]
    overdue_word = raw(language, Text.digest_as_state_overdue)
    on_time_word = raw(language, Text.digest_as_state_on_time)
    for n, row in enumerate(report.aftersale_rows, 1):
        values = [n, *_values(row, language, zone, mask_phones, overdue_word, on_time_word)]
        sheet.append(values, styles, height=layout.row_height(values, widths))
    last_row = len(report.aftersale_rows) + HEADER_ROW
    sheet.worksheet.autofilter(HEADER_ROW - 1, 0, last_row - 1, len(_COLUMNS) - 1)
    if report.aftersale_rows:
        word = overdue_word.replace('"', '""')
        sheet.worksheet.conditional_format(
            _FIRST_ROW - 1,
            0,
            last_row - 1,
            len(_COLUMNS) - 1,
            {
                "type": "formula",
                "criteria": f'=${_STATE_COLUMN}{_FIRST_ROW}="{word}"',
                "format": book.highlight(layout.OVERDUE),
            },
        )
    return sheet


def _values(
    row: AftersaleRow, language: str, zone: ZoneInfo, masked: bool, overdue: str, on_time: str
) -> list[Any]:
    def at(moment: datetime) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"

    if row.first_contact_at is not None:
        first = raw(language, Text.digest_as_first_done, at=at(row.first_contact_at))
    else:
        first = raw(language, Text.digest_as_first_due, at=at(row.first_contact_due_at))
    open_items = (
        raw(language, Text.digest_as_open_cell, count=row.open_items, at=at(row.earliest_item_due_at))
        if row.open_items and row.earliest_item_due_at is not None
        else None
    )
    return [
        mask_name(row.customer_name) if masked else row.customer_name,
        mask_phone(row.phone) if masked else display_phone(row.phone),
        mask_phones_in(row.holder) if masked else row.holder,
        _local(row.deal_at, zone),
        first,
        _local(row.next_contact_due_at, zone),
        open_items,
        row.satisfaction,
        overdue if row.overdue else on_time,
    ]


def _local(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    if at is None:
        return None
    return at.astimezone(zone).replace(tzinfo=None, microsecond=0)
