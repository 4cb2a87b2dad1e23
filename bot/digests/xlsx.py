"""Writing the rows of every workbook the bot makes: what people typed is text, never a formula.

A spreadsheet reads a cell that starts with = + - @ (or a tab or carriage return before one) as a
formula: a customer named =HYPERLINK("http://…","click") became a live link in the tracking
workbook. Such text is stored as a string with the quote prefix, so it is shown as typed and stays
text even when someone edits the cell.

    append_row(sheet, values)   # plain values, or cells (dates with their format, bold headers)
    append_row(sheet, [cell(sheet, value, styles[TEXT]) for value in values])   # every cell styled
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def append_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    sheet.append([_safe(sheet, value) for value in values])


def cell(sheet: WriteOnlyWorksheet, value: Any, style: StyleArray | None = None) -> Cell:
    """A cell of `value` in a style (bot.digests.print_layout.add_styles), made safe as append_row
    makes plain values: control characters dropped, text that looks like a formula kept as text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return Cell(sheet, row=1, column=1, value=value, style_array=style)


def _safe(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, Cell):
        if isinstance(value.value, str) and (
            value.data_type == "f" or value.value.startswith(FORMULA_STARTS)
        ):
            _as_text(value)
        return value
    if not isinstance(value, str):
        return value
    # Control characters a workbook cannot hold would fail the whole file, not just the cell.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_STARTS):
        return value  # a plain value: much cheaper than a cell object, for a team of 10,000
    cell = WriteOnlyCell(sheet, value=value)
    _as_text(cell)
    return cell


def _as_text(cell: Cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True
