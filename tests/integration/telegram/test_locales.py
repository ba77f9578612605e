"""Numbers in words: every plural table in both locales, and «в течение» read in the genitive.

Russian needs ``one`` (1, 21, 101), ``few`` (2–4, 22–24) and ``many`` (0, 5–20, 25, 111);
English ``one`` and ``other``. The promise after a request is sent is checked through the real
dispatcher: «Возьмём в работу в течение 4 рабочих часов», never «4 рабочих часа».
"""

import string
from typing import Any

import pytest

from tests.integration.telegram.test_wizard import staff, walk_to
from zavhoz.adapters.telegram.i18n import PLURALS, Translator
from zavhoz.adapters.telegram.testing import World
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.ids import UserId

NUMBERS = (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)
FORMS = {"ru": {"one", "few", "many"}, "en": {"one", "other"}}
RUSSIAN_FORM = {
    0: "many",
    1: "one",
    2: "few",
    4: "few",
    5: "many",
    11: "many",
    12: "many",
    14: "many",
    21: "one",
    22: "few",
    25: "many",
    101: "one",
    111: "many",
}


def plural_keys(language: str) -> dict[str, dict[str, str]]:
    texts = Translator().for_language(language)
    messages: dict[str, Any] = texts._messages
    return {key: value for key, value in messages.items() if isinstance(value, dict)}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_russian_numbers_take_their_forms() -> None:
    assert {n: PLURALS["ru"](n) for n in NUMBERS} == RUSSIAN_FORM
    assert {n: PLURALS["en"](n) for n in NUMBERS} == {
        n: "one" if n == 1 else "other" for n in NUMBERS
    }


def test_both_locales_count_the_same_things() -> None:
    assert set(plural_keys("ru")) == set(plural_keys("en"))
    assert plural_keys("ru"), "the locales have plural tables"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_plural_table_has_every_form_and_renders_every_number(language: str) -> None:
    t = Translator().for_language(language)
    for key, table in plural_keys(language).items():
        assert set(table) == FORMS[language], key
        names = fields(next(iter(table.values())))
        assert all(fields(form) == names for form in table.values()), key
        for n in NUMBERS:
            text = t(key, n=n, **dict.fromkeys(names - {"n"}, n))
            assert str(n) in text, (key, n, text)


PHRASES = [
    ("hours", 1, "1 рабочего часа"),
    ("hours", 2, "2 рабочих часов"),
    ("hours", 4, "4 рабочих часов"),
    ("hours", 8, "8 рабочих часов"),
    ("hours", 21, "21 рабочего часа"),
    ("hours", 24, "24 рабочих часов"),
    ("hours", 111, "111 рабочих часов"),
    ("wizard.sent.hours_always", 1, "1 часа"),
    ("wizard.sent.hours_always", 4, "4 часов"),
    ("wizard.sent.hours_always", 21, "21 часа"),
    ("wizard.sent.hours_always", 168, "168 часов"),
    ("requests_count", 0, "0 заявок"),
    ("requests_count", 1, "1 заявка"),
    ("requests_count", 4, "4 заявки"),
    ("requests_count", 12, "12 заявок"),
    ("requests_count", 22, "22 заявки"),
    ("requests_count", 101, "101 заявка"),
    ("reports.days", 1, "1 день"),
    ("reports.days", 2, "2 дня"),
    ("reports.days", 11, "11 дней"),
    ("reports.days", 21, "21 день"),
    ("reports.stats.ratings", 14, "14 оценок"),
    ("reports.stats.ratings", 22, "22 оценки"),
    ("users.title.all", 1, "1 человек"),
    ("users.title.all", 3, "3 человека"),
    ("users.title.all", 25, "25 человек"),
    ("card.more_comments", 21, "Всего 21 комментарий"),
    ("card.more_comments", 5, "Всего 5 комментариев"),
    ("card.attachments", 2, "2 вложения"),
    ("lists.search.found", 1, "найдена 1 заявка"),
    ("lists.search.found", 11, "найдено 11 заявок"),
    ("wizard.room.more", 3, "ещё 3 заявки"),
    ("wizard.card.documents", 5, "5 документов"),
]


@pytest.mark.parametrize(("key", "n", "phrase"), PHRASES)
def test_known_russian_phrases_read_right(key: str, n: int, phrase: str) -> None:
    t = Translator().for_language("ru")
    table = plural_keys("ru")[key]
    extra = dict.fromkeys(fields(table["one"]) - {"n"}, n)

    assert phrase in t(key, n=n, **extra)


@pytest.mark.parametrize(
    ("limit", "phrase"),
    [(1, "не меньше 1 символа"), (3, "не меньше 3 символов"), (21, "не меньше 21 символа")],
)
def test_a_length_limit_reads_in_the_genitive(limit: int, phrase: str) -> None:
    t = Translator().for_language("ru")

    text = t("errors.validation.min_length", n=limit, limit=limit, actual=0)

    assert phrase in text


# --- «в течение …» after a request is sent, through the dispatcher ------------------------------


@pytest.mark.parametrize(
    ("label", "promise"),
    [
        ("Срочный", "Возьмём в работу в течение 4 рабочих часов."),
        ("Обычный", "Возьмём в работу в течение 8 рабочих часов."),
        ("Низкий", "Возьмём в работу в течение 24 рабочих часов."),
    ],
)
async def test_the_promise_reads_in_the_genitive(world: World, label: str, promise: str) -> None:
    anna = await staff(world)
    await walk_to(anna, "priority")
    await anna.press(label)
    await anna.press("Пропустить")

    await anna.press("Отправить")

    assert promise in anna.last.text


ROUND_THE_CLOCK = WorkflowSettings(
    admin_ids=frozenset({UserId(9001)}), calendar=WorkingCalendar(always_on=True)
)


@pytest.mark.parametrize("workflow", [ROUND_THE_CLOCK])
async def test_round_the_clock_promise_reads_in_the_genitive(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "priority")
    await anna.press("Срочный")
    await anna.press("Пропустить")

    await anna.press("Отправить")

    assert "в течение 4 часов." in anna.last.text


@pytest.mark.parametrize(
    ("language", "label", "promise"),
    [("en", "Urgent", "within 4 working hours"), ("en", "Low", "within 24 working hours")],
)
async def test_the_english_promise_counts_hours(
    world: World, language: str, label: str, promise: str
) -> None:
    john = await staff(world, 102, language=language)
    await john.send("📝 New request")
    await john.send("Room 12")
    await john.press("Electrical")
    await john.send("The socket sparks")
    await john.press(label)
    await john.press("Skip")

    await john.press("Send")

    assert promise in john.last.text
