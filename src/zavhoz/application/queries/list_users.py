"""The people of the organizations an admin administers, as members there."""

import attrs

from zavhoz.application.paging import MAX_PAGE_SIZE, Page, PageRequest
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.queries._admin_scope import admin_scope
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.users import User, UserState


class ListUsers(Service):
    """Admins' list of the memberships in the organizations they administer from where they
    are now (``school``: one of them and those below it), optionally only those in one state
    (e.g. pending approval). Each line is a person as a member of one organization: its id is
    the line's ``organization``, its role and state theirs there. ``viewer_id=None`` is the
    operator at the command line, whose ``school`` is the ``--org`` given (all when ``None``).
    """

    async def __call__(
        self,
        viewer_id: UserId | None,
        page: PageRequest,
        state: UserState | None = None,
        school: OrgId | None = None,
    ) -> Page[User]:
        members = await self.everyone(viewer_id, state, school)
        window = members[page.offset : page.offset + page.limit]
        return Page(tuple(window), len(members), page.offset, page.limit)

    async def everyone(
        self, viewer_id: UserId | None, state: UserState | None = None, school: OrgId | None = None
    ) -> list[User]:
        """The whole list at once (for the command line)."""
        async with self._reading() as uow:
            scope = await admin_scope(uow, viewer_id, school, "manage_users")
            return await members_of(uow, scope.organizations, state)


async def members_of(
    uow: UnitOfWork, organizations: frozenset[OrgId], state: UserState | None
) -> list[User]:
    """Every person's memberships in ``organizations`` (in ``state``), by person then
    organization. Reads every person: the ports have no listing of memberships by organization
    yet (``MembershipRepository.in_organizations`` would answer it with one query)."""
    found: list[User] = []
    offset = 0
    while True:
        people = await uow.users.page_by_state(None, PageRequest(offset, MAX_PAGE_SIZE))
        for person in people.items:
            found.extend(
                as_member(person, membership)
                for membership in _by_organization(await uow.memberships.of_person(person.id))
                if membership.organization in organizations and state in (None, membership.state)
            )
        if not people.has_next or not people.items:
            return found
        offset += len(people.items)


def _by_organization(memberships: list[Membership]) -> list[Membership]:
    return sorted(memberships, key=lambda membership: membership.organization)


def as_member(person: User, membership: Membership) -> User:
    """``person`` as a member of ``membership``'s organization: their role and state there."""
    return attrs.evolve(
        person,
        organization=membership.organization,
        role=membership.role,
        state=membership.state,
    )
