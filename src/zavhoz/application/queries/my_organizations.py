from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.users import UserState


class GetMyOrganizations(Service):
    """Where a person is an active member, by name: what they may switch to."""

    async def __call__(self, person: UserId) -> list[tuple[Organization, Membership]]:
        async with self._reading() as uow:
            mine = await uow.memberships.of_person(person)
            found = []
            for membership in (m for m in mine if m.state is UserState.ACTIVE):
                org = await uow.organizations.get(membership.organization)
                if org is not None:
                    found.append((org, membership))
        return sorted(found, key=lambda pair: (pair[0].name.casefold(), pair[0].id))
