"""«📊 Статистика» and «📤 Экспорт»: the chart as a photo with the figures, the file as a document.

The known week of tests/integration/reports/statistics_data.py is made through the real use cases
on the world's in-memory core; the admin asks on Sunday evening, so «7 дней» is exactly that week.
"""

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import attrs
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import SendDocument, SendPhoto
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook

from tests.integration.reports.statistics_data import (
    EXPECTED_WEEK,
    OLGA,
    PETR,
    STAFF,
    build_week,
    msk,
)
from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.export import MemoryExportSource
from zavhoz.adapters.persistence.memory.statistics import MemoryStatisticsSource
from zavhoz.adapters.reports.charts import MatplotlibCharts
from zavhoz.adapters.reports.spreadsheet import InMemorySpreadsheet
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.handlers.reports import ExportCb, StatsCb, stats_messages
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.reports_services import ReportServices
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.adapters.telegram.views.fit import visible_length
from zavhoz.application.queries.export_requests import ExportRequests
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.statistics import PerExecutor
from zavhoz.domain.ids import UserId

STATS, EXPORT = "📊 Статистика", "📤 Экспорт"
ADMINS_ONLY = "Это может только администратор."
SUNDAY_EVENING = msk(18, 20)

WEEK_CAPTION = """📊 <b>Статистика за 7 дней (12.01.2026 – 18.01.2026)</b>
Создано: <b>8</b> · выполнено: <b>4</b>
Отклонено: 1 · отменено: 1
Сейчас не закрыто: 4 · из них просрочено: 1
⏱ До взятия в работу: в среднем 2 ч, медиана 1 ч
🏁 До выполнения: в среднем 18,8 ч, медиана 19 ч
<i>Время — в рабочих часах.</i>
✅ В срок (SLA): 75% — 3 из 4
⭐ Средняя оценка: 3,7 (3 оценки)

<b>📍 Чаще всего — места</b>
1. каб. 305 — 3
2. Столовая — 2
3. Спортзал — 2
4. Каб. 101 — 1

<b>🗂 Категории</b>
1. ⚡ Электрика — 2
2. 🚰 Сантехника — 2
3. 🧹 Уборка — 1
4. 🌡 Отопление и вентиляция — 1
5. 🪑 Мебель — 1
6. 💻 Техника и IT — 1

<b>👷 Исполнители</b> (взято / выполнено / медиана до выполнения)
Ольга: 2 / 2 / 30,5 ч
Пётр: 2 / 2 / 7 ч"""


@pytest.fixture
def reports(db: MemoryDatabase, clock: FakeClock, workflow: WorkflowSettings) -> ReportServices:
    uow_factory = memory_uow_factory(db)
    return ReportServices(
        get_statistics=GetStatistics(uow_factory, clock, workflow, MemoryStatisticsSource(db)),
        charts=MatplotlibCharts(),
        export=ExportRequests(uow_factory, MemoryExportSource(db), workflow),
        spreadsheet=InMemorySpreadsheet(),
    )


@pytest.fixture
async def world(services: Services, reports: ReportServices) -> AsyncIterator[World]:
    """The conftest's world, but with the report screens: the dispatcher is given ReportServices."""
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    throttling = Throttle(rate=1000, burst=1000)
    world = World(build_dispatcher(services, throttling=throttling, reports=reports), bot, session)
    yield world
    world.check_rules()


@pytest.fixture
async def week(db: MemoryDatabase, clock: FakeClock) -> None:
    await build_week(memory_uow_factory(db), clock)
    clock.set(SUNDAY_EVENING)


async def _person(world: World, user_id: int, name: str, language: str = "ru") -> Person:
    person = world.person(user_id, name, language=language)
    await person.send("/start")
    return person


def _sent(world: World, kind: type) -> list[Any]:
    return [call for call in world.session.calls if isinstance(call, kind)]


def _file(call: SendPhoto | SendDocument) -> BufferedInputFile:
    media = call.photo if isinstance(call, SendPhoto) else call.document
    assert isinstance(media, BufferedInputFile)
    return media


# --- statistics ---------------------------------------------------------------------------


@pytest.mark.usefixtures("week")
async def test_the_week_as_a_chart_with_every_figure_in_the_caption(world: World) -> None:
    boss = await _person(world, ADMIN_ID, "Завхоз")

    await boss.send(STATS)
    assert boss.last.text == "📊 <b>Статистика</b>\nЗа какой период показать?"
    assert boss.buttons() == ["7 дней", "30 дней", "90 дней"]

    await boss.press("7 дней")

    photo = boss.last
    assert photo.photos == 1
    assert photo.text == WEEK_CAPTION
    assert boss.buttons() == ["7 дней", "30 дней", "90 дней"]  # another period, one tap away
    [call] = _sent(world, SendPhoto)
    picture = _file(call)
    assert picture.filename == "zavhoz-stats-2026-01-18.png"
    assert picture.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert picture.data == MatplotlibCharts().render(
        attrs.evolve(EXPECTED_WEEK, generated_at=SUNDAY_EVENING), "ru"
    )


@pytest.mark.usefixtures("week")
async def test_english_figures_for_an_english_admin(world: World) -> None:
    boss = await _person(world, ADMIN_ID, "Boss", language="en")

    await boss.send("📊 Statistics")
    assert boss.buttons() == ["7 days", "30 days", "90 days"]
    await boss.press("30 days")

    lines = boss.last.text.splitlines()
    assert lines[0] == "📊 <b>Statistics for 30 days (20.12.2025 – 18.01.2026)</b>"
    assert "Created: <b>9</b> · completed: <b>4</b>" in lines  # A (9 January) too
    assert "⏱ Until taken: average 1.8 h, median 1 h" in lines
    assert "🏁 Until completed: average 18.8 h, median 19 h" in lines
    assert "⭐ Average rating: 3.7 (3 ratings)" in lines
    assert "Ольга: 2 / 2 / 30.5 h" in lines


async def test_no_requests_yet_still_shows_a_chart(world: World) -> None:
    boss = await _person(world, ADMIN_ID, "Завхоз")

    await boss.send(STATS)
    await boss.press("90 дней")

    assert boss.last.photos == 1
    text = boss.last.text
    assert "Создано: <b>0</b> · выполнено: <b>0</b>" in text
    assert "в среднем —, медиана —" in text
    assert "✅ В срок (SLA): нет выполненных заявок" in text
    assert "⭐ Оценок пока нет" in text
    assert "Чаще всего" not in text


@pytest.mark.usefixtures("week")
@pytest.mark.parametrize(("who", "name"), [(STAFF, "Анна"), (PETR, "Пётр")])
async def test_others_are_refused_by_the_core(world: World, who: int, name: str) -> None:
    person = await _person(world, who, name)

    await person.send(STATS)
    assert person.last.text == ADMINS_ONLY
    alert = await person.press_data(StatsCb(days=7).pack())

    assert alert == ADMINS_ONLY
    assert _sent(world, SendPhoto) == []


@pytest.mark.usefixtures("week")
async def test_a_forged_period_is_a_stale_button(world: World) -> None:
    boss = await _person(world, ADMIN_ID, "Завхоз")

    alert = await boss.press_data(StatsCb(days=100000).pack())

    assert alert == "Кнопка устарела."
    assert _sent(world, SendPhoto) == []


def test_figures_that_outgrow_a_caption_follow_whole_in_messages() -> None:
    t = Translator().for_language("ru")
    crowd = tuple(
        PerExecutor(
            user_id=UserId(1000 + n),
            name=f"Исполнитель <{n:03d}> " + "с очень длинным именем " * 2,
            taken=n,
            completed=n,
            complete_median=timedelta(hours=n, minutes=30),
        )
        for n in range(120)
    )

    caption, more = stats_messages(attrs.evolve(EXPECTED_WEEK, executors=crowd), t)

    assert visible_length(caption) <= 1024
    assert caption.startswith("📊 <b>Статистика за 7 дней")
    assert "⭐ Средняя оценка: 3,7 (3 оценки)" in caption
    assert len(more) > 1
    assert all(visible_length(page) <= 4096 for page in more)
    everything = "\n".join(more)
    for n in range(120):
        assert everything.count(f"Исполнитель &lt;{n:03d}&gt; ") == 1
    assert more[0].startswith("<b>📍 Чаще всего — места</b>")


@pytest.mark.parametrize(
    ("language", "n", "days"),
    [
        ("ru", 1, "1 день"),
        ("ru", 3, "3 дня"),
        ("ru", 7, "7 дней"),
        ("ru", 21, "21 день"),
        ("en", 1, "1 day"),
        ("en", 7, "7 days"),
    ],
)
def test_periods_in_words(language: str, n: int, days: str) -> None:
    assert Translator().for_language(language)("reports.days", n=n) == days


# --- export -------------------------------------------------------------------------------


@pytest.mark.usefixtures("week")
async def test_the_week_as_an_xlsx_document(world: World) -> None:
    boss = await _person(world, ADMIN_ID, "Завхоз")

    await boss.send(EXPORT)
    assert boss.buttons() == ["7 дней", "30 дней", "90 дней"]
    await boss.press("7 дней")
    assert boss.last.text == (
        "📤 <b>Экспорт заявок за 7 дней (12.01.2026 – 18.01.2026)</b>\nВ каком формате?"
    )
    assert boss.buttons() == ["📗 XLSX (Excel)", "📄 CSV"]
    await boss.press("XLSX")

    assert boss.last.document == "SendDocument"
    assert boss.last.text == ("📤 Заявки, созданные за 7 дней (12.01.2026 – 18.01.2026): 8 заявок")
    [call] = _sent(world, SendDocument)
    document = _file(call)
    assert document.filename == "zavhoz-2026-01-18.xlsx"
    sheet = load_workbook(io.BytesIO(document.data), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("№", "Создана", "Заявитель")
    assert [row[0] for row in rows[1:]] == [2, 3, 4, 5, 6, 7, 8, 9]  # created in the week
    assert rows[1][3] == "Каб. 101"
    assert rows[0][-2:] == ("Отчёт о выполнении", "Причина отклонения или отмены")
    said = {row[6]: (*row, None, None)[16:18] for row in rows[1:]}
    assert said["Выполнена"] == ("Сделано", None)
    assert said["Отклонена"] == (None, "Не наша зона")
    assert said["Отменена"] == (None, "Сами")
    assert said["В работе"] == said["Новая"] == (None, None)


@pytest.mark.usefixtures("week")
async def test_csv_for_an_english_admin(world: World) -> None:
    boss = await _person(world, ADMIN_ID, "Boss", language="en")

    await boss.send("📤 Export")
    await boss.press("7 days")
    await boss.press("CSV")

    assert boss.last.text == "📤 Requests created in 7 days (12.01.2026 – 18.01.2026): 8 requests"
    [call] = _sent(world, SendDocument)
    document = _file(call)
    assert document.filename == "zavhoz-2026-01-18.csv"
    assert document.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["№", "Created", "Author"]
    assert [row[0] for row in table[1:]] == ["2", "3", "4", "5", "6", "7", "8", "9"]
    assert table[0][-2:] == ["Completion report", "Reason for rejection or cancellation"]
    said = {row[6]: row[16:18] for row in table[1:]}
    assert said["Done"] == ["Сделано", ""]
    assert said["Rejected"] == ["", "Не наша зона"]
    assert said["Cancelled"] == ["", "Сами"]
    assert said["In progress"] == ["", ""]


@pytest.mark.usefixtures("week")
@pytest.mark.parametrize("who", [STAFF, OLGA])
async def test_export_is_refused_to_others(world: World, who: int) -> None:
    person = await _person(world, who, "Кто-то")

    await person.send(EXPORT)
    assert person.last.text == ADMINS_ONLY
    for data in (ExportCb(days=7), ExportCb(days=7, fmt="xlsx"), ExportCb(days=90, fmt="csv")):
        assert await person.press_data(data.pack()) == ADMINS_ONLY

    assert _sent(world, SendDocument) == []
