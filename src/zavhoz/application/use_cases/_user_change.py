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
        user = await load_user(uow, command.user_id)
        if command.actor_id is not None:
            await self._check_admin(uow, command.actor_id, user)
        await self._apply(uow, user, command)
        await uow.users.save(user)
        if self.notice is not None and (user.is_active or self.notice_when_inactive):
            now = self._clock.now().isoformat()
            prefix = f"user:{user.id}:{self.action}:{user.role.value}:{user.state.value}:{now}"
            await uow.outbox.add(messages_to([user.id], self.notice, {}, prefix, self._clock.now()))
        return user

    async def _check_admin(self, uow: UnitOfWork, actor_id: UserId, user: User) -> None:
        """An admin of the organization the user's membership is in, or of one above it;
        for anyone else that person does not exist."""
        actor = await load_user(uow, actor_id)
        if not (actor.is_active and actor.is_admin):
            raise NotPermitted(self.action, "admins_only")
        if (await reach_of(uow, actor_id)).role_at(user.organization) is not Role.ADMIN:
            raise NotFound("user", str(user.id))

    @abstractmethod
    async def _apply(self, uow: UnitOfWork, user: User, command: UserCommand) -> None: ...


async def ensure_not_last_admin(uow: UnitOfWork, user: User, action: str) -> None:
    admins = await reaching(uow, user.organization, Role.ADMIN)
    if user.is_admin and [admin.id for admin in admins] == [user.id]:
        raise NotPermitted(action, "last_admin")
