from collections.abc import Iterable, Mapping

import attrs

from zavhoz.application.org_settings import BadSetting, inherited_settings, refuse_unknown
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.reach import check_admin, load_org
from zavhoz.application.transaction import in_transaction
from zavhoz.application.use_cases._org_service import OrgSettingsService
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import Organization


@attrs.frozen(kw_only=True)
class ConfigureOrganizationCommand:
    actor_id: UserId | None
    """An admin reaching the organization, or ``None`` for the operator."""
    organization: OrgId | str
    changes: Mapping[str, str | None]
    """New values by key; ``None`` drops the organization's own value, to inherit again."""


def parse_pairs(pairs: Iterable[str]) -> dict[str, str | None]:
    """``["timezone=Asia/Omsk", "holidays="]`` as changes (an empty value: inherit again)."""
    changes: dict[str, str | None] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise BadSetting(pair, "key_value", reason="write KEY=VALUE, or KEY= to inherit")
        changes[key.strip()] = value.strip() or None
    return changes


class ConfigureOrganization(OrgSettingsService):
    """An organization's own settings: each checked by the parser the environment's use."""

    async def __call__(self, command: ConfigureOrganizationCommand) -> Organization:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: ConfigureOrganizationCommand) -> Organization:
        organization = await load_org(uow, command.organization)
        await check_admin(uow, command.actor_id, (organization.id,), "configure_organization")
        refuse_unknown(self._org_settings.keys, command.changes)
        organization.configure(command.changes)
        await uow.organizations.save(organization)
        self._org_settings.check(await inherited_settings(uow, organization.id))
        return organization
