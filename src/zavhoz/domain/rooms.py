"""The optional registry of known places; a room's code goes into its QR deep link."""

import re

import attrs

from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, RoomCode
from zavhoz.domain.text import ROOM_NAME, normalize

_CODE = re.compile(r"[a-z0-9_-]{1,32}")
_ROOM_NUMBER = re.compile(
    r"(?:(?:кабинет|каб|комната|комн|аудитория|ауд|room|rm|office)\.?\s*)?№?\s*(\d[\w/-]*)"
)
"""«Каб. 305», «кабинет 305», «ауд.305», «№ 305»: a word for a room, then its number."""


def room_code(raw: str) -> RoomCode:
    """A valid code: 1–32 of ``a-z 0-9 _ -``, so ``room_<code>`` fits a /start parameter."""
    code = raw.strip().lower()
    if not _CODE.fullmatch(code):
        raise ValidationFailed("code", "pattern", 32, len(code))
    return RoomCode(code)


def place_key(place: str) -> str:
    """A place as compared: a room's number without the word for a room («Каб. 305» → «305»),
    anything else as typed, in any case."""
    return room_number(place) or normalize(place).casefold()


def room_number(place: str) -> str | None:
    """The room number a place names («кабинет 305» → «305»), if that is all it names."""
    number = _ROOM_NUMBER.fullmatch(normalize(place).casefold())
    return number.group(1) if number else None


@attrs.frozen(kw_only=True)
class Room:
    code: RoomCode
    name: str
    building: str = ""
    floor: str = ""
    organization: OrgId = FIRST_ORG

    @classmethod
    def create(cls, code: str, name: str, building: str = "", floor: str = "") -> "Room":
        return cls(
            code=room_code(code),
            name=ROOM_NAME.clean(name),
            building=normalize(building),
            floor=normalize(floor),
        )
