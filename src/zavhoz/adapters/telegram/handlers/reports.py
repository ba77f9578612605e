"""«📊 Статистика» and «📤 Экспорт» (admins): a period, then a chart or a spreadsheet.

Statistics: period buttons (7 / 30 / 90 days) → the chart as a photo with the figures in its
caption; figures that do not fit the caption's 1024 characters follow as messages. Export: period,
then format (XLSX, CSV) → the file as a document named ``zavhoz-<today>.<format>``.

Who may see them is the core's decision (``GetStatistics.authorize``, ``ExportRequests``): both
refuse anyone but an active admin, and the refusal becomes a reply or an alert by itself.
Dependencies come as handler data ``reports: ReportServices`` (see reports_services.py).
"""

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from zavhoz.adapters.telegram.callbacks import Button
from zavhoz.adapters.telegram.handlers._screen import chat_of, display_zone, replace
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.menu_filter import MenuButton
from zavhoz.adapters.telegram.reports_services import ReportServices
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.fit import MAX_CAPTION, MAX_TEXT, visible_length
from zavhoz.application.export import ExportQuery
from zavhoz.application.queries.export_requests import ExportLine
from zavhoz.application.statistics import PRESET_DAYS, Period, SpreadsheetFormat, Statistics
from zavhoz.domain.users import User

FORMATS = tuple(f.value for f in SpreadsheetFormat)
_HOUR = timedelta(hours=1)


class StatsCb(Button, prefix="st"):
    """Show the statistics of the last ``days`` days."""

    days: int


class ExportCb(Button, prefix="ex"):
    """Export the last ``days`` days; ``fmt`` is ``""`` until the format is chosen."""

    days: int
    fmt: str = ""


# --- statistics ---------------------------------------------------------------------------


async def stats_menu(message: Message, user: User, t: Texts, reports: ReportServices) -> None:
    await reports.get_statistics.authorize(user.id)
    await message.answer(t("reports.stats.choose"), reply_markup=_stats_periods(t))


async def show_stats(
    query: CallbackQuery,
    callback_data: StatsCb,
    user: User,
    t: Texts,
    reports: ReportServices,
    bot: Bot,
) -> None:
    period = reports.get_statistics.last_days(callback_data.days)
    statistics = await reports.get_statistics(user.id, period)
    chat = chat_of(query)
    await bot.send_chat_action(chat, ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(reports.charts.render, statistics, t.language)
    caption, more = stats_messages(statistics, t)
    photo = BufferedInputFile(png, filename=f"zavhoz-stats-{period.last:%Y-%m-%d}.png")
    await bot.send_photo(chat, photo, caption=caption, reply_markup=_stats_periods(t))
    for text in more:
        await bot.send_message(chat, text)


def stats_messages(statistics: Statistics, t: Texts) -> tuple[str, list[str]]:
    """The caption, and the messages that follow it when the figures outgrow a caption."""
    summary = "\n".join(_summary(statistics, t))
    blocks = _rankings(statistics, t)
    whole = "\n\n".join([summary, *("\n".join(block) for block in blocks)])
    if visible_length(whole) <= MAX_CAPTION:
        return whole, []
    lines = [line for block in blocks for line in ["", *block]][1:]
    return summary, _pages(lines, MAX_TEXT)


def _summary(s: Statistics, t: Texts) -> list[str]:
    lines = [
        t("reports.stats.title", period=Html(period_text(s.period, t))),
        t("reports.stats.created", created=s.created, completed=s.completed),
        t("reports.stats.closed", rejected=s.rejected, cancelled=s.cancelled),
        t("reports.stats.open_now", open=s.open_now, overdue=s.overdue_now),
        t(
            "reports.stats.take",
            average=hours(s.take_average, t),
            median=hours(s.take_median, t),
        ),
        t(
            "reports.stats.complete",
            average=hours(s.complete_average, t),
            median=hours(s.complete_median, t),
        ),
        t("reports.stats.working_hours"),
    ]
    percent = s.sla_met_percent
    if percent is None:
        lines.append(t("reports.stats.sla_none"))
    else:
        lines.append(
            t(
                "reports.stats.sla",
                percent=decimal(percent, t),
                met=s.sla_met,
                completed=s.completed,
            )
        )
    if s.average_rating is None:
        lines.append(t("reports.stats.rating_none"))
    else:
        ratings = t("reports.stats.ratings", n=s.rated)
        lines.append(
            t("reports.stats.rating", average=decimal(s.average_rating, t), ratings=Html(ratings))
        )
    return lines


def _rankings(s: Statistics, t: Texts) -> list[list[str]]:
    def ranked(place: int, name: str, count: int) -> str:
        return t("reports.stats.ranked", place=place, name=name, count=count)

    blocks = []
    if s.top_locations:
        blocks.append(
            [
                t("reports.stats.top_locations"),
                *(ranked(i, x.location, x.count) for i, x in enumerate(s.top_locations, 1)),
            ]
        )
    if s.top_categories:
        blocks.append(
            [
                t("reports.stats.top_categories"),
                *(
                    ranked(i, words.category(t, x.category), x.count)
                    for i, x in enumerate(s.top_categories, 1)
                ),
            ]
        )
    if s.executors:
        blocks.append(
            [
                t("reports.stats.executors"),
                *(
                    t(
                        "reports.stats.executor",
                        name=e.name or str(e.user_id),
                        taken=e.taken,
                        completed=e.completed,
                        median=hours(e.complete_median, t),
                    )
                    for e in s.executors
                ),
            ]
        )
    return blocks


def _pages(lines: list[str], limit: int) -> list[str]:
    """Whole lines, as many as fit a message each; never a line cut."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        cost = visible_length(line) + 1
        if pages[-1] and size + cost > limit:
            pages.append([])
            size = 0
        if pages[-1] or line:
            pages[-1].append(line)
            size += cost
    return ["\n".join(page).strip("\n") for page in pages if any(page)]


def _stats_periods(t: Texts) -> InlineKeyboardMarkup:
    return _periods(t, lambda days: StatsCb(days=days))


# --- export -------------------------------------------------------------------------------


async def export_menu(message: Message, user: User, t: Texts, reports: ReportServices) -> None:
    await reports.get_statistics.authorize(user.id)
    markup = _periods(t, lambda days: ExportCb(days=days))
    await message.answer(t("reports.export.choose_period"), reply_markup=markup)


async def export_formats(
    query: CallbackQuery,
    callback_data: ExportCb,
    user: User,
    t: Texts,
    reports: ReportServices,
    bot: Bot,
) -> None:
    await reports.get_statistics.authorize(user.id)
    period = reports.get_statistics.last_days(callback_data.days)
    buttons = [
        InlineKeyboardButton(
            text=t(f"reports.export.{fmt}"),
            callback_data=ExportCb(days=callback_data.days, fmt=fmt).pack(),
        )
        for fmt in FORMATS
    ]
    text = t("reports.export.choose_format", period=Html(period_text(period, t)))
    await replace(query, bot, text, InlineKeyboardMarkup(inline_keyboard=[buttons]))


async def export_file(
    query: CallbackQuery,
    callback_data: ExportCb,
    user: User,
    t: Texts,
    reports: ReportServices,
    services: Services,
    bot: Bot,
) -> None:
    period = reports.get_statistics.last_days(callback_data.days)
    since, until = period.bounds(display_zone(services))
    lines = await reports.export(user.id, ExportQuery(since=since, until=until))
    chat = chat_of(query)
    await bot.send_chat_action(chat, ChatAction.UPLOAD_DOCUMENT)
    counted = _Counted(lines)
    data = await reports.spreadsheet.write(
        counted, SpreadsheetFormat(callback_data.fmt), t.language, by_school=lines.by_school
    )
    name = f"zavhoz-{period.last:%Y-%m-%d}.{callback_data.fmt}"
    caption = t(
        "reports.export.caption",
        period=Html(period_text(period, t)),
        rows=Html(t("requests_count", n=counted.count)),
    )
    await bot.send_document(chat, BufferedInputFile(data, filename=name), caption=caption)


class _Counted:
    """The lines as they stream past, counted (for the caption)."""

    def __init__(self, lines: AsyncIterable[ExportLine]) -> None:
        self._lines = lines
        self.count = 0

    async def __aiter__(self) -> AsyncIterator[ExportLine]:
        async for line in self._lines:
            self.count += 1
            yield line


# --- words --------------------------------------------------------------------------------


def period_text(period: Period, t: Texts) -> str:
    return t(
        "reports.period",
        days=t("reports.days", n=period.length),
        first=f"{period.first:%d.%m.%Y}",
        last=f"{period.last:%d.%m.%Y}",
    )


def decimal(value: float, t: Texts) -> str:
    """One decimal at most, with the language's decimal mark: «18,8», «75», «3,7»."""
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", t("reports.decimal"))


def hours(span: timedelta | None, t: Texts) -> str:
    """Working time: «18,8 ч» from an hour on, whole minutes below it, «—» when there is none."""
    if span is None:
        return t("reports.none")
    if span < _HOUR:
        return t("minutes_short", n=int(span.total_seconds() // 60))
    return t("reports.hours", value=decimal(span / _HOUR, t))


def _periods(t: Texts, data: Callable[[int], Button]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=t("reports.days", n=days), callback_data=data(days).pack())
        for days in PRESET_DAYS
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


def router() -> Router:
    routes = Router(name="reports")
    routes.message.register(stats_menu, MenuButton("stats"))
    routes.message.register(export_menu, MenuButton("export"))
    routes.callback_query.register(show_stats, StatsCb.filter(F.days.in_(PRESET_DAYS)))
    routes.callback_query.register(
        export_formats, ExportCb.filter(F.days.in_(PRESET_DAYS) & (F.fmt == ""))
    )
    routes.callback_query.register(
        export_file, ExportCb.filter(F.days.in_(PRESET_DAYS) & F.fmt.in_(FORMATS))
    )
    return routes
