"""The bot's spreadsheet: the CSV or XLSX export writers, into memory, as one file's bytes."""

import io
from collections.abc import AsyncIterable

from zavhoz.adapters.reports.csv_export import write_csv
from zavhoz.adapters.reports.xlsx_export import write_xlsx
from zavhoz.application.queries.export_requests import ExportLine
from zavhoz.application.statistics import SpreadsheetFormat, SpreadsheetWriter


class InMemorySpreadsheet(SpreadsheetWriter):
    """``delimiter`` is the CSV's: ``;`` (Excel in Russian, the default) or ``,``."""

    def __init__(self, delimiter: str = ";") -> None:
        self._delimiter = delimiter

    async def write(
        self,
        lines: AsyncIterable[ExportLine],
        format: SpreadsheetFormat,
        language: str,
        *,
        by_school: bool = False,
    ) -> bytes:
        buffer = io.BytesIO()
        if format is SpreadsheetFormat.CSV:
            await write_csv(
                lines, buffer, language=language, delimiter=self._delimiter, by_school=by_school
            )
        else:
            await write_xlsx(lines, buffer, language=language, by_school=by_school)
        return buffer.getvalue()
