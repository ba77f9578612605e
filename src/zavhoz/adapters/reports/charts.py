"""The statistics chart: created vs completed per day, and the status mix, as one PNG.

matplotlib's object API drawn on the Agg canvas (the Agg backend, set per figure: no pyplot, no
global backend or figure state). The font is set with ``rc_context``, which changes matplotlib's
global settings for the moment, so one chart is drawn at a time (a lock): the bot draws them in
worker threads. Labels use DejaVu Sans, which matplotlib ships and which has Cyrillic. The
chart's few words live here: adapters do not share locale files (status names as in words.py).
"""

import io
import threading
from collections.abc import Mapping

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from zavhoz.application.statistics import ChartRenderer, Statistics
from zavhoz.domain.catalog import Status

FONT = "DejaVu Sans"
WIDTH, HEIGHT, DPI = 11.0, 5.0, 100
"""1100 × 500 pixels: readable in a Telegram photo on a phone, a few dozen kilobytes."""
MAX_TICKS = 12
CREATED_COLOUR, COMPLETED_COLOUR = "#4C78A8", "#54A24B"
STATUS_COLOURS = {
    Status.OPEN: "#4C78A8",
    Status.IN_PROGRESS: "#F58518",
    Status.ON_HOLD: "#B279A2",
    Status.COMPLETED: "#54A24B",
    Status.REJECTED: "#E45756",
    Status.CANCELLED: "#9D9D9D",
}

WORDS: Mapping[str, Mapping[str, str]] = {
    "ru": {
        "title": "Заявки с {first} по {last}",
        "per_day": "Создано и выполнено по дням",
        "created": "Создано",
        "completed": "Выполнено",
        "mix": "Статусы заявок, созданных за период",
        "none": "Заявок не было",
    },
    "en": {
        "title": "Requests from {first} to {last}",
        "per_day": "Created and completed per day",
        "created": "Created",
        "completed": "Completed",
        "mix": "Status of the requests created in the period",
        "none": "No requests",
    },
}


STATUS_WORDS: Mapping[str, Mapping[Status, str]] = {
    "ru": {
        Status.OPEN: "Новая",
        Status.IN_PROGRESS: "В работе",
        Status.ON_HOLD: "Ожидание",
        Status.COMPLETED: "Выполнена",
        Status.REJECTED: "Отклонена",
        Status.CANCELLED: "Отменена",
    },
    "en": {
        Status.OPEN: "New",
        Status.IN_PROGRESS: "In progress",
        Status.ON_HOLD: "On hold",
        Status.COMPLETED: "Done",
        Status.REJECTED: "Rejected",
        Status.CANCELLED: "Cancelled",
    },
}
"""Kept apart from ``WORDS``: a ``StrEnum`` key equals its value («completed»)."""


_DRAWING = threading.Lock()


class MatplotlibCharts(ChartRenderer):
    def render(self, statistics: Statistics, language: str) -> bytes:
        language = language if language in WORDS else "ru"
        words = WORDS[language]
        with _DRAWING, matplotlib.rc_context({"font.family": FONT, "font.size": 10}):
            figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
            FigureCanvasAgg(figure)
            per_day, mix = figure.subplots(1, 2, width_ratios=[2.2, 1])
            first, last = statistics.period.first, statistics.period.last
            figure.suptitle(
                words["title"].format(first=f"{first:%d.%m.%Y}", last=f"{last:%d.%m.%Y}"),
                fontsize=13,
            )
            _per_day(per_day, statistics, words)
            _mix(mix, statistics, words, STATUS_WORDS[language])
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


def _per_day(axes: Axes, statistics: Statistics, words: Mapping[str, str]) -> None:
    days = statistics.days
    positions = list(range(len(days)))
    width = 0.4
    axes.bar(
        [p - width / 2 for p in positions],
        [d.created for d in days],
        width,
        label=words["created"],
        color=CREATED_COLOUR,
    )
    axes.bar(
        [p + width / 2 for p in positions],
        [d.completed for d in days],
        width,
        label=words["completed"],
        color=COMPLETED_COLOUR,
    )
    step = max(1, -(-len(days) // MAX_TICKS))
    axes.set_xticks(positions[::step], [f"{d.day:%d.%m}" for d in days[::step]])
    axes.tick_params(axis="x", labelrotation=45 if len(days) > 7 else 0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    highest = max((max(d.created, d.completed) for d in days), default=0)
    axes.set_ylim(0, max(1, highest) * 1.3)  # room above the bars for the legend
    axes.set_xlim(-0.5, len(days) - 0.5)
    axes.set_title(words["per_day"])
    axes.legend(loc="upper left", ncols=2)
    axes.grid(axis="y", alpha=0.3)


def _mix(
    axes: Axes, statistics: Statistics, words: Mapping[str, str], statuses: Mapping[Status, str]
) -> None:
    axes.set_title(words["mix"], wrap=True)
    shown = [m for m in statistics.status_mix if m.count]
    if not shown:
        axes.text(0.5, 0.5, words["none"], ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    labels = [statuses[m.status] for m in reversed(shown)]
    counts = [m.count for m in reversed(shown)]
    bars = axes.barh(labels, counts, color=[STATUS_COLOURS[m.status] for m in reversed(shown)])
    axes.bar_label(bars, padding=3)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(counts) * 1.2)
    axes.grid(axis="x", alpha=0.3)
