"""Random actions by random actors against the real use cases and in-memory adapters.

Checks the invariants of ARCHITECTURE.md "Core conventions": no path reaches a state the table
forbids, history length equals the number of accepted actions, final states stay final, SLA
deadlines only move earlier on a priority change, refused actions change nothing, the actor is
never notified of their own action and the author never hears of an internal note.
"""

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.add_comment import AddComment, AddCommentCommand
from zavhoz.application.use_cases.assign_request import AssignRequest, AssignRequestCommand
from zavhoz.application.use_cases.cancel_request import CancelRequest, CancelRequestCommand
from zavhoz.application.use_cases.change_priority import ChangePriority, ChangePriorityCommand
from zavhoz.application.use_cases.complete_request import CompleteRequest, CompleteRequestCommand
from zavhoz.application.use_cases.confirm_request import ConfirmRequest, ConfirmRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequest, HoldRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequest, RateRequestCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequest, ReassignRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequest, RejectRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequest, ReopenRequestCommand
from zavhoz.application.use_cases.resume_request import ResumeRequest, ResumeRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequest, WatchRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import DomainError
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role
from zavhoz.domain.workflow import TRANSITIONS, Action

ROLES = {1: Role.STAFF, 2: Role.STAFF, 3: Role.EXECUTOR, 4: Role.EXECUTOR, 5: Role.ADMIN}
REASON = "Ждём запчасти со склада"
MAX_REQUESTS = 2
AUTHORS = st.sampled_from(sorted(ROLES))


def command_for(action: Action, actor: UserId, number: RequestId, arg: int) -> tuple[type, Any]:
    """The use case and command for ``action``; ``arg`` picks a target, a score or a priority."""
    ids = {"actor_id": actor, "request_id": number}
    target = UserId(3 + arg % 3)
    table: dict[Action, tuple[type, Any]] = {
        Action.TAKE: (TakeRequest, TakeRequestCommand(**ids)),
        Action.ASSIGN: (AssignRequest, AssignRequestCommand(**ids, assignee_id=target)),
        Action.REASSIGN: (ReassignRequest, ReassignRequestCommand(**ids, assignee_id=target)),
        Action.HOLD: (HoldRequest, HoldRequestCommand(**ids, reason=REASON)),
        Action.RESUME: (ResumeRequest, ResumeRequestCommand(**ids)),
        Action.COMPLETE: (CompleteRequest, CompleteRequestCommand(**ids, report="Починили")),
        Action.REJECT: (RejectRequest, RejectRequestCommand(**ids, reason=REASON)),
        Action.CANCEL: (CancelRequest, CancelRequestCommand(**ids)),
        Action.REOPEN: (ReopenRequest, ReopenRequestCommand(**ids, reason="Снова течёт")),
        Action.CONFIRM: (ConfirmRequest, ConfirmRequestCommand(**ids)),
        Action.RATE: (RateRequest, RateRequestCommand(**ids, score=1 + arg % 5)),
        Action.CHANGE_PRIORITY: (
            ChangePriority,
            ChangePriorityCommand(**ids, priority=list(Priority)[arg % 3]),
        ),
        Action.COMMENT: (AddComment, AddCommentCommand(**ids, text="Когда придёте?")),
        Action.INTERNAL_NOTE: (
            AddComment,
            AddCommentCommand(**ids, text="Нужен ключ от подвала", internal=True),
        ),
        Action.WATCH: (WatchRequest, WatchRequestCommand(**ids)),
    }
    return table[action]


MACHINE_ACTIONS = sorted(set(Action) - {Action.ADD_ATTACHMENT}, key=str)


def plausible(status: Status, index: int) -> Action:
    choices = (
        sorted((a for (s, a) in TRANSITIONS if s is status and a in MACHINE_ACTIONS), key=str)
        or MACHINE_ACTIONS
    )
    return choices[index % len(choices)]


class Workflow(RuleBasedStateMachine):
    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.db = MemoryDatabase(users={UserId(i): user(i, role) for i, role in ROLES.items()})
        self.clock = FakeClock(MONDAY_NOON_MSK)
        self.settings = WorkflowSettings()
        self.accepted: dict[RequestId, int] = {}

    def teardown(self) -> None:
        self.loop.close()

    def run(self, service: type, command: Any) -> Any:
        use_case = service(memory_uow_factory(self.db), self.clock, self.settings)
        return self.loop.run_until_complete(use_case(command))

    @initialize(target=requests, author=AUTHORS, priority=st.sampled_from(Priority))
    def first(self, author: int, priority: Priority) -> RequestId:
        return self.create(author, priority)

    @precondition(lambda self: len(self.accepted) < MAX_REQUESTS)
    @rule(target=requests, author=AUTHORS, priority=st.sampled_from(Priority))
    def another(self, author: int, priority: Priority) -> RequestId:
        return self.create(author, priority)

    def create(self, author: int, priority: Priority) -> RequestId:
        command = CreateRequestCommand(
            author_id=UserId(author),
            location="Каб. 305",
            category=Category.PLUMBING,
            description="Течёт кран в туалете",
            priority=priority,
        )
        request = self.run(CreateRequest, command)
        self.accepted[request.id] = 1
        return request.id

    @rule(
        number=requests,
        wanted=st.one_of(st.sampled_from(MACHINE_ACTIONS), st.integers(0, 20)),
        who=st.sampled_from(["author", "assignee", "admin", 1, 2, 3, 4]),
        arg=st.integers(0, 20),
    )
    def act(self, number: RequestId, wanted: Action | int, who: str | int, arg: int) -> None:
        """``wanted`` is an action, or an index into the actions the table allows right now."""
        before = self.db.requests[number]
        action = wanted if isinstance(wanted, Action) else plausible(before.status, wanted)
        actor = {"author": before.author, "assignee": before.assignee, "admin": 5}.get(who, who)
        if actor is None:
            return
        outbox_before = len(self.db.outbox)
        try:
            self.run(*command_for(action, UserId(int(actor)), number, arg))
        except DomainError as error:
            event(f"{action.value}: refused ({error.code})")
            assert self.db.requests[number] is before, "a refused action changed the request"
            assert len(self.db.outbox) == outbox_before
            return
        event(f"{action.value}: accepted")
        after = self.db.requests[number]
        recorded = len(self.db.history[number]) - self.accepted[number]
        self.accepted[number] += recorded
        if recorded:
            assert TRANSITIONS[(before.status, action)] is after.status
        else:
            assert action is Action.WATCH, "only a repeated watch may be accepted silently"
        assert not before.status.is_final
        if action is not Action.CHANGE_PRIORITY:
            assert after.resolve_by >= before.resolve_by
            assert after.respond_by == before.respond_by

    @rule(hours=st.integers(1, 100))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @invariant()
    def history_counts_accepted_actions(self) -> None:
        for number, count in self.accepted.items():
            assert len(self.db.history[number]) == count

    @invariant()
    def deadlines_are_sane(self) -> None:
        for request in self.db.requests.values():
            assert request.created_at <= request.respond_by <= request.resolve_by
            if request.status.is_final:
                assert request.next_alert_at is None

    @invariant()
    def nobody_hears_of_their_own_action_and_authors_never_of_notes(self) -> None:
        keys = [m.dedupe_key for m in self.db.outbox]
        assert len(keys) == len(set(keys))
        for message in self.db.outbox:
            assert message.recipient != message.params.get("actor")
            if message.template == "internal_note_added" and message.request_id:
                assert message.recipient != self.db.requests[message.request_id].author


Workflow.TestCase.settings = hypothesis_settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestWorkflow = pytest.mark.filterwarnings("ignore::DeprecationWarning")(Workflow.TestCase)
