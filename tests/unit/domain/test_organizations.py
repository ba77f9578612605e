"""Organizations: the tree, inherited settings, reach of a membership, invites."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.domain.errors import NotPermitted, ValidationFailed
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.organizations import (
    Invite,
    Membership,
    Organization,
    OrgTree,
    Reach,
    higher,
    seated,
)
from zavhoz.domain.users import Role, UserState

CITY, DISTRICT, SCHOOL_A, SCHOOL_B, OTHER = (OrgId(n) for n in range(1, 6))
TREE = OrgTree({CITY: None, DISTRICT: CITY, SCHOOL_A: DISTRICT, SCHOOL_B: DISTRICT, OTHER: CITY})
PERSON = UserId(7)


def member(org: OrgId, role: Role, state: UserState = UserState.ACTIVE) -> Membership:
    return Membership(person=PERSON, organization=org, role=role, state=state)


def test_the_chain_runs_from_the_root_down() -> None:
    assert TREE.chain(SCHOOL_A) == (CITY, DISTRICT, SCHOOL_A)
    assert TREE.below(DISTRICT) == {DISTRICT, SCHOOL_A, SCHOOL_B}
    assert TREE.height(CITY) == 3


@pytest.mark.parametrize(
    ("org", "parent", "rule"),
    [(DISTRICT, SCHOOL_A, "cycle"), (OTHER, SCHOOL_A, "max_depth"), (OTHER, OrgId(99), "unknown")],
)
def test_a_parent_that_breaks_the_tree_is_refused(org: OrgId, parent: OrgId, rule: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        TREE.check_parent(org, parent)
    assert refused.value.rule == rule


def test_a_school_may_move_to_another_district_within_the_depth() -> None:
    TREE.check_parent(SCHOOL_A, OTHER)
    TREE.check_parent(SCHOOL_A, None)


def test_the_nearest_setting_wins() -> None:
    own = {CITY: {"timezone": "Asia/Omsk", "working_hours": "08:00-17:00"}}
    own[SCHOOL_A] = {"working_hours": "07:30-16:00"}
    assert TREE.inherited(SCHOOL_A, own) == {
        "timezone": "Asia/Omsk",
        "working_hours": "07:30-16:00",
    }
    assert TREE.inherited(SCHOOL_B, own)["working_hours"] == "08:00-17:00"


def test_a_membership_reaches_down_and_the_highest_role_counts() -> None:
    reach = Reach.of([member(DISTRICT, Role.EXECUTOR), member(SCHOOL_A, Role.ADMIN)], TREE)
    assert reach.role_at(SCHOOL_A) is Role.ADMIN
    assert reach.role_at(SCHOOL_B) is Role.EXECUTOR
    assert reach.role_at(CITY) is None
    assert not reach.reaches(OTHER)
    assert reach.members_of == {DISTRICT, SCHOOL_A}


def test_staff_act_in_their_own_organization_only() -> None:
    reach = Reach.of([member(DISTRICT, Role.STAFF)], TREE)
    assert reach.roles == {DISTRICT: Role.STAFF}


def test_pending_and_blocked_memberships_reach_nothing() -> None:
    memberships = [member(SCHOOL_A, Role.ADMIN, UserState.PENDING)]
    memberships.append(member(SCHOOL_B, Role.STAFF, UserState.BLOCKED))
    assert Reach.of(memberships, TREE).roles == {}


def test_a_person_is_seated_with_their_role_where_they_reach_and_nowhere_else() -> None:
    reach = Reach.of([member(DISTRICT, Role.EXECUTOR)], TREE)
    person = user(PERSON, Role.STAFF, UserState.BLOCKED)
    seat = seated(person, reach, SCHOOL_B)
    assert seat is not None
    assert (seat.role, seat.is_active) == (Role.EXECUTOR, True)
    assert seated(person, reach, OTHER) is None


roles = st.sampled_from(list(Role))
states = st.sampled_from(list(UserState))
orgs = st.sampled_from([CITY, DISTRICT, SCHOOL_A, SCHOOL_B, OTHER])


@given(st.lists(st.builds(member, orgs, roles, states), max_size=6), orgs)
def test_reach_is_the_highest_active_role_on_the_way_down(
    memberships: list[Membership], org: OrgId
) -> None:
    expected = None
    for membership in memberships:
        above = TREE.chain(org) if membership.role is not Role.STAFF else (org,)
        if membership.state is UserState.ACTIVE and membership.organization in above:
            expected = higher(expected, membership.role)
    assert Reach.of(memberships, TREE).role_at(org) is expected


@pytest.mark.parametrize("slug", ["", "School", "a" * 25, "школа", "a b"])
def test_a_slug_is_short_lowercase_latin(slug: str) -> None:
    with pytest.raises(ValidationFailed):
        Organization(slug=slug, name="Школа")


def test_a_name_is_cleaned_and_limited() -> None:
    assert Organization(slug="s-1", name="  Школа   №1 ").name == "Школа №1"
    with pytest.raises(ValidationFailed):
        Organization(slug="s-1", name="Ш")
    org = Organization(slug="s-1", name="Школа")
    org.configure({"timezone": "Asia/Omsk"})
    org.configure({"timezone": None, "working_days": "mon-sat"})
    assert org.settings == {"working_days": "mon-sat"}


def invite(**changes: object) -> Invite:
    fields: dict[str, object] = {
        "token": "A" * 22,
        "organization": SCHOOL_A,
        "role": Role.EXECUTOR,
        "created_at": MONDAY_NOON_MSK,
        "expires_at": MONDAY_NOON_MSK + timedelta(days=7),
    }
    return Invite(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize("approval", [False, True])
def test_an_invite_admits_with_its_role(approval: bool) -> None:
    admitted = invite().admit(PERSON, MONDAY_NOON_MSK, approval=approval)
    assert (admitted.organization, admitted.role) == (SCHOOL_A, Role.EXECUTOR)
    assert admitted.state is (UserState.PENDING if approval else UserState.ACTIVE)


def test_an_expired_or_revoked_invite_admits_nobody() -> None:
    late = MONDAY_NOON_MSK + timedelta(days=7)
    with pytest.raises(NotPermitted, match="invite_expired"):
        invite().admit(PERSON, late, approval=False)
    revoked = invite()
    revoked.revoke()
    with pytest.raises(NotPermitted, match="invite_revoked"):
        revoked.admit(PERSON, MONDAY_NOON_MSK, approval=False)


@pytest.mark.parametrize("token", ["short", "x" * 60, "has space in it!!"])
def test_a_token_fits_a_start_parameter(token: str) -> None:
    with pytest.raises(ValidationFailed):
        invite(token=token)
