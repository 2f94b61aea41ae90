"""Every xlsx the system writes prints well (pure xlsxwriter calls on a worksheet): A4, portrait or landscape by
the table's width, one page wide and as many long as needed, the header row on every page, the title in the
page header and "page n of m" in the footer, the print area the table's columns down to its last row (text
running past the last column is not printed wider), the panes frozen below the header row. The page texts are
translated in the request's (or job's) language, like the cells.

Orientation: Excel draws a column of w characters (default font, Calibri 11) 7·w + 5 pixels wide; A4 portrait
less 0.4" side margins prints 717 pixels (96 dpi). A table stays portrait while it fits there at 90 % scale or
more (at most 797 pixels: about 105 characters over ten columns), and turns landscape when wider: the 11-column
pupil roster (136 characters) prints landscape, the notice (74) and the payment register (106 over 9) portrait.
"""
import re

from flask_babel import gettext

A4 = 9  # xlsxwriter's paper code for A4
SIDE_MARGIN = 0.4  # inches, left and right
CHAR_PX, COLUMN_PAD_PX = 7, 5  # a column of w characters is 7·w + 5 pixels at Excel's default font
PORTRAIT_PX = round((8.27 - 2 * SIDE_MARGIN) * 96)  # A4's 8.27" less the side margins, at 96 dpi
MIN_PORTRAIT_SCALE = 0.9  # a wider table would shrink below this in portrait: it prints landscape
HEADER_LIMIT = 255  # Excel keeps at most 255 characters of a page header


def table_px(widths) -> int:
    """The table's width in pixels, its columns' widths given in characters."""
    return sum(int(width * CHAR_PX + COLUMN_PAD_PX) for width in widths)


def is_landscape(widths) -> bool:
    """Whether a table of these column widths (characters) prints landscape (wider than portrait at 90 %)."""
    return table_px(widths) * MIN_PORTRAIT_SCALE > PORTRAIT_PX


def header_text(title: str) -> str:
    """The page header: the title centred in bold, `&` doubled (Excel's header codes start with `&`)."""
    text = " ".join(title.split())[:HEADER_LIMIT // 2].replace("&", "&&")
    return '&C&"-,Bold"' + re.sub(r"&&(?=G|\[)", "&&\u200b", text)  # no `&G` left for xlsxwriter to take for a picture


def footer_text() -> str:
    """The page footer: "page n of m" centred, in the current language."""
    return "&C" + gettext("Page &P of &N")


def set_up_for_print(sheet, widths, *, header_row: int | None, title: str, last_row: int | None = None,
                     freeze: bool = True) -> None:
    """Print set-up of `sheet` holding a table of `widths` (characters) whose column headers are on
    `header_row` (0-based; repeated on every page and the panes frozen below it; None: no header row) and
    whose last row is `last_row` (0-based; a streaming sheet gives it at the end: print_rows)."""
    sheet.set_paper(A4)
    if is_landscape(widths):
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages long as needed
    if last_row is not None:
        print_rows(sheet, widths, last_row)
    sheet.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=0.7, bottom=0.7)
    sheet.set_header(header_text(title), {"margin": 0.3})
    sheet.set_footer(footer_text(), {"margin": 0.3})
    sheet.center_horizontally()
    if header_row is not None:
        sheet.repeat_rows(header_row)  # the header row on every printed page
        if freeze:
            sheet.freeze_panes(header_row + 1, 0)


def print_rows(sheet, widths, last_row: int) -> None:
    """The print area: the table's columns from the top down to `last_row` (0-based)."""
    sheet.print_area(0, 0, max(last_row, 0), max(len(widths) - 1, 0))


def text_lines(text: str, widths) -> int:
    """How many lines `text` takes wrapped across the table (a Chinese character is two characters wide)."""
    room = max(sum(widths), 1)
    size = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-size // room))


def across(sheet, row: int, text: str, widths, cell_format=None, *, line_height: float = 15) -> None:
    """`text` in one cell spanning the table's columns, the row made tall enough for it wrapped (give a
    `cell_format` with text_wrap), so that a long title or sentence prints inside the page instead of running
    off its right edge."""
    last_col = len(widths) - 1
    if last_col < 1:
        sheet.write_string(row, 0, text, cell_format)
    else:
        sheet.merge_range(row, 0, row, last_col, text, cell_format)
    lines = text_lines(text, widths)
    if lines > 1:
        sheet.set_row(row, line_height * lines)
