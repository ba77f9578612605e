"""Random people across a district and two schools act through the real use cases: nobody ever
sees, receives or changes anything outside their reach (ORGANIZATIONS.md, "Isolation")."""

import asyncio
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from tests.unit.builders import MONDAY_NOON_MSK, user
from tests.unit.test_workflow_machine import command_for, plausible
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import PageRequest
from zavhoz.application.queries.queue import GetQueue
from zavhoz.application.queries.request_card import GetRequestCard
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.switch_organization import (
    SwitchOrganization,
    SwitchOrganizationCommand,
)
from zavhoz.domain.catalog import Category
from zavhoz.domain.errors import DomainError, NotFound
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.users import Role, UserState

DISTRICT, SCHOOL_A, SCHOOL_B = FIRST_ORG, OrgId(2), OrgId(3)
CHAIN = {DISTRICT: {DISTRICT}, SCHOOL_A: {DISTRICT, SCHOOL_A}, SCHOOL_B: {DISTRICT, SCHOOL_B}}
"""Where a membership must be for its role to reach each organization."""
PEOPLE = [UserId(n) for n in range(1, 9)]
ORGS = st.sampled_from(sorted(CHAIN))
STATES = st.sampled_from([UserState.ACTIVE] * 4 + [UserState.PENDING, UserState.BLOCKED])
SEATS = st.tuples(ORGS, st.sampled_from(list(Role)), STATES)


def schools() -> dict[OrgId, Organization]:
    return {
        DISTRICT: Organization(id=DISTRICT, slug="district", name="Район"),
        SCHOOL_A: Organization(id=SCHOOL_A, slug="a", name="Школа А", parent=DISTRICT),
        SCHOOL_B: Organization(id=SCHOOL_B, slug="b", name="Школа Б", parent=DISTRICT),
    }


class Isolation(RuleBasedStateMachine):
    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.db = MemoryDatabase(organizations=schools())
        self.clock = FakeClock(MONDAY_NOON_MSK)

    def teardown(self) -> None:
        self.loop.close()

    def run(self, service: type, *arguments: Any) -> Any:
        use_case = service(memory_uow_factory(self.db), self.clock, WorkflowSettings())
        return self.loop.run_until_complete(use_case(*arguments))

    def reaches(self, person: UserId, org: OrgId) -> bool:
        """An active membership at ``org``, or an executor's or admin's above it."""
        return any(
            m.person == person
            and m.state is UserState.ACTIVE
            and m.organization in (CHAIN[org] if m.role is not Role.STAFF else {org})
            for m in self.db.memberships.values()
        )

    @initialize(seats=st.lists(SEATS, min_size=len(PEOPLE), max_size=len(PEOPLE)), extra=SEATS)
    def people(self, seats: list[tuple[OrgId, Role, UserState]], extra: Any) -> None:
        for person, (org, role, state) in zip(PEOPLE, seats, strict=True):
            self.db.users[person] = attrs.evolve(user(person, role, state), organization=org)
            self.db.memberships[person, org] = Membership(
                person=person, organization=org, role=role, state=state
            )
        org, role, state = extra  # the first person may belong to a second organization
        if (PEOPLE[0], org) not in self.db.memberships:
            self.db.memberships[PEOPLE[0], org] = Membership(
                person=PEOPLE[0], organization=org, role=role, state=state
            )

    @rule(target=requests, author=st.sampled_from(PEOPLE))
    def file(self, author: UserId) -> MultipleResults[RequestId]:
        command = CreateRequestCommand(
            author_id=author,
            location="Каб. 305",
            category=Category.PLUMBING,
            description="Течёт кран в туалете",
        )
        try:
            request = self.run(CreateRequest, command)
        except DomainError:
            return multiple()
        assert self.reaches(author, request.organization)
        return multiple(RequestId(request.id))

    @rule(
        number=requests,
        wanted=st.integers(0, 20),
        who=st.sampled_from(["author", "assignee", *PEOPLE]),
        arg=st.integers(0, 20),
    )
    def act(self, number: RequestId, wanted: int, who: str | UserId, arg: int) -> None:
        """``wanted`` picks among the actions the request's status allows now."""
        before = self.db.requests[number]
        action = plausible(before.status, wanted)
        actor = {"author": before.author, "assignee": before.assignee}.get(str(who), who)
        if not isinstance(actor, int):
            return
        try:
            self.run(*command_for(action, UserId(actor), number, arg))
        except NotFound:
            event("refused: not found")
            assert self.db.requests[number] is before
            return
        except DomainError:
            assert self.db.requests[number] is before
            return
        event(f"{action.value}: accepted")
        assert self.reaches(UserId(actor), before.organization), "acted beyond reach"

    @rule(number=requests, viewer=st.sampled_from(PEOPLE))
    def open_card(self, number: RequestId, viewer: UserId) -> None:
        try:
            card = self.run(GetRequestCard, viewer, number)
        except DomainError:
            return
        assert self.reaches(viewer, card.request.organization), "saw a card beyond reach"

    @rule(person=st.sampled_from(PEOPLE), org=ORGS)
    def switch(self, person: UserId, org: OrgId) -> None:
        command = SwitchOrganizationCommand(person=person, organization=org)
        try:
            self.run(SwitchOrganization, command)
        except DomainError:
            return
        event("switched")
        assert self.db.memberships[person, org].state is UserState.ACTIVE

    @rule(viewer=st.sampled_from(PEOPLE))
    def queue(self, viewer: UserId) -> None:
        try:
            page = self.run(GetQueue, viewer, QueueFilter(), PageRequest(limit=50))
        except DomainError:
            return
        for request in page.items:
            assert self.reaches(viewer, request.organization), "a queue line beyond reach"

    @invariant()
    def nobody_is_told_of_a_request_beyond_their_reach(self) -> None:
        for message in self.db.outbox:
            if message.request_id is not None:
                org = self.db.requests[message.request_id].organization
                assert message.organization == org
                assert self.reaches(message.recipient, org), f"{message.template} told beyond reach"


Isolation.TestCase.settings = hypothesis_settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_isolation = pytest.mark.filterwarnings("ignore::DeprecationWarning")(Isolation.TestCase)
