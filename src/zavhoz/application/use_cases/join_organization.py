from datetime import datetime

import attrs

from zavhoz.application.org_settings import OrgSettings, inherited_settings
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.settings import RegistrationMode
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._org_service import OrgSettingsService
from zavhoz.application.use_cases.register_user import ask_admins
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Invite, Membership
from zavhoz.domain.users import User, UserState

START_PREFIX = "join_"
"""What the start parameter of an invite link begins with: ``join_<token>``."""


@attrs.frozen(kw_only=True)
class JoinOrganizationCommand:
    person: UserId
    """Someone already registered (their first contact made their user)."""
    token: str
    """The invite's token, or the whole start parameter ``join_<token>``."""


class JoinOrganization(OrgSettingsService):
    """Opening an invite link: a membership, pending where the organization approves newcomers.

    An active member keeps their membership as it is; a blocked one is not let back in by a
    link. A person let in at once acts in the organization from now on."""

    async def __call__(self, command: JoinOrganizationCommand) -> Membership:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: JoinOrganizationCommand) -> Membership:
        invite = await _invite(uow, command.token.removeprefix(START_PREFIX))
        user = await load_user(uow, command.person)
        before = await uow.memberships.get(user.id, invite.organization)
        if before is not None and before.state is not UserState.PENDING:
            return kept(before)
        approval = await approves(uow, self._org_settings, invite.organization)
        membership = invite.admit(user.id, self._clock.now(), approval=approval)
        await enter(uow, user, membership, self._clock.now())
        return membership


async def approves(uow: UnitOfWork, settings: OrgSettings, org: OrgId) -> bool:
    """Whether ``org``'s admins approve newcomers there."""
    workflow = settings.workflow(await inherited_settings(uow, org))
    return workflow.registration is RegistrationMode.APPROVAL


async def enter(uow: UnitOfWork, user: User, membership: Membership, now: datetime) -> None:
    """Store the membership: an active one is where the person acts from now on; a pending
    one is announced to the admins reaching its organization."""
    await uow.memberships.put(membership)
    if membership.state is UserState.ACTIVE:
        await _act_in(uow, user, membership)
    else:
        await ask_admins(uow, user, membership.organization, now)


async def _invite(uow: UnitOfWork, token: str) -> Invite:
    invite = await uow.invites.get(token)
    if invite is None:
        raise NotFound("invite", token)
    return invite


def kept(membership: Membership) -> Membership:
    """An earlier membership stays as it is; a blocked person is not let back in by a link."""
    if membership.state is UserState.BLOCKED:
        raise NotPermitted("join", "user_is_blocked")
    return membership


async def _act_in(uow: UnitOfWork, user: User, membership: Membership) -> None:
    """Make ``membership``'s organization the person's current one."""
    user.organization = membership.organization
    user.role, user.state = membership.role, membership.state
    await uow.users.save(user)
