"""Writing every workbook the bot makes, row by row: what people typed is text, never a formula.

XlsxWriter, in its constant-memory mode (each row goes to the file as it is written): a team of
10,000 open registrations is 120,000 styled cells, which openpyxl's write-only mode took ~2 s to
write (each styled cell an object, bound twice) and XlsxWriter writes in well under one.

A spreadsheet reads a cell that starts with = + - @ (or a tab or carriage return before one) as a
formula: a customer named =HYPERLINK("http://…","click") became a live link in the tracking
workbook. Every text is written as a string, and such text also with the quote prefix, so it is
shown as typed and stays text even when someone edits the cell.

    book = Book(styles)                       # styles: name -> XlsxWriter format properties
    sheet = book.sheet("意向客户跟踪表")
    sheet.widths([5, 12, …])
    sheet.append(values, [TEXT, DATE, …], height=28)    # one style for all, or one per cell
    sheet.append_merged(title, TITLE, columns=12, height=24)
    data = book.close()                       # the .xlsx bytes
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters a cell cannot show; a carriage return becomes a line break below (XlsxWriter
# would store it escaped, which only Excel reads back).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RETURNS = re.compile(r"\r\n?")


class Book:
    def __init__(self, styles: Mapping[str, Mapping[str, Any]], *, title: str = "", author: str = "") -> None:
        self._out = BytesIO()
        self._book = xlsxwriter.Workbook(self._out, {"constant_memory": True, "in_memory": True})
        self._book.set_properties({"title": title, "author": author})
        self._styles = styles
        self._formats: dict[tuple[str, bool], Any] = {}

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, self._book.add_worksheet(name))

    def format(self, style: str, *, quoted: bool = False) -> Any:
        """The format of a named style (with the quote prefix: text that looks like a formula)."""
        found = self._formats.get((style, quoted))
        if found is None:
            properties = {**self._styles[style], **({"quote_prefix": True} if quoted else {})}
            found = self._formats[(style, quoted)] = self._book.add_format(properties)
        return found

    def highlight(self, properties: Mapping[str, Any]) -> Any:
        """A conditional format's look (a fill, a font colour)."""
        return self._book.add_format(dict(properties))

    def close(self) -> bytes:
        self._book.close()
        return self._out.getvalue()


class Sheet:
    """A worksheet written top to bottom: each row once, in order."""

    def __init__(self, book: Book, worksheet: Any) -> None:
        self.book, self.worksheet = book, worksheet
        self.rows = 0  # written so far; the next row is this, 0-based

    def widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths):
            self.worksheet.set_column(index, index, width)

    def append(
        self, values: Sequence[Any], styles: str | Sequence[str], *, height: float | None = None
    ) -> None:
        row = self.rows
        if height is not None:
            self.worksheet.set_row(row, height)
        for column, value in enumerate(values):
            self._write(row, column, value, styles if isinstance(styles, str) else styles[column])
        self.rows += 1

    def append_merged(self, value: str, style: str, *, columns: int, height: float) -> None:
        """One text across the first `columns` columns of the next row (a title, a legend)."""
        text = _clean(value)
        self.worksheet.set_row(self.rows, height)
        style_format = self.book.format(style, quoted=_looks_like_formula(text))
        # merge_range would read text starting with = as a formula: merged empty, then the text.
        self.worksheet.merge_range(self.rows, 0, self.rows, columns - 1, "", style_format)
        self.worksheet.write_string(self.rows, 0, text, style_format)
        self.rows += 1

    def _write(self, row: int, column: int, value: Any, style: str) -> None:
        ws = self.worksheet
        if isinstance(value, str):
            text = _clean(value)
            ws.write_string(row, column, text, self.book.format(style, quoted=_looks_like_formula(text)))
            return
        fmt = self.book.format(style)
        if value is None:
            ws.write_blank(row, column, None, fmt)  # an empty cell keeps its borders
        elif isinstance(value, datetime | date):
            ws.write_datetime(row, column, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value, fmt)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, column, float(value) if isinstance(value, Decimal) else value, fmt)
        else:
            ws.write_string(row, column, str(value), fmt)


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", _RETURNS.sub("\n", text) if "\r" in text else text)


def _looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)
