"""CSV export: UTF-8 with a byte-order mark (so Excel reads Cyrillic), written row by row.

``;`` is the default delimiter: Excel in a Russian locale splits on it and reads ``1,5`` as a
number, so with ``;`` hours use a decimal comma; with ``,`` they use a decimal point. Dates are
``26.11.2025 14:05`` in Russian and ``2025-11-26 14:05`` in English, both read by Excel as dates.
"""

import codecs
import csv
import io
from collections.abc import AsyncIterable, Callable
from datetime import datetime
from typing import BinaryIO

from zavhoz.adapters.reports.columns import Cells, Kind, headers, positions
from zavhoz.application.queries.export_requests import ExportLine

DELIMITERS = (";", ",")


def _ru_date(moment: datetime) -> str:
    return "%02d.%02d.%04d %02d:%02d" % (  # noqa: UP031 (twice as fast as strftime or f-strings)
        moment.day,
        moment.month,
        moment.year,
        moment.hour,
        moment.minute,
    )


def _en_date(moment: datetime) -> str:
    return "%04d-%02d-%02d %02d:%02d" % (  # noqa: UP031
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
    )


DATE_TEXT: dict[str, Callable[[datetime], str]] = {"ru": _ru_date, "en": _en_date}


async def write_csv(
    lines: AsyncIterable[ExportLine],
    out: BinaryIO,
    *,
    language: str = "ru",
    delimiter: str = ";",
    by_school: bool = False,
) -> int:
    """Write a header and one row per line to ``out``; the number of rows written.
    ``by_school``: with a column naming each line's school (lines of several organizations)."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS}, not {delimiter!r}")
    date_text = DATE_TEXT.get(language, _ru_date)
    comma = delimiter == ";"
    cells = Cells(language, by_school)
    dates, hours_at = positions(Kind.DATE, by_school), positions(Kind.HOURS, by_school)
    out.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(headers(language, by_school))
        count = 0
        async for line in lines:
            row = cells.row(line)
            for i in dates:
                moment = row[i]
                if isinstance(moment, datetime):
                    row[i] = date_text(moment)
            for i in hours_at:
                hours = row[i]
                if isinstance(hours, float):
                    number = f"{hours:.1f}"
                    row[i] = number.replace(".", ",") if comma else number
            writer.writerow(row)  # None is written as an empty cell
            count += 1
        text.flush()
    finally:
        text.detach()
    return count
