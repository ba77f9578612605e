"""Admins mute and unmute SLA warnings to themselves; breaches reach them either way."""

from typing import Any

import pytest

from tests.unit.application.support import Desk, msk, told
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, STAFF
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.set_sla_warnings import SetSlaWarnings, SetSlaWarningsCommand
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User, UserState


def setting(user_id: int, *, muted: bool) -> SetSlaWarningsCommand:
    return SetSlaWarningsCommand(actor_id=UserId(user_id), muted=muted)


async def warned_and_breached(desk: Desk, build: Any) -> tuple[set[int], set[int]]:
    """Who hears a fresh request's respond warning (Monday 18:00) and breach (Tuesday 10:00)."""
    mark = desk.mark()
    await desk.create(STAFF)
    found: list[set[int]] = []
    for moment in (msk(12, 18), msk(13, 10)):
        desk.clock.set(moment)
        before = desk.mark()
        await build(ScanSla)()
        found.append({recipient for recipient, _ in told(desk.since(before))})
    assert desk.mark() > mark
    return found[0], found[1]


async def test_a_muted_admin_is_not_warned_but_hears_the_breach(desk: Desk, build: Any) -> None:
    person: User = await build(SetSlaWarnings)(setting(ADMIN2, muted=True))

    warned, breached = await warned_and_breached(desk, build)

    assert person.mute_sla_warnings is True
    assert desk.db.users[UserId(ADMIN2)].mute_sla_warnings is True
    assert desk.db.users[UserId(ADMIN)].mute_sla_warnings is False
    assert warned == {ADMIN}
    assert breached == {ADMIN, ADMIN2}


async def test_unmuting_brings_the_warnings_back(desk: Desk, build: Any) -> None:
    await build(SetSlaWarnings)(setting(ADMIN2, muted=True))
    await build(SetSlaWarnings)(setting(ADMIN2, muted=False))

    warned, _ = await warned_and_breached(desk, build)

    assert desk.db.users[UserId(ADMIN2)].mute_sla_warnings is False
    assert warned == {ADMIN, ADMIN2}


async def test_muting_twice_keeps_it_muted(desk: Desk, build: Any) -> None:
    await build(SetSlaWarnings)(setting(ADMIN, muted=True))
    again: User = await build(SetSlaWarnings)(setting(ADMIN, muted=True))

    assert again.mute_sla_warnings is True
    assert desk.db.users[UserId(ADMIN)].mute_sla_warnings is True


@pytest.mark.parametrize("who", [STAFF, EXECUTOR])
async def test_only_admins_may_mute(desk: Desk, build: Any, who: int) -> None:
    with pytest.raises(NotPermitted) as refused:
        await build(SetSlaWarnings)(setting(who, muted=True))

    assert (refused.value.action, refused.value.reason) == ("mute_sla_warnings", "admins_only")
    assert desk.db.users[UserId(who)].mute_sla_warnings is False


async def test_a_blocked_admin_may_not(desk: Desk, build: Any) -> None:
    desk.db.users[UserId(ADMIN2)].state = UserState.BLOCKED

    with pytest.raises(NotPermitted):
        await build(SetSlaWarnings)(setting(ADMIN2, muted=True))

    assert desk.db.users[UserId(ADMIN2)].mute_sla_warnings is False


async def test_an_unknown_person_is_not_found(build: Any) -> None:
    with pytest.raises(NotFound):
        await build(SetSlaWarnings)(setting(999, muted=True))
