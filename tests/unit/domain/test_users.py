"""People: registration approval, blocking, and the staff → executor → admin ladder."""

from collections.abc import Callable

import pytest

from tests.unit.builders import user
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.users import Role, User, UserState

ACTIVE, BLOCKED, PENDING = UserState.ACTIVE, UserState.BLOCKED, UserState.PENDING

# DOMAIN.md "Roles": approval mode, block / unblock; a declined registration is a lifted-able block.
STATE_CHANGES: dict[str, tuple[Callable[[User], None], UserState, UserState]] = {
    "approve": (User.approve, PENDING, ACTIVE),
    "decline": (User.decline, PENDING, BLOCKED),
    "block": (User.block, ACTIVE, BLOCKED),
    "unblock": (User.unblock, BLOCKED, ACTIVE),
}
CASES = [
    pytest.param(name, state, id=f"{name}-{state}") for name in STATE_CHANGES for state in UserState
]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_state_changes_apply_only_from_their_state(name: str, state: UserState) -> None:
    change, source, target = STATE_CHANGES[name]
    person = user(7, Role.EXECUTOR, state)

    if state is source:
        change(person)
        assert person.state is target
    else:
        with pytest.raises(NotPermitted) as refused:
            change(person)
        assert (refused.value.action, refused.value.reason) == (name, f"user_is_{state.value}")
        assert person.state is state
    assert person.role is Role.EXECUTOR


@pytest.mark.parametrize(("state", "active"), [(ACTIVE, True), (BLOCKED, False), (PENDING, False)])
def test_only_active_users_are_active(state: UserState, active: bool) -> None:
    assert user(7, state=state).is_active is active


@pytest.mark.parametrize(
    ("role", "executor", "admin"),
    [(Role.STAFF, False, False), (Role.EXECUTOR, True, False), (Role.ADMIN, True, True)],
)
def test_admins_count_as_executors(role: Role, executor: bool, admin: bool) -> None:
    person = user(7, role)
    assert (person.is_executor, person.is_admin) == (executor, admin)


@pytest.mark.parametrize(
    ("role", "promoted"), [(Role.STAFF, Role.EXECUTOR), (Role.EXECUTOR, Role.ADMIN)]
)
def test_promotion_climbs_one_step(role: Role, promoted: Role) -> None:
    person = user(7, role)
    person.promote()
    assert person.role is promoted


@pytest.mark.parametrize(
    ("role", "demoted"), [(Role.ADMIN, Role.EXECUTOR), (Role.EXECUTOR, Role.STAFF)]
)
def test_demotion_descends_one_step(role: Role, demoted: Role) -> None:
    person = user(7, role)
    person.demote()
    assert person.role is demoted


def test_an_admin_cannot_be_promoted() -> None:
    person = user(7, Role.ADMIN)
    with pytest.raises(NotPermitted) as refused:
        person.promote()
    assert (refused.value.action, refused.value.reason) == ("promote", "already_admin")
    assert person.role is Role.ADMIN


def test_staff_cannot_be_demoted() -> None:
    person = user(7, Role.STAFF)
    with pytest.raises(NotPermitted) as refused:
        person.demote()
    assert (refused.value.action, refused.value.reason) == ("demote", "already_staff")
    assert person.role is Role.STAFF


def test_the_whole_ladder_up_and_down() -> None:
    person = user(7)
    person.promote()
    person.promote()
    assert person.role is Role.ADMIN
    person.demote()
    person.demote()
    assert person.role is Role.STAFF


def test_roles_do_not_change_access_state() -> None:
    person = user(7, state=BLOCKED)
    person.promote()
    assert (person.role, person.state) == (Role.EXECUTOR, BLOCKED)
