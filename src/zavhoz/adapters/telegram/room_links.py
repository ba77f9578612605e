"""What a room's QR code tells the bot (built by ``adapters/reports/qr.py``'s
``start_parameter``): ``r_<organization id>_<code>``, or ``room_<code>`` for a room of the first
organization (the codes printed before organizations existed)."""

import re

import attrs

from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, RoomCode
from zavhoz.domain.rooms import room_code

PREFIXES = ("room_", "r_")
_WITH_ORG = re.compile(r"r_(\d{1,12})_(.+)", re.DOTALL)


@attrs.frozen
class RoomLink:
    code: RoomCode
    organization: OrgId | None
    """``None``: wherever the person acts now (a button made before links named organizations)."""

    def parameter(self) -> str:
        """The link as a start parameter (or a button's value) naming the organization."""
        return self.code if self.organization is None else f"r_{self.organization}_{self.code}"


def parse_room_link(raw: str) -> RoomLink | None:
    """The room a start parameter (or a bare code) names; ``None`` when it names none."""
    with_org = _WITH_ORG.fullmatch(raw)
    if with_org is not None:
        return _link(with_org.group(2), OrgId(int(with_org.group(1))))
    if raw.startswith("room_"):
        return _link(raw.removeprefix("room_"), FIRST_ORG)
    return _link(raw, None)


def _link(raw: str, organization: OrgId | None) -> RoomLink | None:
    try:
        return RoomLink(room_code(raw), organization)
    except ValidationFailed:
        return None
