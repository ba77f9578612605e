"""XLSX export with openpyxl's write-only workbook: rows go to a temporary file as they come,
so memory stays flat however many there are.

The header row is bold and frozen, with a filter; columns have widths; dates are real Excel dates
(the wall-clock time of the configured zone) and numbers are numbers.
"""

import contextlib
import os
from collections.abc import AsyncIterable
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zavhoz.adapters.reports.columns import Cells, Column, Kind, columns
from zavhoz.application.queries.export_requests import ExportLine

EXCEL_DATE_FORMATS = {"ru": "DD.MM.YYYY HH:MM", "en": "YYYY-MM-DD HH:MM"}
HOURS_FORMAT = "0.0"
MAX_ROWS = 1_048_576
"""Excel's limit, the header included."""
SHEET_TITLES = {"ru": "Заявки", "en": "Requests"}


class TooManyRows(Exception):
    """More requests than one Excel sheet holds: narrow the period or export CSV."""


async def write_xlsx(
    lines: AsyncIterable[ExportLine],
    out: BinaryIO | Path | str,
    *,
    language: str = "ru",
    by_school: bool = False,
) -> int:
    """Write a workbook with one sheet to ``out``; the number of request rows written.
    ``by_school``: with a column naming each line's school (lines of several organizations)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLES.get(language, SHEET_TITLES["ru"]))
    shown = columns(by_school)
    for index, column in enumerate(shown, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, column.header(language)) for column in shown])
    styled = _styled_cells(sheet, language, shown)
    cells = Cells(language, by_school)
    count = 0
    try:
        async for line in lines:
            if count + 2 > MAX_ROWS:
                raise TooManyRows(count)
            sheet.append([_cell(value, styled[i]) for i, value in enumerate(cells.row(line))])
            count += 1
    except BaseException:
        _discard(sheet)
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(shown))}{count + 1}"
    workbook.save(out)
    return count


def _discard(sheet: Any) -> None:
    """Close a sheet that will not be saved and delete the temporary file its rows went to
    (openpyxl deletes it only when saving, or when the process exits)."""
    with contextlib.suppress(Exception):
        sheet.close()
    rows_file = getattr(getattr(sheet, "_writer", None), "out", None)
    if isinstance(rows_file, str):
        with contextlib.suppress(OSError):
            os.remove(rows_file)


def _header(sheet: Any, title: str) -> Any:
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = Font(bold=True)
    return cell


def _styled_cells(sheet: Any, language: str, shown: tuple[Column, ...]) -> list[Any]:
    """One reusable cell per date or hours column, carrying its number format."""
    formats = {
        Kind.DATE: EXCEL_DATE_FORMATS.get(language, EXCEL_DATE_FORMATS["ru"]),
        Kind.HOURS: HOURS_FORMAT,
    }
    styled: list[Any] = []
    for column in shown:
        number_format = formats.get(column.kind)
        cell = None
        if number_format is not None:
            cell = WriteOnlyCell(sheet)
            cell.number_format = number_format
        styled.append(cell)
    return styled


def _cell(value: object, styled: Any) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # Excel has no zones: the configured zone's wall clock
    if styled is not None:
        # The sheet writes each row before the next is appended, so the cell can be reused.
        styled.value = value
        return styled
    return value
