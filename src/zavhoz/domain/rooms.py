"""The optional registry of known places; a room's code goes into its QR deep link."""

import re

import attrs

from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import RoomCode
from zavhoz.domain.text import ROOM_NAME, normalize

_CODE = re.compile(r"[a-z0-9_-]{1,32}")


def room_code(raw: str) -> RoomCode:
    """A valid code: 1–32 of ``a-z 0-9 _ -``, so ``room_<code>`` fits a /start parameter."""
    code = raw.strip().lower()
    if not _CODE.fullmatch(code):
        raise ValidationFailed("code", "pattern", 32, len(code))
    return RoomCode(code)


@attrs.frozen(kw_only=True)
class Room:
    code: RoomCode
    name: str
    building: str = ""
    floor: str = ""

    @classmethod
    def create(cls, code: str, name: str, building: str = "", floor: str = "") -> "Room":
        return cls(
            code=room_code(code),
            name=ROOM_NAME.clean(name),
            building=normalize(building),
            floor=normalize(floor),
        )
