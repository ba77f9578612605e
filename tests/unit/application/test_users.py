"""Registration, the admin bootstrap and what admins (or the operator) do to people."""

from typing import Any

import pytest

from tests.unit.application.support import Snapshot, told
from tests.unit.builders import user
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, STAFF, STAFF2
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.queries.person import GetPerson
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.application.use_cases._user_change import UserChange, UserCommand
from zavhoz.application.use_cases.approve_user import ApproveUser
from zavhoz.application.use_cases.block_user import BlockUser
from zavhoz.application.use_cases.bootstrap_admins import BootstrapAdmins
from zavhoz.application.use_cases.decline_user import DeclineUser
from zavhoz.application.use_cases.demote_user import DemoteUser
from zavhoz.application.use_cases.promote_user import PromoteUser
from zavhoz.application.use_cases.register_user import RegisterUser, RegisterUserCommand
from zavhoz.application.use_cases.unblock_user import UnblockUser
from zavhoz.domain.errors import NotFound, NotPermitted, ValidationFailed
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role, UserState

NEWCOMER = 401


@pytest.fixture
def approval(settings: WorkflowSettings) -> WorkflowSettings:
    return WorkflowSettings(admin_ids=settings.admin_ids, registration=RegistrationMode.APPROVAL)


def register(user_id: int = NEWCOMER, name: str = "  Мария   Ивановна ", **extra: Any) -> Any:
    return RegisterUserCommand(user_id=UserId(user_id), name=name, **extra)


def on(user_id: int, actor: int | None = ADMIN) -> UserCommand:
    return UserCommand(actor_id=None if actor is None else UserId(actor), user_id=UserId(user_id))


def add_person(db: MemoryDatabase, user_id: int, role: Role, state: UserState) -> None:
    db.users[UserId(user_id)] = user(user_id, role, state)


# --- registration ---------------------------------------------------------------------------


async def test_open_registration_makes_active_staff(build: Any, db: MemoryDatabase) -> None:
    registration = await build(RegisterUser)(
        register(username="maria", language="ru"),
    )

    assert registration.is_new
    stored = db.users[UserId(NEWCOMER)]
    assert (stored.role, stored.state) == (Role.STAFF, UserState.ACTIVE)
    assert (stored.name, stored.username, stored.language) == ("Мария Ивановна", "maria", "ru")
    assert registration.user.id == NEWCOMER
    assert db.outbox == []


async def test_approval_mode_keeps_a_newcomer_waiting_and_asks_the_admins(
    build: Any, db: MemoryDatabase, approval: WorkflowSettings, clock: FakeClock
) -> None:
    db.users[UserId(ADMIN2)].state = UserState.BLOCKED

    registration = await build(RegisterUser, settings=approval)(register(username="maria"))

    assert registration.user.state is UserState.PENDING
    assert db.users[UserId(NEWCOMER)].state is UserState.PENDING
    assert told(db.outbox) == {(ADMIN, "registration_pending")}
    (message,) = db.outbox
    assert dict(message.params) == {
        "user_id": NEWCOMER,
        "name": "Мария Ивановна",
        "username": "maria",
    }
    assert message.created_at == clock.now()


async def test_a_configured_admin_registers_as_an_active_admin(
    build: Any, db: MemoryDatabase, approval: WorkflowSettings
) -> None:
    config = WorkflowSettings(
        admin_ids=approval.admin_ids | {UserId(NEWCOMER)}, registration=approval.registration
    )

    registration = await build(RegisterUser, settings=config)(register())

    stored = db.users[UserId(NEWCOMER)]
    assert (stored.role, stored.state) == (Role.ADMIN, UserState.ACTIVE)
    assert registration.user.is_admin
    assert db.outbox == []


async def test_a_returning_user_refreshes_the_profile_and_is_reachable_again(
    build: Any, db: MemoryDatabase, approval: WorkflowSettings
) -> None:
    await build(RegisterUser, settings=approval)(register(language="ru"))
    db.users[UserId(NEWCOMER)].reachable = False
    messages = list(db.outbox)

    again = await build(RegisterUser, settings=approval)(
        register(name="Мария Петрова", username="mpetrova", language="en")
    )

    assert not again.is_new
    stored = db.users[UserId(NEWCOMER)]
    assert (stored.name, stored.username, stored.language) == ("Мария Петрова", "mpetrova", "en")
    assert stored.reachable
    assert stored.state is UserState.PENDING
    assert db.outbox == messages


async def test_a_returning_blocked_user_stays_blocked(build: Any, db: MemoryDatabase) -> None:
    db.users[UserId(STAFF)].state = UserState.BLOCKED
    db.users[UserId(STAFF)].role = Role.EXECUTOR

    registration = await build(RegisterUser)(register(STAFF, name="Новое имя"))

    stored = db.users[UserId(STAFF)]
    assert (stored.name, stored.role, stored.state) == (
        "Новое имя",
        Role.EXECUTOR,
        UserState.BLOCKED,
    )
    assert not registration.is_new


async def test_a_name_too_long_registers_nobody(build: Any, db: MemoryDatabase) -> None:
    before = Snapshot.of(db)

    with pytest.raises(ValidationFailed):
        await build(RegisterUser)(register(name="Я" * 201))

    assert Snapshot.of(db) == before


# --- bootstrap ------------------------------------------------------------------------------


async def test_bootstrap_makes_configured_people_admins_and_is_idempotent(
    build: Any, db: MemoryDatabase
) -> None:
    db.users[UserId(EXECUTOR)].state = UserState.BLOCKED
    config = WorkflowSettings(
        admin_ids=frozenset({UserId(NEWCOMER), UserId(EXECUTOR), UserId(STAFF)})
    )
    bootstrap = build(BootstrapAdmins, settings=config)

    first = await bootstrap()
    after_first = Snapshot.of(db)
    second = await bootstrap()

    assert [u.id for u in first] == [u.id for u in second] == [STAFF, EXECUTOR, NEWCOMER]
    for person in (STAFF, EXECUTOR, NEWCOMER):
        assert (db.users[UserId(person)].role, db.users[UserId(person)].state) == (
            Role.ADMIN,
            UserState.ACTIVE,
        )
    assert db.users[UserId(STAFF)].name == f"user{STAFF}"
    assert Snapshot.of(db) == after_first
    assert db.users[UserId(STAFF2)].role is Role.STAFF
    assert db.outbox == []


# --- admin actions on people ----------------------------------------------------------------

CHANGES = [
    # (use case, role and state before, after, notice)
    (
        ApproveUser,
        (Role.STAFF, UserState.PENDING),
        (Role.STAFF, UserState.ACTIVE),
        "registration_approved",
    ),
    (
        DeclineUser,
        (Role.STAFF, UserState.PENDING),
        (Role.STAFF, UserState.BLOCKED),
        "registration_declined",
    ),
    (
        BlockUser,
        (Role.EXECUTOR, UserState.ACTIVE),
        (Role.EXECUTOR, UserState.BLOCKED),
        "user_blocked",
    ),
    (
        UnblockUser,
        (Role.STAFF, UserState.BLOCKED),
        (Role.STAFF, UserState.ACTIVE),
        "user_unblocked",
    ),
    (
        PromoteUser,
        (Role.STAFF, UserState.ACTIVE),
        (Role.EXECUTOR, UserState.ACTIVE),
        "role_changed",
    ),
    (
        PromoteUser,
        (Role.EXECUTOR, UserState.ACTIVE),
        (Role.ADMIN, UserState.ACTIVE),
        "role_changed",
    ),
    (DemoteUser, (Role.ADMIN, UserState.ACTIVE), (Role.EXECUTOR, UserState.ACTIVE), "role_changed"),
    (DemoteUser, (Role.EXECUTOR, UserState.ACTIVE), (Role.STAFF, UserState.ACTIVE), "role_changed"),
]


@pytest.mark.parametrize(("use_case", "before", "after", "notice"), CHANGES)
@pytest.mark.parametrize("actor", [ADMIN, None], ids=["admin", "operator"])
async def test_an_admin_or_the_operator_changes_a_person(
    build: Any,
    db: MemoryDatabase,
    clock: FakeClock,
    use_case: type[UserChange],
    before: tuple[Role, UserState],
    after: tuple[Role, UserState],
    notice: str | None,
    actor: int | None,
) -> None:
    add_person(db, NEWCOMER, *before)

    changed = await build(use_case)(on(NEWCOMER, actor))

    stored = db.users[UserId(NEWCOMER)]
    assert (stored.role, stored.state) == after
    assert (changed.role, changed.state) == after
    assert told(db.outbox) == ({(NEWCOMER, notice)} if notice else set())
    assert all(m.created_at == clock.now() and m.request_id is None for m in db.outbox)


@pytest.mark.parametrize("use_case", [c[0] for c in CHANGES])
@pytest.mark.parametrize(
    ("actor", "reason"),
    [
        (STAFF2, "admins_only"),
        (EXECUTOR, "admins_only"),
        (ADMIN2, "admins_only"),  # an admin, but blocked by the test
    ],
)
async def test_only_an_active_admin_may_change_people(
    build: Any, db: MemoryDatabase, use_case: type[UserChange], actor: int, reason: str
) -> None:
    db.users[UserId(ADMIN2)].state = UserState.BLOCKED
    add_person(db, NEWCOMER, Role.EXECUTOR, UserState.PENDING)
    before = Snapshot.of(db)

    with pytest.raises(NotPermitted) as refused:
        await build(use_case)(on(NEWCOMER, actor))

    assert refused.value.reason == reason
    assert Snapshot.of(db) == before


@pytest.mark.parametrize(
    ("use_case", "role", "state", "reason"),
    [
        (ApproveUser, Role.STAFF, UserState.ACTIVE, "user_is_active"),
        (DeclineUser, Role.STAFF, UserState.BLOCKED, "user_is_blocked"),
        (BlockUser, Role.STAFF, UserState.BLOCKED, "user_is_blocked"),
        (UnblockUser, Role.STAFF, UserState.ACTIVE, "user_is_active"),
        (PromoteUser, Role.ADMIN, UserState.ACTIVE, "already_admin"),
        (DemoteUser, Role.STAFF, UserState.ACTIVE, "already_staff"),
    ],
)
async def test_a_change_that_makes_no_sense_is_refused(
    build: Any,
    db: MemoryDatabase,
    use_case: type[UserChange],
    role: Role,
    state: UserState,
    reason: str,
) -> None:
    add_person(db, NEWCOMER, role, state)
    before = Snapshot.of(db)

    with pytest.raises(NotPermitted) as refused:
        await build(use_case)(on(NEWCOMER))

    assert refused.value.reason == reason
    assert Snapshot.of(db) == before


@pytest.mark.parametrize("use_case", [BlockUser, DemoteUser])
async def test_the_last_admin_stays(
    build: Any, db: MemoryDatabase, use_case: type[UserChange]
) -> None:
    await build(use_case)(on(ADMIN2, ADMIN))
    before = Snapshot.of(db)

    with pytest.raises(NotPermitted) as refused:
        await build(use_case)(on(ADMIN, None))

    assert refused.value.reason == "last_admin"
    assert Snapshot.of(db) == before
    assert db.users[UserId(ADMIN)].role is Role.ADMIN


async def test_an_inactive_admin_does_not_count_as_another_admin(
    build: Any, db: MemoryDatabase
) -> None:
    db.users[UserId(ADMIN2)].state = UserState.BLOCKED

    with pytest.raises(NotPermitted) as refused:
        await build(DemoteUser)(on(ADMIN, None))

    assert refused.value.reason == "last_admin"
    await build(DemoteUser)(on(ADMIN2, ADMIN))
    assert db.users[UserId(ADMIN2)].role is Role.EXECUTOR


async def test_an_admin_may_demote_themselves_while_another_admin_remains(
    build: Any, db: MemoryDatabase
) -> None:
    await build(DemoteUser)(on(ADMIN, ADMIN))

    assert db.users[UserId(ADMIN)].role is Role.EXECUTOR
    assert told(db.outbox) == {(ADMIN, "role_changed")}


async def test_an_admin_cannot_block_themselves(build: Any, db: MemoryDatabase) -> None:
    before = Snapshot.of(db)

    with pytest.raises(NotPermitted) as refused:
        await build(BlockUser)(on(ADMIN, ADMIN))

    assert refused.value.reason == "self"
    assert Snapshot.of(db) == before


async def test_an_unknown_person_is_not_found(build: Any, db: MemoryDatabase) -> None:
    with pytest.raises(NotFound):
        await build(ApproveUser)(on(NEWCOMER))
    with pytest.raises(NotFound):
        await build(ApproveUser)(on(STAFF, NEWCOMER))

    assert UserId(NEWCOMER) not in db.users


async def test_two_changes_at_one_moment_are_both_told(build: Any, db: MemoryDatabase) -> None:
    await build(PromoteUser)(on(STAFF))
    await build(PromoteUser)(on(STAFF))

    assert db.users[UserId(STAFF)].role is Role.ADMIN
    notices = [m for m in db.outbox if m.recipient == STAFF]
    assert [m.template for m in notices] == ["role_changed", "role_changed"]
    assert len({m.dedupe_key for m in notices}) == 2


@pytest.mark.parametrize("state", [UserState.BLOCKED, UserState.PENDING])
@pytest.mark.parametrize("use_case", [PromoteUser, DemoteUser])
async def test_blocked_or_pending_people_are_not_told_of_a_role_change(
    build: Any, db: MemoryDatabase, state: UserState, use_case: type[UserChange]
) -> None:
    add_person(db, NEWCOMER, Role.EXECUTOR, state)

    await build(use_case)(on(NEWCOMER))

    assert db.users[UserId(NEWCOMER)].role is not Role.EXECUTOR
    assert db.outbox == []


async def test_only_an_admin_opens_a_persons_card(build: Any, db: MemoryDatabase) -> None:
    person = build(GetPerson)

    assert (await person(UserId(ADMIN), UserId(STAFF))).id == UserId(STAFF)
    with pytest.raises(NotPermitted) as refused:
        await person(UserId(EXECUTOR), UserId(STAFF))
    assert refused.value.reason == "admins_only"
    with pytest.raises(NotFound):
        await person(UserId(ADMIN), UserId(NEWCOMER))
