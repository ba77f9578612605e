"""The columns of an export, shared by the CSV and XLSX writers, and formula-injection defence.

A cell's value is one of: ``int``, ``float`` (hours), a ``datetime`` in the configured zone,
``str`` or ``None`` (empty). Every text that came from people is neutralised: a spreadsheet would
run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula, so such text gets a leading apostrophe and stays text.
"""

from datetime import datetime
from enum import Enum

import attrs

from zavhoz.adapters.reports.words import Words, words
from zavhoz.application.queries.export_requests import ExportLine

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = int | float | datetime | str | None


class Kind(Enum):
    NUMBER = "number"
    DATE = "date"
    HOURS = "hours"
    TEXT = "text"


@attrs.frozen
class Column:
    ru: str
    en: str
    kind: Kind
    width: float
    """In characters, for the XLSX writer."""

    def header(self, language: str) -> str:
        return self.en if language == "en" else self.ru


COLUMNS = (
    Column("№", "№", Kind.NUMBER, 8),
    Column("Создана", "Created", Kind.DATE, 17),
    Column("Заявитель", "Author", Kind.TEXT, 24),
    Column("Место", "Location", Kind.TEXT, 20),
    Column("Категория", "Category", Kind.TEXT, 23),
    Column("Срочность", "Urgency", Kind.TEXT, 11),
    Column("Статус", "Status", Kind.TEXT, 12),
    Column("Исполнитель", "Assignee", Kind.TEXT, 24),
    Column("Взята", "Taken", Kind.DATE, 17),
    Column("Выполнена", "Completed", Kind.DATE, 17),
    Column("Часов до взятия", "Hours to take", Kind.HOURS, 11),
    Column("Часов до выполнения", "Hours to complete", Kind.HOURS, 11),
    Column("SLA выполнен", "SLA met", Kind.TEXT, 9),
    Column("Оценка", "Rating", Kind.NUMBER, 8),
    Column("Заголовок", "Title", Kind.TEXT, 40),
    Column("Описание", "Description", Kind.TEXT, 60),
    Column("Отчёт о выполнении", "Completion report", Kind.TEXT, 40),
    Column("Причина отклонения или отмены", "Reason for rejection or cancellation", Kind.TEXT, 30),
)

SCHOOL = Column("Школа", "School", Kind.TEXT, 24)
BY_SCHOOL = (COLUMNS[0], SCHOOL, *COLUMNS[1:])
"""The columns when the requests come from several organizations: each line names its school."""


def columns(by_school: bool) -> tuple[Column, ...]:
    return BY_SCHOOL if by_school else COLUMNS


def positions(kind: Kind, by_school: bool) -> tuple[int, ...]:
    """Where the columns of ``kind`` are."""
    return tuple(i for i, column in enumerate(columns(by_school)) if column.kind is kind)


def headers(language: str, by_school: bool = False) -> list[str]:
    return [column.header(language) for column in columns(by_school)]


def neutralise(text: str) -> str:
    """``=cmd`` becomes ``'=cmd``: shown as typed, never run."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Cells:
    """Turns export lines into rows of cells in one language."""

    def __init__(self, language: str, by_school: bool = False) -> None:
        self._words: Words = words(language)
        self._by_school = by_school

    def row(self, line: ExportLine) -> list[Cell]:
        cells = self._cells(line)
        if self._by_school:
            cells.insert(1, neutralise(line.request.organization))
        return cells

    def _cells(self, line: ExportLine) -> list[Cell]:
        request, said = line.request, self._words
        met = line.sla_met
        return [
            request.number,
            line.created_at,
            neutralise(request.author),
            neutralise(request.location),
            said.category[request.category],
            said.priority[request.priority],
            said.status[request.status],
            neutralise(request.assignee) if request.assignee is not None else None,
            line.taken_at,
            line.completed_at,
            line.hours_to_take,
            line.hours_to_complete,
            None if met is None else said.yes if met else said.no,
            request.rating,
            neutralise(request.title),
            neutralise(request.description),
            _text(line.report),
            _text(line.reason),
        ]


def _text(text: str | None) -> str | None:
    return None if text is None else neutralise(text)
