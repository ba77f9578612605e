from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.users import UserState


class GetMyOrganizations(Service):
    """Where a person is an active member, by name: what they may switch to.

    It reads what every reach check reads (the person's memberships, every organization), so
    whatever keeps those at hand for reach keeps /start's switcher free too."""

    async def __call__(self, person: UserId) -> list[tuple[Organization, Membership]]:
        async with self._reading() as uow:
            mine = await uow.memberships.of_person(person)
            active = {m.organization: m for m in mine if m.state is UserState.ACTIVE}
            if not active:
                return []
            found = [(await uow.organizations.get(org), m) for org, m in active.items()]
        pairs = [(org, m) for org, m in found if org is not None]
        return sorted(pairs, key=lambda pair: (pair[0].name.casefold(), pair[0].id))
