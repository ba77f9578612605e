"""Organizations' own settings, invite links, joining and switching between organizations."""

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.unit.application.test_organizations import (
    CREW,
    DISTRICT,
    DISTRICT_ADMIN,
    SCHOOL5,
    SCHOOL7,
    SCHOOL_ADMIN,
    TEACHER,
    join,
    tree_db,
)
from tests.unit.builders import user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.org_settings import BadSetting
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.application.use_cases.configure_organization import (
    ConfigureOrganization,
    ConfigureOrganizationCommand,
    parse_pairs,
)
from zavhoz.application.use_cases.create_invite import CreateInvite, CreateInviteCommand
from zavhoz.application.use_cases.join_organization import (
    JoinOrganization,
    JoinOrganizationCommand,
)
from zavhoz.application.use_cases.revoke_invite import RevokeInvite, RevokeInviteCommand
from zavhoz.application.use_cases.switch_organization import (
    SwitchOrganization,
    SwitchOrganizationCommand,
)
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import FIRST_ORG, UserId
from zavhoz.domain.organizations import TOKEN, Invite, Membership
from zavhoz.domain.users import Role, UserState
from zavhoz.main.settings import EnvironmentOrgSettings, Settings

NEWCOMER = 500


@pytest.fixture
def db() -> MemoryDatabase:
    found = tree_db()
    found.users[UserId(NEWCOMER)] = user(NEWCOMER)
    return found


@pytest.fixture
def org_settings() -> EnvironmentOrgSettings:
    return EnvironmentOrgSettings(Settings.model_validate({"timezone": "Asia/Yekaterinburg"}))


@pytest.fixture
def build(db: MemoryDatabase, clock: FakeClock, org_settings: EnvironmentOrgSettings) -> Any:
    def service(kind: type) -> Any:
        parts = (memory_uow_factory(db), clock, WorkflowSettings())
        if kind in (ConfigureOrganization, JoinOrganization):
            return kind(*parts, org_settings)
        return kind(*parts)

    return service


def configure(build: Any, slug: str, *pairs: str, actor: int | None = None) -> Any:
    return build(ConfigureOrganization)(
        ConfigureOrganizationCommand(
            actor_id=None if actor is None else UserId(actor),
            organization=slug,
            changes=parse_pairs(pairs),
        )
    )


# --- settings ------------------------------------------------------------------------------


async def test_a_school_inherits_the_district_zone_and_keeps_its_own_hours(
    build: Any, db: MemoryDatabase, org_settings: EnvironmentOrgSettings
) -> None:
    await configure(build, "district", "timezone=Asia/Omsk", "working_hours=08:00-17:00")
    await configure(build, "school-5", "working_hours=07:30-15:00", actor=DISTRICT_ADMIN)

    school = org_settings.workflow(
        {**db.organizations[DISTRICT].settings, **db.organizations[SCHOOL5].settings}
    )
    assert db.organizations[SCHOOL5].settings == {"working_hours": "07:30-15:00"}
    assert school.calendar.timezone == ZoneInfo("Asia/Omsk")
    assert (school.calendar.day_start.hour, school.calendar.day_start.minute) == (7, 30)
    other = org_settings.workflow(db.organizations[SCHOOL7].settings)
    assert other.calendar.timezone == ZoneInfo("Asia/Yekaterinburg")


async def test_a_bad_value_is_refused_naming_the_key_and_nothing_changes(
    build: Any, db: MemoryDatabase
) -> None:
    with pytest.raises(BadSetting) as refused:
        await configure(build, "school-5", "timezone=Asia/Omsk", "working_hours=25:00-26:00")

    assert refused.value.field == "working_hours"
    assert "hours are 00-24" in str(refused.value)
    assert db.organizations[SCHOOL5].settings == {}


@pytest.mark.parametrize(
    ("pair", "key"),
    [
        ("bot_token=1:abc", "bot_token"),
        ("colour=red", "colour"),
        ("registration=maybe", "registration"),
        ("default_locale=de", "default_locale"),
        ("holidays=2026-13-01", "holidays"),
        ("working_days=", None),
    ],
)
async def test_unknown_keys_and_bad_values_are_refused(
    build: Any, pair: str, key: str | None
) -> None:
    if key is None:  # an empty value only drops an override: nothing wrong with it
        await configure(build, "school-5", pair)
        return
    with pytest.raises(BadSetting) as refused:
        await configure(build, "school-5", pair)
    assert refused.value.field == key


def test_a_pair_without_an_equals_sign_is_refused() -> None:
    with pytest.raises(BadSetting) as refused:
        parse_pairs(["timezone"])
    assert refused.value.field == "timezone"


async def test_an_empty_value_inherits_again(build: Any, db: MemoryDatabase) -> None:
    await configure(build, "school-5", "timezone=Asia/Omsk", "registration=approval")

    await configure(build, "school-5", "timezone=")

    assert db.organizations[SCHOOL5].settings == {"registration": "approval"}


@pytest.mark.parametrize("actor", [SCHOOL_ADMIN, TEACHER, CREW])
async def test_only_admins_above_configure_a_district(build: Any, actor: int) -> None:
    with pytest.raises(NotPermitted):
        await configure(build, "district", "timezone=Asia/Omsk", actor=actor)


# --- invites --------------------------------------------------------------------------------


def invite(
    build: Any, slug: str, actor: int | None = None, role: Role = Role.STAFF, **extra: Any
) -> Any:
    actor_id = None if actor is None else UserId(actor)
    command = CreateInviteCommand(actor_id=actor_id, organization=slug, role=role, **extra)
    return build(CreateInvite)(command)


def joining(build: Any, person: int, token: str) -> Any:
    return build(JoinOrganization)(JoinOrganizationCommand(person=UserId(person), token=token))


async def test_an_invite_has_a_fresh_token_fit_for_a_start_link(
    build: Any, db: MemoryDatabase, clock: FakeClock
) -> None:
    first: Invite = await invite(build, "school-5", SCHOOL_ADMIN, Role.EXECUTOR)
    second: Invite = await invite(build, "school-5", expires_in=timedelta(days=7))

    assert TOKEN.fullmatch(first.token)
    assert len(f"join_{first.token}") <= 64
    assert first.token != second.token
    stored = db.invites[first.token]
    assert (stored.organization, stored.role, stored.created_by) == (
        SCHOOL5,
        Role.EXECUTOR,
        SCHOOL_ADMIN,
    )
    assert stored.expires_at is None
    assert db.invites[second.token].expires_at == clock.now() + timedelta(days=7)


@pytest.mark.parametrize("actor", [TEACHER, CREW])
async def test_only_admins_invite(build: Any, actor: int) -> None:
    with pytest.raises(NotPermitted):
        await invite(build, "school-5", actor)


async def test_opening_an_invite_makes_an_active_member_acting_there(
    build: Any, db: MemoryDatabase
) -> None:
    made = await invite(build, "school-7", role=Role.EXECUTOR)

    membership = await joining(build, NEWCOMER, f"join_{made.token}")

    assert membership == Membership(
        person=UserId(NEWCOMER), organization=SCHOOL7, role=Role.EXECUTOR
    )
    assert db.memberships[UserId(NEWCOMER), SCHOOL7] == membership
    person = db.users[UserId(NEWCOMER)]
    assert (person.organization, person.role, person.state) == (
        SCHOOL7,
        Role.EXECUTOR,
        UserState.ACTIVE,
    )


async def test_where_the_district_approves_newcomers_the_member_waits(
    build: Any, db: MemoryDatabase
) -> None:
    await configure(build, "district", "registration=approval")
    made = await invite(build, "school-5")

    membership = await joining(build, NEWCOMER, made.token)

    assert membership.state is UserState.PENDING
    assert db.users[UserId(NEWCOMER)].organization == FIRST_ORG
    asked = {m.recipient for m in db.outbox if m.template == "registration_pending"}
    assert asked == {UserId(DISTRICT_ADMIN), UserId(SCHOOL_ADMIN)}


async def test_an_active_member_keeps_their_role(build: Any, db: MemoryDatabase) -> None:
    made = await invite(build, "school-5", role=Role.STAFF)

    membership = await joining(build, SCHOOL_ADMIN, made.token)

    assert membership.role is Role.ADMIN
    assert db.memberships[UserId(SCHOOL_ADMIN), SCHOOL5].role is Role.ADMIN


async def test_a_blocked_member_is_not_let_back_in(build: Any, db: MemoryDatabase) -> None:
    join(db, NEWCOMER, SCHOOL5, Role.STAFF, UserState.BLOCKED)
    made = await invite(build, "school-5")

    with pytest.raises(NotPermitted):
        await joining(build, NEWCOMER, made.token)
    assert db.memberships[UserId(NEWCOMER), SCHOOL5].state is UserState.BLOCKED


async def test_unknown_expired_and_revoked_invites_let_no_one_in(
    build: Any, db: MemoryDatabase, clock: FakeClock
) -> None:
    expiring = await invite(build, "school-5", expires_in=timedelta(hours=1))
    revoked = await invite(build, "school-5")
    await build(RevokeInvite)(
        RevokeInviteCommand(actor_id=UserId(DISTRICT_ADMIN), token=revoked.token)
    )
    clock.advance(hours=1)

    with pytest.raises(NotFound):
        await joining(build, NEWCOMER, "join_" + "x" * 22)
    for token, reason in ((expiring.token, "invite_expired"), (revoked.token, "invite_revoked")):
        with pytest.raises(NotPermitted) as refused:
            await joining(build, NEWCOMER, token)
        assert refused.value.reason == reason
    assert (UserId(NEWCOMER), SCHOOL5) not in db.memberships


async def test_revoking_needs_an_admin_of_the_organization(build: Any) -> None:
    made = await invite(build, "school-5")
    with pytest.raises(NotPermitted):
        await build(RevokeInvite)(RevokeInviteCommand(actor_id=UserId(TEACHER), token=made.token))
    with pytest.raises(NotFound):
        await build(RevokeInvite)(RevokeInviteCommand(actor_id=None, token="y" * 22))


async def test_someone_never_seen_cannot_join_before_registering(build: Any) -> None:
    made = await invite(build, "school-5")

    with pytest.raises(NotFound) as refused:
        await joining(build, 999, made.token)
    assert refused.value.entity == "user"


# --- switching ------------------------------------------------------------------------------


def switch(build: Any, person: int, org: Any) -> Any:
    return build(SwitchOrganization)(
        SwitchOrganizationCommand(person=UserId(person), organization=org)
    )


async def test_a_member_of_two_switches_and_takes_that_role(build: Any, db: MemoryDatabase) -> None:
    join(db, TEACHER, SCHOOL7, Role.EXECUTOR)

    switched = await switch(build, TEACHER, SCHOOL7)

    assert (switched.organization, switched.role) == (SCHOOL7, Role.EXECUTOR)
    assert db.users[UserId(TEACHER)].organization == SCHOOL7
    assert db.memberships[UserId(TEACHER), SCHOOL5].role is Role.STAFF
    back = await switch(build, TEACHER, SCHOOL5)
    assert back.role is Role.STAFF


@pytest.mark.parametrize("state", [UserState.PENDING, UserState.BLOCKED, None])
async def test_switching_where_one_is_no_active_member_is_refused(
    build: Any, db: MemoryDatabase, state: UserState | None
) -> None:
    if state is not None:
        join(db, TEACHER, SCHOOL7, Role.STAFF, state)

    with pytest.raises(NotPermitted):
        await switch(build, TEACHER, SCHOOL7)
    with pytest.raises(NotPermitted):  # a district admin's reach is no membership of its schools
        await switch(build, DISTRICT_ADMIN, SCHOOL5)
    assert db.users[UserId(TEACHER)].organization == SCHOOL5


def test_the_registration_mode_comes_from_the_merged_settings(
    org_settings: EnvironmentOrgSettings,
) -> None:
    assert (
        org_settings.workflow({"registration": "approval"}).registration
        is RegistrationMode.APPROVAL
    )
    assert org_settings.workflow({}).registration is RegistrationMode.OPEN
