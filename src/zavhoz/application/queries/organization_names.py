from collections.abc import Iterable

from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import OrgId


class GetOrganizationNames(Service):
    """The names of a few organizations (those on one screen), read once per screen."""

    async def __call__(self, organizations: Iterable[OrgId]) -> dict[OrgId, str]:
        names: dict[OrgId, str] = {}
        async with self._reading() as uow:
            for org_id in sorted(set(organizations)):
                org = await uow.organizations.get(org_id)
                if org is not None:
                    names[org_id] = org.name
        return names
