"""What `--out` writes: the name's ending decides the format — .xlsx the tracking workbook, .csv
the same rows as comma-separated UTF-8 text (with a byte-order mark, so a spreadsheet opens the
Chinese right). Anything else, or a folder that is not there, is one line and exit 2, before any
work is done."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.cli.common import fail, language
from bot.cli.progress import progress
from bot.config import Settings
from bot.digests.tracking_sheet import HEADER_ROW, tracking_workbook
from bot.digests.xlsx import FORMULA_STARTS
from bot.i18n.keys import Text
from bot.i18n.texts import raw
from domain.digest import TeamReport

FORMATS = (".xlsx", ".csv")


def check_out(out: Path) -> None:
    lang = language()
    if out.is_dir():
        fail(raw(lang, Text.cli_out_is_folder, path=out))
    if not out.parent.is_dir():
        fail(raw(lang, Text.cli_no_folder, folder=out.parent))
    if out.suffix.lower() not in FORMATS:
        fail(raw(lang, Text.cli_bad_format, path=out))


def write_tracking_sheet(report: TeamReport, settings: Settings, out: Path) -> None:
    """The team's 《意向客户跟踪表》 to `out` (checked with check_out first)."""
    lang = language()
    as_csv = out.suffix.lower() == ".csv"
    with progress(raw(lang, Text.cli_progress_export), 2 + as_csv) as bar:
        data = tracking_workbook(report, report.language, settings.rules.zone)
        bar.advance()
        if as_csv:
            data = workbook_as_csv(data)
            bar.advance()
        try:
            out.write_bytes(data)
        except OSError as exc:
            fail(raw(lang, Text.cli_cannot_write, path=out, why=exc.strerror or type(exc).__name__))
        bar.advance()


def workbook_as_csv(workbook: bytes) -> bytes:
    """The first sheet's table (its header and rows, not the title above them) as CSV: times as
    2026-11-27 14:30, and what people typed that a spreadsheet would run as a formula (=, +, -,
    @ first) kept text with a leading quote."""
    sheet = load_workbook(io.BytesIO(workbook), read_only=True).worksheets[0]
    text = io.StringIO()
    writer = csv.writer(text)
    for row in sheet.iter_rows(min_row=HEADER_ROW, values_only=True):
        writer.writerow([_cell(value) for value in row])
    return text.getvalue().encode("utf-8-sig")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
