from datetime import datetime

import attrs

from zavhoz.application.org_settings import workflow_of
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.recording import messages_to
from zavhoz.application.settings import RegistrationMode
from zavhoz.application.transaction import in_transaction, reaching
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.events import PayloadValue
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId
from zavhoz.domain.text import USER_NAME
from zavhoz.domain.users import Role, User, UserState


@attrs.frozen(kw_only=True)
class RegisterUserCommand:
    user_id: UserId
    name: str
    username: str | None = None
    language: str | None = None


@attrs.frozen
class Registration:
    user: User
    is_new: bool


class RegisterUser(Service):
    """First contact registers; every later contact refreshes the profile and reachability."""

    async def __call__(self, command: RegisterUserCommand) -> Registration:
        return await in_transaction(self._uow_factory, lambda uow: self._register(uow, command))

    async def _register(self, uow: UnitOfWork, command: RegisterUserCommand) -> Registration:
        user = await uow.users.get(command.user_id)
        if user is not None:
            before = _profile(user)
            self._refresh(user, command)
            if _profile(user) != before:
                await uow.users.save(user)
            return Registration(user, is_new=False)
        first = await workflow_of(uow, self._settings, FIRST_ORG)
        user = self._newcomer(command, first.registration is RegistrationMode.APPROVAL)
        await uow.users.add(user)
        if user.state is UserState.PENDING:
            await ask_admins(uow, user, user.organization, self._clock.now())
        return Registration(user, is_new=True)

    def _refresh(self, user: User, command: RegisterUserCommand) -> None:
        user.name = USER_NAME.clean(command.name)
        user.username, user.language = command.username, command.language
        user.reachable = True

    def _newcomer(self, command: RegisterUserCommand, approval: bool) -> User:
        """A newcomer starts in the first organization, unless an invite takes them elsewhere."""
        admin = command.user_id in self._settings.admin_ids
        user = User(
            id=command.user_id,
            role=Role.ADMIN if admin else Role.STAFF,
            state=UserState.PENDING if approval and not admin else UserState.ACTIVE,
            created_at=self._clock.now(),
        )
        self._refresh(user, command)
        return user


def _profile(user: User) -> tuple[object, ...]:
    """What a contact refreshes (the rest of a person changes only by someone's decision)."""
    return user.name, user.username, user.language, user.reachable


async def ask_admins(uow: UnitOfWork, user: User, org: OrgId, now: datetime) -> None:
    """Tell the admins reaching ``org`` that ``user`` waits for their approval there."""
    admins = [admin.id for admin in await reaching(uow, org, Role.ADMIN)]
    params: dict[str, PayloadValue] = {"user_id": user.id, "name": user.name}
    params["username"] = user.username
    prefix = f"user:{user.id}:registration:{org}"
    await uow.outbox.add(messages_to(admins, "registration_pending", params, prefix, now))
