"""Normalisation of typed text, titles, and every length limit counted after normalisation."""

import itertools
import unicodedata
from collections.abc import Callable
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.builders import CALENDAR, MONDAY_NOON_MSK, request_in, user
from zavhoz.domain import text
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role

AUTHOR, WORKER, ADMIN = user(101), user(201, Role.EXECUTOR), user(301, Role.ADMIN)
LATER = MONDAY_NOON_MSK + timedelta(hours=1)


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Каб. 305  ", "Каб. 305"),
        ("Каб.    305", "Каб. 305"),
        ("Каб.\t\t305", "Каб. 305"),
        ("Каб. \t 305", "Каб. 305"),
        ("Каб.\u00a0\u00a0305", "Каб. 305"),
        ("Каб.\x00 305\x07", "Каб. 305"),
        ("\x1bКаб. 305\x7f", "Каб. 305"),
        ("Каб.\x0c305\x0b", "Каб. 305"),
        ("Каб.\x85305\u2028", "Каб. 305"),
        ("Кабине\u0438\u0306", "Кабиней"),
        ("Второй\nэтаж", "Второй этаж"),
        ("Второй\r\nэтаж", "Второй этаж"),
        ("Второй\rэтаж", "Второй этаж"),
        ("Второй \r\n\r\n этаж", "Второй этаж"),
        ("", ""),
        (" \t\r\n\x00 ", ""),
    ],
)
def test_single_line_text_is_stripped_collapsed_and_cleaned(raw: str, expected: str) -> None:
    assert text.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Течёт кран\nв туалете", "Течёт кран\nв туалете"),
        ("Течёт кран\r\nв туалете", "Течёт кран\nв туалете"),
        ("Течёт кран\rв туалете", "Течёт кран\nв туалете"),
        ("  Течёт  кран \n\t в   туалете  ", "Течёт кран\nв туалете"),
        ("Течёт кран\n\nв туалете", "Течёт кран\n\nв туалете"),
        ("Течёт кран\n\n\n\n\nв туалете", "Течёт кран\n\nв туалете"),
        ("Течёт кран\r\n \r\n\t\r\nв туалете", "Течёт кран\n\nв туалете"),
        ("\n\n Течёт кран \n\n", "Течёт кран"),
        ("Течёт\x00 кран\x07\nв\x1b туалете", "Течёт кран\nв туалете"),
    ],
)
def test_multiline_text_keeps_line_breaks(raw: str, expected: str) -> None:
    assert text.normalize(raw, multiline=True) == expected


@pytest.mark.parametrize(
    ("rule", "multiline"),
    [
        (text.LOCATION, False),
        (text.ROOM_NAME, False),
        (text.DESCRIPTION, True),
        (text.COMMENT, True),
        (text.REASON, True),
        (text.REPORT, True),
    ],
)
def test_only_multiline_fields_keep_line_breaks(rule: text.TextRule, multiline: bool) -> None:
    cleaned = rule.clean("Течёт кран\r\nв туалете")
    assert cleaned == ("Течёт кран\nв туалете" if multiline else "Течёт кран в туалете")


@given(st.text(), st.booleans())
def test_normalisation_is_idempotent_and_leaves_no_junk(raw: str, multiline: bool) -> None:
    once = text.normalize(raw, multiline=multiline)

    assert text.normalize(once, multiline=multiline) == once
    assert once == once.strip()
    assert "  " not in once
    assert "\t" not in once
    assert "\r" not in once
    assert "\n\n\n" not in once
    assert multiline or "\n" not in once
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in once)


# --- titles -----------------------------------------------------------------------------------


def words(length: int) -> str:
    """Cyrillic words separated by single spaces, exactly ``length`` characters."""
    pool = itertools.cycle(["кран", "течёт", "в", "кабинете", "номер", "триста", "пять"])
    line = ""
    while len(line) < length:
        line += next(pool) + " "
    line = line[:length]
    return line[:-1] + "ь" if line.endswith(" ") else line


def test_title_is_the_first_line_of_the_description() -> None:
    assert text.derive_title("Течёт кран\nв туалете на втором этаже") == "Течёт кран"


def test_a_first_line_of_exactly_100_characters_is_the_title() -> None:
    line = words(100)
    assert len(line) == 100
    assert text.derive_title(line + "\nподробности") == line


def test_a_long_first_line_is_cut_at_a_word_boundary() -> None:
    line = words(150)

    title = text.derive_title(line)

    assert len(title) <= 100
    assert line.startswith(title)
    assert line[len(title)] == " "
    assert " " not in line[len(title) + 1 : 101]


def test_a_word_ending_exactly_at_100_characters_is_kept_whole() -> None:
    line = "я" * 100 + " продолжение"
    assert text.derive_title(line) == "я" * 100


def test_a_150_character_word_is_hard_cut_to_100() -> None:
    line = "ы" * 150
    assert text.derive_title(line) == "ы" * 100


def test_title_of_a_created_request_comes_from_the_normalised_description() -> None:
    request = Request.create(
        author=AUTHOR,
        location="Каб. 305",
        category=Category.PLUMBING,
        description="  Течёт   кран \r\n в туалете ",
        priority=Priority.MEDIUM,
        now=MONDAY_NOON_MSK,
        calendar=CALENDAR,
    )
    assert request.title == "Течёт кран"
    assert request.description == "Течёт кран\nв туалете"


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1))
def test_a_title_is_a_prefix_of_the_first_line_and_at_most_100_characters(raw: str) -> None:
    description = text.normalize(raw, multiline=True)
    first_line = description.split("\n", 1)[0]

    title = text.derive_title(description)

    assert len(title) <= text.TITLE_MAX
    assert first_line.startswith(title)
    if len(first_line) <= text.TITLE_MAX:
        assert title == first_line


# --- length limits, through the places that apply them ----------------------------------------


@attrs.frozen
class Limited:
    """A text field with its limits and how the domain takes it in."""

    name: str
    field: str
    min_length: int
    max_length: int
    apply: Callable[[str], str]
    """Feeds the text in, answers what the domain kept."""


def in_status(status: Status) -> Request:
    return request_in(status, AUTHOR, WORKER, ADMIN)


def created(**fields: str) -> Request:
    values = {"location": "Каб. 305", "description": "Течёт кран в туалете", **fields}
    return Request.create(
        author=AUTHOR,
        location=values["location"],
        category=Category.PLUMBING,
        description=values["description"],
        priority=Priority.MEDIUM,
        now=MONDAY_NOON_MSK,
        calendar=CALENDAR,
    )


def recorded(request: Request, key: str) -> str:
    """The text the last event kept under ``key`` ("" when an optional text was left out)."""
    value = request.pull_events()[-1].payload[key]
    assert value is None or isinstance(value, str)
    return value or ""


def hold_reason(t: str) -> str:
    request = in_status(Status.IN_PROGRESS)
    request.hold(WORKER, t, LATER)
    return recorded(request, "reason")


def reject_reason(t: str) -> str:
    request = in_status(Status.OPEN)
    request.reject(ADMIN, t, LATER)
    return recorded(request, "reason")


def reopen_reason(t: str) -> str:
    request = in_status(Status.COMPLETED)
    request.reopen(AUTHOR, t, LATER, CALENDAR)
    return recorded(request, "reason")


def cancel_reason(t: str) -> str:
    request = in_status(Status.OPEN)
    request.cancel(AUTHOR, t, LATER)
    return recorded(request, "reason")


def report(t: str) -> str:
    request = in_status(Status.IN_PROGRESS)
    request.complete(WORKER, t, (), LATER)
    return recorded(request, "report")


def comment(t: str) -> str:
    request = in_status(Status.OPEN)
    request.comment(AUTHOR, t, LATER)
    return recorded(request, "text")


def feedback(t: str) -> str:
    request = in_status(Status.COMPLETED)
    request.rate(AUTHOR, 4, t, LATER)
    return request.feedback or ""


LIMITED = [
    Limited("location", "location", 2, 100, lambda t: created(location=t).location),
    Limited("description", "description", 10, 2000, lambda t: created(description=t).description),
    Limited("hold_reason", "reason", 3, 500, hold_reason),
    Limited("reject_reason", "reason", 3, 500, reject_reason),
    Limited("reopen_reason", "reason", 3, 500, reopen_reason),
    Limited("cancel_reason", "reason", 0, 500, cancel_reason),
    Limited("report", "report", 3, 2000, report),
    Limited("comment", "comment", 1, 2000, comment),
    Limited("feedback", "feedback", 0, 1000, feedback),
    Limited("room_name", "name", 2, 100, lambda t: Room.create("305", t).name),
]
WITH_MINIMUM = [x for x in LIMITED if x.min_length > 0]


def limited_id(limited: Limited) -> str:
    return limited.name


def cyrillic(length: int) -> str:
    return ("Щ" + "ж" * 9) * (length // 10) + "ю" * (length % 10)


def named(error: ValidationFailed) -> tuple[str, str, int | None, int | None]:
    return error.field, error.rule, error.limit, error.actual


def refusal(limited: Limited, value: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        limited.apply(value)
    return refused.value


@pytest.mark.parametrize("limited", LIMITED, ids=limited_id)
def test_the_minimum_and_the_maximum_length_are_accepted(limited: Limited) -> None:
    for length in (limited.min_length, limited.max_length - 1, limited.max_length):
        assert limited.apply(cyrillic(length)) == cyrillic(length)


@pytest.mark.parametrize("limited", LIMITED, ids=limited_id)
def test_one_over_the_maximum_is_refused_naming_field_limit_and_length(limited: Limited) -> None:
    error = refusal(limited, cyrillic(limited.max_length + 1))
    assert named(error) == (
        limited.field,
        "max_length",
        limited.max_length,
        limited.max_length + 1,
    )


@pytest.mark.parametrize("limited", WITH_MINIMUM, ids=limited_id)
def test_one_under_the_minimum_is_refused_naming_field_limit_and_length(limited: Limited) -> None:
    error = refusal(limited, cyrillic(limited.min_length - 1))
    assert named(error) == (
        limited.field,
        "min_length",
        limited.min_length,
        limited.min_length - 1,
    )
    assert len(limited.apply(cyrillic(limited.min_length + 1))) == limited.min_length + 1


@pytest.mark.parametrize("limited", LIMITED, ids=limited_id)
def test_padding_does_not_count_toward_the_maximum(limited: Limited) -> None:
    padded = "  \t\x00" + cyrillic(limited.max_length) + " \x07 \r\n "
    assert limited.apply(padded) == cyrillic(limited.max_length)


@pytest.mark.parametrize("limited", WITH_MINIMUM, ids=limited_id)
def test_padding_does_not_count_toward_the_minimum(limited: Limited) -> None:
    padded = " \t " + cyrillic(limited.min_length - 1) + "\x00\x00\x00   \r\n"
    assert len(padded) > limited.min_length

    error = refusal(limited, padded)

    assert (error.rule, error.actual) == ("min_length", limited.min_length - 1)


@pytest.mark.parametrize("limited", LIMITED, ids=limited_id)
def test_inner_runs_of_spaces_count_as_one(limited: Limited) -> None:
    half = limited.max_length // 2
    # ``half`` + 1 + rest == max_length once the run of spaces is collapsed
    spaced = cyrillic(half) + " \t   " + cyrillic(limited.max_length - half - 1)
    assert len(limited.apply(spaced)) == limited.max_length
    error = refusal(limited, spaced + "ъ")
    assert (error.rule, error.actual) == ("max_length", limited.max_length + 1)


def test_a_description_with_line_breaks_counts_each_kept_break() -> None:
    body = cyrillic(1000) + "\r\n\r\n" + cyrillic(998)  # CRLF CRLF becomes two characters
    assert len(created(description=body).description) == 2000
    with pytest.raises(ValidationFailed) as refused:
        created(description=body + "ъ")
    assert refused.value.actual == 2001


@pytest.mark.parametrize(
    "rule",
    [text.LOCATION, text.DESCRIPTION, text.REASON, text.REPORT, text.COMMENT, text.ROOM_NAME],
)
def test_a_blank_value_is_refused_as_too_short(rule: text.TextRule) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rule.clean(" \t\r\n\x00 ")
    assert named(refused.value) == (rule.field, "min_length", rule.min_length, 0)
