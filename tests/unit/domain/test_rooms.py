"""The room registry: codes that fit a deep link, names with length limits."""

import pytest

from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.rooms import Room, place_key, room_code, room_number

TELEGRAM_START_PARAMETER_MAX = 64


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("a", "a"),
        ("305", "305"),
        ("b2-305_a", "b2-305_a"),
        ("  Gym  ", "gym"),
        ("LAB-1", "lab-1"),
        ("x" * 31, "x" * 31),
        ("x" * 32, "x" * 32),
    ],
)
def test_a_valid_code_is_kept_lower_case(raw: str, code: str) -> None:
    assert room_code(raw) == code
    assert len(f"room_{room_code(raw)}") <= TELEGRAM_START_PARAMETER_MAX


@pytest.mark.parametrize(
    ("raw", "actual"),
    [
        ("", 0),
        ("   ", 0),
        ("x" * 33, 33),
        ("каб305", 6),
        ("room 305", 8),
        ("305.1", 5),
        ("a/b", 3),
        ("a+b", 3),
    ],
)
def test_an_invalid_code_is_refused(raw: str, actual: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        room_code(raw)
    error = refused.value
    assert (error.field, error.rule, error.limit, error.actual) == ("code", "pattern", 32, actual)


def test_a_room_is_created_normalised() -> None:
    room = Room.create("  A-305 ", "  Кабинет   физики ", building=" Корпус\t2 ", floor=" 3 ")
    assert (room.code, room.name, room.building, room.floor) == (
        "a-305",
        "Кабинет физики",
        "Корпус 2",
        "3",
    )


@pytest.mark.parametrize(("length", "accepted"), [(1, False), (2, True), (100, True), (101, False)])
def test_a_room_name_has_two_to_a_hundred_characters(length: int, accepted: bool) -> None:
    name = "Ж" * length
    if accepted:
        assert Room.create("r1", f"  {name}  ").name == name
    else:
        with pytest.raises(ValidationFailed) as refused:
            Room.create("r1", name)
        assert (refused.value.field, refused.value.actual) == ("name", length)


def test_a_bad_code_is_reported_before_the_name() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Room.create("bad code", "")
    assert refused.value.field == "code"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Каб. 305", "305"),
        ("кабинет 305", "305"),
        ("305", "305"),
        ("КАБ.305", "305"),
        ("Кабинет  №305", "305"),
        ("ауд 12а", "12а"),
        ("Room 7", "7"),
        ("Каб. 305, 3 этаж", "каб. 305, 3 этаж"),
        ("Кабинет директора", "кабинет директора"),
        ("Компьютерный класс", "компьютерный класс"),
        ("2 этаж", "2 этаж"),
        ("Спортзал", "спортзал"),
    ],
)
def test_a_place_is_compared_by_its_room_number_or_as_typed(typed: str, key: str) -> None:
    assert place_key(typed) == key
    assert room_number(typed) == (key if key[0].isdigit() and " " not in key else None)
