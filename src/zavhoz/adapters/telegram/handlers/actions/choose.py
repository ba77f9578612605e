"""Actions that need a choice first: assign or reassign (people with their load), priority."""

from zavhoz.adapters.telegram.handlers._screen import replace
from zavhoz.adapters.telegram.handlers.actions.press import Press, ensure_offered
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.views import words
from zavhoz.application.use_cases.assign_request import AssignRequestCommand
from zavhoz.application.use_cases.change_priority import ChangePriorityCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequestCommand
from zavhoz.domain.catalog import Priority
from zavhoz.domain.ids import UserId
from zavhoz.domain.workflow import Action


async def assign(p: Press) -> None:
    """No argument (or a page): the people with their load; a person's id: assign to them."""
    if p.data.arg.isdigit():
        await _assign_to(p, UserId(int(p.data.arg)))
        return
    ensure_offered(p.card, p.user, Action(p.data.action))
    request = p.card.request
    people = [w for w in await p.services.executors() if w.user.id != request.assignee]
    if not people:
        p.alert(p.t("act.no_workers"))
        return
    if p.data.action == Action.REASSIGN:
        current = p.card.names.get(request.assignee, "") if request.assignee else ""
        text = p.t("act.choose_reassignee", number=request.id, current=current)
    else:
        text = p.t("act.choose_assignee", number=request.id)
    markup = kb.workers(p.t, request, p.data.action, people, _page(p.data.arg))
    await replace(p.query, p.bot, text, markup)


async def _assign_to(p: Press, target: UserId) -> None:
    actor, request_id = p.user.id, p.request_id
    if p.data.action == Action.REASSIGN:
        await p.services.reassign(
            ReassignRequestCommand(actor_id=actor, request_id=request_id, assignee_id=target)
        )
    else:
        await p.services.assign(
            AssignRequestCommand(actor_id=actor, request_id=request_id, assignee_id=target)
        )
    await p.done(p.t(f"act.done.{p.data.action}"))


def _page(arg: str) -> int:
    number = arg.removeprefix(kb.PAGE_ARG)
    return int(number) if arg.startswith(kb.PAGE_ARG) and number.isdigit() else 0


async def change_priority(p: Press) -> None:
    """No argument: the other priorities to choose from; a priority: change to it."""
    if p.data.arg:
        await _change_to(p, p.data.arg)
        return
    ensure_offered(p.card, p.user, Action.CHANGE_PRIORITY)
    request = p.card.request
    current = words.priority(p.t, request.priority)
    text = p.t("act.choose_priority", number=request.id, current=current)
    await replace(p.query, p.bot, text, kb.priorities(p.t, request))


async def _change_to(p: Press, value: str) -> None:
    if value not in {level.value for level in Priority}:
        p.answer.text = p.t("common.stale_button")
        return
    priority = Priority(value)
    await p.services.change_priority(
        ChangePriorityCommand(actor_id=p.user.id, request_id=p.request_id, priority=priority)
    )
    await p.done(p.t("act.done.change_priority", priority=words.priority(p.t, priority)))
