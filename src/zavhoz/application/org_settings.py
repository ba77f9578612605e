"""What an organization may set for itself, and the port that parses and checks it."""

from collections.abc import Mapping
from typing import Protocol

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import OrgId

ORG_KEYS = (
    "timezone",
    "working_days",
    "working_hours",
    "holidays",
    "registration",
    "notify_executors",
    "require_completion_photo",
    "default_locale",
)
"""The environment's settings an organization may override (the rest are the deployment's)."""


@attrs.define(slots=False)
class BadSetting(ValidationFailed):
    """A setting's value broke its rule: ``reason`` says what is expected."""

    reason: str = ""

    def __str__(self) -> str:
        return f"{self.field}: {self.reason or self.rule}"


class OrgSettings(Protocol):
    """One parser for each setting, shared by the environment and every organization."""

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys an organization may set."""

    @property
    def environment(self) -> Mapping[str, str]:
        """The deployment's value of every key, as it would be written: what nobody overrides."""

    def check(self, merged: Mapping[str, str]) -> None:
        """Raise ``BadSetting`` naming the first key whose value (or name) breaks its rule."""

    def workflow(self, merged: Mapping[str, str]) -> WorkflowSettings:
        """The environment's workflow with ``merged`` (checked) laid over it."""


async def inherited_settings(uow: UnitOfWork, org: OrgId) -> dict[str, str]:
    """What ``org`` sets itself or inherits from the organizations above it."""
    tree = await uow.organizations.tree()
    own = {step: await _own_settings(uow, step) for step in tree.chain(org)}
    return tree.inherited(org, own)


async def _own_settings(uow: UnitOfWork, org: OrgId) -> dict[str, str]:
    found = await uow.organizations.get(org)
    return found.settings if found is not None else {}


def refuse_unknown(keys: tuple[str, ...], given: Mapping[str, object]) -> None:
    unknown = sorted(set(given) - set(keys))
    if unknown:
        raise BadSetting(
            unknown[0], "unknown_setting", reason=f"not a setting; use {', '.join(keys)}"
        )


async def workflow_of(uow: UnitOfWork, settings: WorkflowSettings, org: OrgId) -> WorkflowSettings:
    """The workflow ``org`` works by: its calendar, registration mode and flags."""
    if settings.per_organization is None:
        return settings
    return settings.per_organization(await inherited_settings(uow, org))
