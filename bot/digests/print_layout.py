"""How the bot's workbooks look on screen and on paper: named cell styles, row heights for wrapped
text, and the page setup a manager prints unchanged (A4, one page wide, header rows on every page,
page numbers in the footer).

    styles = add_styles(workbook)             # once; cells are made with styles[TEXT] and so on
    sheet.row_dimensions[n].height = row_height(values, widths)
    set_up_pages(sheet, language, landscape=True, title_rows="1:2")

Spreadsheets grow a row for wrapped text when they lay it out; LibreOffice does not when it
opens a file that gives no height, and wrapped text is cut off: every row is given the height
its longest cell needs, estimated from the text's display width and the column's width.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.properties import PageSetupProperties

from bot.i18n.keys import Text
from bot.i18n.texts import raw

if TYPE_CHECKING:
    from openpyxl import Workbook

DATE_FORMAT = "yyyy-mm-dd hh:mm"
PAPER_A4 = 9  # ECMA-376's paper size code
# Calibri, as the workbook's default style has it: column widths count its digits. Chinese text
# falls back to the system's Chinese font (DengXian, Noto Sans CJK).
FONT_NAME = "Calibri"
FONT_SIZE = 10
TITLE_SIZE = 13
# Points per line of 10 pt text: CJK fonts (Noto Sans CJK, DengXian) run taller than Latin ones.
LINE_HEIGHT = 14.0
ROW_PADDING = 3.0
TITLE_HEIGHT = 24.0

TITLE = "leadbot title"
HEADER = "leadbot header"
TEXT = "leadbot text"
NUMBER = "leadbot number"
DATE = "leadbot date"
LABEL = "leadbot label"  # a section's name on a figures sheet: bold, no border
NOTE = "leadbot note"  # a line of explanation: wrapped, no border

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")

# Conditional formats (a rule the spreadsheet applies, not colours painted on cells): Excel's own
# "light red fill with dark red text" and its yellow counterpart.
OVERDUE_FILL = PatternFill(fill_type="solid", start_color="FFC7CE", end_color="FFC7CE")
OVERDUE_FONT = Font(color="9C0006")
DUE_FILL = PatternFill(fill_type="solid", start_color="FFEB9C", end_color="FFEB9C")
DUE_FONT = Font(color="9C5700")


def add_styles(workbook: Workbook) -> dict[str, StyleArray]:
    """Adds the named styles every sheet uses; name -> the style array a cell of that style is
    made with (Cell(..., style_array=...): one copy, where setting a cell's style looks it up)."""
    styles = [
        NamedStyle(
            TITLE,
            font=Font(name=FONT_NAME, size=TITLE_SIZE, bold=True),
            alignment=Alignment(vertical="center"),
        ),
        NamedStyle(
            HEADER,
            font=Font(name=FONT_NAME, size=FONT_SIZE, bold=True),
            border=_BOX,
            fill=PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2"),
            alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
        ),
        NamedStyle(TEXT, font=_FONT, border=_BOX, alignment=_WRAP_TOP),
        NamedStyle(NUMBER, font=_FONT, border=_BOX, alignment=Alignment(horizontal="center", vertical="top")),
        NamedStyle(
            DATE,
            font=_FONT,
            border=_BOX,
            alignment=Alignment(horizontal="center", vertical="top"),
            number_format=DATE_FORMAT,
        ),
        NamedStyle(
            LABEL,
            font=Font(name=FONT_NAME, size=FONT_SIZE, bold=True),
            alignment=Alignment(vertical="bottom"),
        ),
        NamedStyle(NOTE, font=_FONT, alignment=Alignment(wrap_text=True, vertical="bottom")),
    ]
    for style in styles:
        workbook.add_named_style(style)
    return {style.name: style.as_tuple() for style in styles}


def display_width(value: object) -> int:
    """Display width of a cell's text in character widths: a Chinese character is as wide as two
    Latin ones, which is what its length in GBK says (two bytes against one), computed in C."""
    if value is None:
        return 0
    return len(str(value).encode("gbk", errors="replace"))


# A run of printable ASCII is a word, wrapped whole; other text may break between any two
# characters (Chinese has no spaces); spaces may end a line.
_RUNS = re.compile(r"([!-~]+)|([^!-~ ]+)|( +)")


def line_count(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide: words go to the
    next line whole, Chinese breaks between any two characters, a newline always starts a line."""
    usable = max(2.0, width - 1.5)  # the cell's inner margins
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        if display_width(paragraph) <= usable:
            continue  # the usual case, without the walk below
        used = 0.0
        for word, breakable, spaces in _RUNS.findall(paragraph):
            if spaces:
                used += len(spaces)  # a line may end in spaces: they never start one
            elif word:
                size = float(len(word))
                if used and used + size > usable:
                    lines, used = lines + 1, 0.0
                while size > usable:  # a word longer than the column is broken where it must
                    lines, size = lines + 1, size - usable
                used += size
            else:
                size = float(display_width(breakable))
                char = size / len(breakable)
                while used + size > usable:
                    fits = int((usable - used) / char) * char
                    lines, used, size = lines + 1, 0.0, size - fits
                used += size
    return lines


def row_height(values: Iterable[object], widths: Sequence[float]) -> float:
    """The height, in points, of a row whose tallest cell holds its text wrapped at `widths`."""
    texts = zip(values, widths, strict=False)
    lines = max((line_count(value, width) for value, width in texts if isinstance(value, str)), default=1)
    return max(1, lines) * LINE_HEIGHT + ROW_PADDING


def set_up_pages(sheet: Any, language: str, *, landscape: bool, title_rows: str | None = None) -> None:
    """A4, as many pages tall as it takes but one page wide, `title_rows` printed on every page,
    "page n of N" in the footer. `sheet` is a write-only worksheet (its stubs lack the page
    attributes it has); it must be called before the sheet's first row is written."""
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup = sheet.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # no limit: the rows run on over as many pages as they need
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top, sheet.page_margins.bottom = 0.5, 0.6
    sheet.page_margins.header, sheet.page_margins.footer = 0.3, 0.3
    sheet.print_options.horizontalCentered = True
    if title_rows is not None:
        sheet.print_title_rows = title_rows
    footer = sheet.oddFooter.center
    footer.text = raw(language, Text.digest_page_footer)
    footer.size = 9
