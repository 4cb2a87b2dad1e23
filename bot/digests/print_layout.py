"""How the bot's workbooks look on screen and on paper: named cell styles, row heights for wrapped
text, and the page setup a manager prints unchanged (A4, one page wide, header rows on every page,
page numbers in the footer).

    book = Book(STYLES, title=…, author="leadbot")     # bot.digests.xlsx; cells take STYLES' names
    sheet.append(values, TEXT, height=row_height(values, widths))
    set_up_pages(sheet, language, landscape=True, title_rows=2)

Spreadsheets grow a row for wrapped text when they lay it out; LibreOffice does not when it
opens a file that gives no height, and wrapped text is cut off: every row is given the height
its longest cell needs, estimated from the text's display width and the column's width.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.digests.xlsx import Sheet
from bot.i18n.keys import Text
from bot.i18n.texts import raw

DATE_FORMAT = "yyyy-mm-dd hh:mm"
PAPER_A4 = 9  # ECMA-376's paper size code
# Calibri, as a workbook's default style has it: column widths count its digits. Chinese text
# falls back to the system's Chinese font (DengXian, Noto Sans CJK).
FONT_NAME = "Calibri"
FONT_SIZE = 10
TITLE_SIZE = 13
# Points per line of 10 pt text: CJK fonts (Noto Sans CJK, DengXian) run taller than Latin ones.
LINE_HEIGHT = 14.0
ROW_PADDING = 3.0
TITLE_HEIGHT = 24.0

TITLE = "title"
HEADER = "header"
TEXT = "text"
NUMBER = "number"
DATE = "date"
LABEL = "label"  # a section's name on a figures sheet: bold, no border
NOTE = "note"  # a line of explanation: wrapped, no border

_FONT = {"font_name": FONT_NAME, "font_size": FONT_SIZE}
_BOX = {"border": 1, "border_color": "#808080"}  # thin, grey
STYLES: dict[str, dict[str, Any]] = {
    TITLE: {"font_name": FONT_NAME, "font_size": TITLE_SIZE, "bold": True, "valign": "vcenter"},
    HEADER: {
        **_FONT,
        **_BOX,
        "bold": True,
        "bg_color": "#D9E1F2",
        "pattern": 1,
        "text_wrap": True,
        "align": "center",
        "valign": "vcenter",
    },
    TEXT: {**_FONT, **_BOX, "text_wrap": True, "valign": "top"},
    NUMBER: {**_FONT, **_BOX, "align": "center", "valign": "top"},
    DATE: {**_FONT, **_BOX, "align": "center", "valign": "top", "num_format": DATE_FORMAT},
    LABEL: {"font_name": FONT_NAME, "font_size": FONT_SIZE, "bold": True, "valign": "bottom"},
    NOTE: {**_FONT, "text_wrap": True, "valign": "bottom"},
}

# Conditional formats (a rule the spreadsheet applies, not colours painted on cells): Excel's own
# "light red fill with dark red text" and its yellow counterpart.
OVERDUE = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
DUE = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}


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
    if 2 * len(text) <= usable and "\n" not in text:
        return 1  # no character is wider than two: most cells, without measuring them
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


def set_up_pages(sheet: Sheet, language: str, *, landscape: bool, title_rows: int = 0) -> None:
    """A4, as many pages tall as it takes but one page wide, the first `title_rows` rows printed on
    every page, "page n of N" in the footer."""
    ws = sheet.worksheet
    ws.set_paper(PAPER_A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one wide, no limit down: the rows run on over as many pages as they need
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_header("", {"margin": 0.3})
    ws.set_footer("&C&9" + raw(language, Text.digest_page_footer), {"margin": 0.3})
    ws.center_horizontally()
    if title_rows:
        ws.repeat_rows(0, title_rows - 1)
