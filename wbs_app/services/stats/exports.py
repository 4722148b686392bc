"""The periodic report's tables as CSV, XLSX and PDF: the same figures in each.

The web layer puts the board into words (``Table``: a title, a header and
rows of text and numbers, already in the reader's language); this module
only lays them out. A text cell that a spreadsheet would take for a formula
(``=``, ``+``, ``-``, ``@``, or a tab or carriage return first) is written
with a leading apostrophe in every format, so a unit's name typed as
``=HYPERLINK(...)`` stays text wherever the file is opened or re-saved.
PDF uses the core Helvetica font, so text is written in Latin-1 (a character
outside it becomes "?"): what the office's letters to the ministry need.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import xlsxwriter
from fpdf import FPDF, XPos, YPos

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]]
    # Drawn as bars of its second column, labelled by its first.
    chart: bool = False


@dataclass(frozen=True)
class Report:
    """A periodic report: its heading lines, then its tables."""

    title: str
    lines: list[str]
    tables: list[Table]
    footer: str = ""  # "Page {page} of {pages}" in the reader's language
    empty: str = "-"
    notes: list[str] = field(default_factory=list)


def neutral(cell: Cell) -> Cell:
    """A cell as a spreadsheet must read it: text that looks like a formula gets an apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _shown(cell: Cell, empty: str) -> str:
    if cell is None:
        return empty
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def to_csv(report: Report) -> bytes:
    """One CSV: each table after its title, a blank line between (UTF-8 with a BOM for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutral(report.title)])
    for line in report.lines:
        writer.writerow([neutral(line)])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([neutral(table.title)])
        writer.writerow([neutral(name) for name in table.header])
        for row in table.rows:
            writer.writerow(["" if cell is None else neutral(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """One workbook: a sheet for the heading, one per table (in memory: the tables are small)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    cover = book.add_worksheet(_sheet_name(report.title, set()))
    cover.write_string(0, 0, str(neutral(report.title)), bold)
    for number, line in enumerate([*report.lines, *report.notes], start=2):
        cover.write_string(number, 0, str(neutral(line)))
    taken = {cover.name}
    for table in report.tables:
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        taken.add(sheet.name)
        sheet.write_string(0, 0, str(neutral(table.title)), bold)
        for column, name in enumerate(table.header):
            sheet.write_string(2, column, str(neutral(name)), bold)
        for number, row in enumerate(table.rows, start=3):
            for column, cell in enumerate(row):
                _write(sheet, number, column, cell)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, max(len(table.header) - 1, 1), 16)
    book.close()
    return buffer.getvalue()


def _write(sheet: xlsxwriter.worksheet.Worksheet, row: int, column: int, cell: Cell) -> None:
    if cell is None:
        return
    if isinstance(cell, int | float):
        sheet.write_number(row, column, cell)
    else:
        sheet.write_string(row, column, str(neutral(cell)))


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = "".join("_" if char in "[]:*?/\\" else char for char in title)[:28].strip() or "Data"
    name, number = base, 2
    while name.lower() in {other.lower() for other in taken}:
        name, number = f"{base} {number}", number + 1
    return name


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pages(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        words = self.footer_text.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 6, _latin(words), align="C")


def to_pdf(report: Report) -> bytes:
    """An A4 report: heading, then each table (with its bars, where it has a chart)."""
    pdf = _Pages(format="A4")
    pdf.footer_text = report.footer
    pdf.set_title(_latin(report.title))
    pdf.set_creator("Lentera")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _latin(report.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for line in report.lines:
        pdf.multi_cell(0, 5, _latin(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for table in report.tables:
        _pdf_table(pdf, table, report.empty)
    if report.notes:
        pdf.ln(4)
        pdf.set_font("Helvetica", "I", 8)
        for note in report.notes:
            pdf.multi_cell(0, 4, _latin(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, table: Table, empty: str) -> None:
    pdf.ln(4)
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, _latin(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    width = pdf.epw
    first = width * (0.4 if len(table.header) > 2 else 0.6)
    others = (width - first) / max(len(table.header) - 1, 1)
    widths = [first, *[others] * (len(table.header) - 1)]
    pdf.set_font("Helvetica", "B", 8)
    _pdf_row(pdf, table.header, widths, empty)
    pdf.set_font("Helvetica", size=8)
    for row in table.rows:
        _pdf_row(pdf, row, widths, empty)
    if table.chart and table.rows:
        _pdf_bars(pdf, table.rows, width)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text``, or its longest beginning that fits ``width`` followed by "..." (binary search)."""
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle] + "...") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "..."


def _pdf_row(pdf: FPDF, row: Sequence[Cell], widths: list[float], empty: str) -> None:
    if pdf.will_page_break(5):
        pdf.add_page()
    for number, (cell, width) in enumerate(zip(row, widths, strict=False)):
        text = _fit(pdf, _latin(_shown(cell, empty)), width - 2)
        pdf.cell(width, 5, text, border=1, align="L" if number == 0 else "R")
    pdf.ln(5)


def _pdf_bars(pdf: FPDF, rows: list[list[Cell]], width: float) -> None:
    values = [row[1] if isinstance(row[1], int | float) else 0 for row in rows]
    most = max(values, default=0) or 1
    label_width, bar_room = width * 0.35, width * 0.55
    pdf.ln(2)
    for row, value in zip(rows, values, strict=True):
        if pdf.will_page_break(5):
            pdf.add_page()
        x, y = pdf.get_x(), pdf.get_y()
        pdf.cell(label_width, 4, _fit(pdf, _latin(_shown(row[0], "")), label_width - 2))
        pdf.set_fill_color(60, 90, 140)
        if value:
            pdf.rect(x + label_width, y + 0.5, bar_room * value / most, 3, style="F")
        pdf.set_xy(x + label_width + bar_room * value / most + 1, y)
        pdf.cell(15, 4, _shown(value, ""))
        pdf.ln(4)
