"""Organizations: schools under districts, who belongs where, and how far a role reaches."""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from zavhoz.domain import text
from zavhoz.domain.errors import NotPermitted, ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId
from zavhoz.domain.users import Role, User, UserState

ORG_NAME = text.TextRule("org_name", 2, 100)
SLUG = re.compile(r"[a-z0-9-]{1,24}")
SLUG_LENGTH = 24
MAX_DEPTH = 3
"""A district over schools, and one level above districts (a city or a network)."""
UNSAVED_ORG = OrgId(0)

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,59}")
"""Invite tokens: ``join_<token>`` must stay within Telegram's 64 start-parameter characters."""

_RANK = {Role.STAFF: 0, Role.EXECUTOR: 1, Role.ADMIN: 2}


def check_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise ValidationFailed("slug", "pattern", SLUG_LENGTH, len(slug))
    return slug


def _clean_name(name: str) -> str:
    return ORG_NAME.clean(name)


@attrs.define(kw_only=True, eq=False)
class Organization:
    """``settings`` holds what this organization sets itself (``KEY: raw value``); the rest
    is inherited from the organizations above it, then from the environment."""

    id: OrgId = UNSAVED_ORG
    slug: str = attrs.field(converter=check_slug)
    name: str = attrs.field(converter=_clean_name)
    parent: OrgId | None = None
    settings: dict[str, str] = attrs.field(factory=dict)

    def rename(self, name: str) -> None:
        self.name = ORG_NAME.clean(name)

    def configure(self, changes: Mapping[str, str | None]) -> None:
        """Set values, or drop them (``None``) to inherit again."""
        for key, value in changes.items():
            if value is None:
                self.settings.pop(key, None)
            else:
                self.settings[key] = value


def first_organization() -> Organization:
    """The organization every deployment starts with (its name and slug may be changed)."""
    return Organization(id=FIRST_ORG, slug="school", name="School")


@attrs.frozen
class OrgTree:
    """Every organization's parent: what reach, inheritance and moves are decided on."""

    parents: Mapping[OrgId, OrgId | None]
    children: Mapping[OrgId, tuple[OrgId, ...]] = attrs.field(
        init=False, default=attrs.Factory(lambda tree: _children(tree.parents), takes_self=True)
    )

    @classmethod
    def of(cls, organizations: Iterable[Organization]) -> "OrgTree":
        return cls({org.id: org.parent for org in organizations})

    def chain(self, org: OrgId) -> tuple[OrgId, ...]:
        """From the root down to ``org``."""
        found: list[OrgId] = []
        current: OrgId | None = org
        while current is not None and current not in found:
            found.append(current)
            current = self.parents.get(current)
        return tuple(reversed(found))

    def below(self, org: OrgId) -> frozenset[OrgId]:
        """``org`` and every organization under it."""
        found, waiting = {org}, [org]
        while waiting:
            fresh = [child for child in self.children.get(waiting.pop(), ()) if child not in found]
            found.update(fresh)
            waiting.extend(fresh)
        return frozenset(found)

    def height(self, org: OrgId) -> int:
        """Levels from ``org`` down to its deepest organization, itself counted."""
        return max(len(self.chain(other)) for other in self.below(org)) - len(self.chain(org)) + 1

    def check_parent(self, org: OrgId, parent: OrgId | None) -> None:
        """Refuse a parent that would make a cycle or a tree deeper than ``MAX_DEPTH``."""
        if parent is None:
            return
        if parent not in self.parents:
            raise ValidationFailed("parent", "unknown")
        if org in self.chain(parent):
            raise ValidationFailed("parent", "cycle")
        depth = len(self.chain(parent)) + self.height(org)
        if depth > MAX_DEPTH:
            raise ValidationFailed("parent", "max_depth", MAX_DEPTH, depth)

    def inherited(self, org: OrgId, own: Mapping[OrgId, Mapping[str, str]]) -> dict[str, str]:
        """The settings ``org`` works by: each organization's own, the nearest one winning."""
        merged: dict[str, str] = {}
        for step in self.chain(org):
            merged.update(own.get(step, {}))
        return merged


def _children(parents: Mapping[OrgId, OrgId | None]) -> dict[OrgId, tuple[OrgId, ...]]:
    found: dict[OrgId, list[OrgId]] = {}
    for org, parent in parents.items():
        if parent is not None:
            found.setdefault(parent, []).append(org)
    return {parent: tuple(children) for parent, children in found.items()}


@attrs.frozen(kw_only=True)
class Membership:
    person: UserId
    organization: OrgId
    role: Role = Role.STAFF
    state: UserState = UserState.ACTIVE


def higher(first: Role | None, second: Role | None) -> Role | None:
    if first is None or second is None:
        return first or second
    return first if _RANK[first] >= _RANK[second] else second


def _covered(membership: Membership, tree: OrgTree) -> frozenset[OrgId]:
    if membership.role is Role.STAFF:
        return frozenset({membership.organization})
    return tree.below(membership.organization)


@attrs.frozen
class Reach:
    """Where a person acts and as what: an executor's or an admin's membership applies to its
    organization and every one below it, a staff member's to its own organization only (staff
    act on their own requests: below, reach would only let them watch other schools'); where
    several apply, the highest role counts."""

    roles: Mapping[OrgId, Role]
    members_of: frozenset[OrgId] = frozenset()
    """Organizations with the person's own active membership: where they may file requests."""

    @classmethod
    def of(cls, memberships: Iterable[Membership], tree: OrgTree) -> "Reach":
        roles: dict[OrgId, Role] = {}
        active = [m for m in memberships if m.state is UserState.ACTIVE]
        for membership in active:
            for org in _covered(membership, tree):
                roles[org] = higher(roles.get(org), membership.role) or membership.role
        return cls(roles, frozenset(m.organization for m in active))

    def role_at(self, org: OrgId) -> Role | None:
        return self.roles.get(org)

    def where(self, *roles: Role) -> frozenset[OrgId]:
        """Organizations where the person holds one of ``roles``."""
        return frozenset(org for org, role in self.roles.items() if role in roles)

    def reaches(self, org: OrgId) -> bool:
        return org in self.roles


def seated(user: User, reach: Reach, org: OrgId) -> User | None:
    """``user`` as they act in ``org`` (their highest role reaching it), or ``None`` where they
    have no active membership at ``org`` or above it: there, nothing of ``org`` exists for them."""
    role = reach.role_at(org)
    return None if role is None else attrs.evolve(user, role=role, state=UserState.ACTIVE)


@attrs.define(kw_only=True, eq=False)
class Invite:
    """A link that makes its opener a member (``t.me/<bot>?start=join_<token>``)."""

    token: str
    organization: OrgId
    role: Role = Role.STAFF
    created_by: UserId | None = None
    created_at: datetime
    expires_at: datetime | None = None
    revoked: bool = False

    def __attrs_post_init__(self) -> None:
        if not TOKEN.fullmatch(self.token):
            raise ValidationFailed("token", "pattern", 16, len(self.token))

    def usable(self, now: datetime) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def revoke(self) -> None:
        self.revoked = True

    def admit(self, person: UserId, now: datetime, *, approval: bool) -> Membership:
        """The membership opening the link makes: pending where admins approve newcomers."""
        if not self.usable(now):
            raise NotPermitted("join", "invite_expired" if not self.revoked else "invite_revoked")
        state = UserState.PENDING if approval else UserState.ACTIVE
        return Membership(
            person=person, organization=self.organization, role=self.role, state=state
        )
