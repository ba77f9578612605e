"""The school's name beside a request's number, where it is not the viewer's own organization
(a district's crew sees every school's requests): one look-up a screen, none in one school."""

from collections.abc import Iterable

from zavhoz.adapters.telegram.services import Services
from zavhoz.domain.ids import OrgId
from zavhoz.domain.request import Request
from zavhoz.domain.users import User

Schools = dict[OrgId, str]


async def schools_of(services: Services, viewer: User, requests: Iterable[Request]) -> Schools:
    """The names of the organizations of ``requests`` other than the viewer's current one."""
    others = {request.organization for request in requests} - {viewer.organization}
    return await services.organization_names(others) if others else {}
