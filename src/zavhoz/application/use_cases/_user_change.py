"""The shape of every admin action on a user: check the actor, change the user, tell them."""

from abc import ABC, abstractmethod

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import reach_of
from zavhoz.application.recording import messages_to
from zavhoz.application.transaction import in_transaction, load_user, reaching
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.users import Role, User


@attrs.frozen(kw_only=True)
class UserCommand:
    actor_id: UserId | None
    """An admin, or ``None`` for the operator at the command line."""
    user_id: UserId


class UserChange(Service, ABC):
    action: str
    notice: str | None = None
    """The template that tells the user what happened, if anything."""
    notice_when_inactive: bool = False
    """Whether a blocked or pending user still hears of it (a declined registration does)."""

    async def __call__(self, command: UserCommand) -> User:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: UserCommand) -> User:
        """The change is to the person's membership: where the admin administers them."""
        user = await load_user(uow, command.user_id)
        if command.actor_id is not None:
            user = await self._administered(uow, command.actor_id, user)
        await self._apply(uow, user, command)
        await uow.memberships.put(membership_of(user))
        if self.notice is not None and (user.is_active or self.notice_when_inactive):
            now = self._clock.now().isoformat()
            prefix = f"user:{user.id}:{self.action}:{user.role.value}:{user.state.value}:{now}"
            await uow.outbox.add(messages_to([user.id], self.notice, {}, prefix, self._clock.now()))
        return user

    async def _administered(self, uow: UnitOfWork, actor_id: UserId, user: User) -> User:
        """``user`` as a member where the actor administers them (their current organization
        first); for anyone else that person does not exist."""
        actor = await load_user(uow, actor_id)
        if not (actor.is_active and actor.is_admin):
            raise NotPermitted(self.action, "admins_only")
        reach = await reach_of(uow, actor_id)
        theirs = await uow.memberships.of_person(user.id)
        found = [m for m in theirs if reach.role_at(m.organization) is Role.ADMIN]
        found.sort(key=lambda membership: membership.organization != user.organization)
        if not found:
            raise NotFound("user", str(user.id))
        where = found[0]
        return attrs.evolve(
            user, organization=where.organization, role=where.role, state=where.state
        )

    @abstractmethod
    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None: ...


def membership_of(user: User) -> Membership:
    return Membership(
        person=user.id, organization=user.organization, role=user.role, state=user.state
    )


async def ensure_not_last_admin(uow: UnitOfWork, user: User, action: str) -> None:
    admins = await reaching(uow, user.organization, Role.ADMIN)
    if user.is_admin and [admin.id for admin in admins] == [user.id]:
        raise NotPermitted(action, "last_admin")
