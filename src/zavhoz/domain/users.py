"""People: roles, access state and the rules of changing them."""

from datetime import datetime
from enum import StrEnum

import attrs

from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId


class Role(StrEnum):
    STAFF = "staff"
    EXECUTOR = "executor"
    ADMIN = "admin"


class UserState(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    PENDING = "pending"


_LADDER = (Role.STAFF, Role.EXECUTOR, Role.ADMIN)


@attrs.define(kw_only=True, eq=False)
class User:
    id: UserId
    name: str = ""
    username: str | None = None
    language: str | None = None
    role: Role = Role.STAFF
    state: UserState = UserState.ACTIVE
    reachable: bool = True
    mute_sla_warnings: bool = False
    created_at: datetime
    organization: OrgId = FIRST_ORG
    """Where the person acts now (new requests go there); ``role`` and ``state`` are their
    membership's there."""

    @property
    def is_active(self) -> bool:
        return self.state is UserState.ACTIVE

    @property
    def is_executor(self) -> bool:
        """Executors and admins: people who work on requests."""
        return self.role in (Role.EXECUTOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def approve(self) -> None:
        self._require_state(UserState.PENDING, "approve")
        self.state = UserState.ACTIVE

    def decline(self) -> None:
        """A declined registration is a block an admin may lift later."""
        self._require_state(UserState.PENDING, "decline")
        self.state = UserState.BLOCKED

    def block(self) -> None:
        self._require_state(UserState.ACTIVE, "block")
        self.state = UserState.BLOCKED

    def unblock(self) -> None:
        self._require_state(UserState.BLOCKED, "unblock")
        self.state = UserState.ACTIVE

    def promote(self) -> None:
        if self.role is Role.ADMIN:
            raise NotPermitted("promote", "already_admin")
        self.role = _LADDER[_LADDER.index(self.role) + 1]

    def demote(self) -> None:
        if self.role is Role.STAFF:
            raise NotPermitted("demote", "already_staff")
        self.role = _LADDER[_LADDER.index(self.role) - 1]

    def _require_state(self, expected: UserState, action: str) -> None:
        if self.state is not expected:
            raise NotPermitted(action, f"user_is_{self.state.value}")
