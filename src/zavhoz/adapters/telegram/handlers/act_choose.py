"""Actions that need a choice first: assign or reassign (people with their load), priority."""

from zavhoz.adapters.telegram.handlers.act_common import Press, alert_text, ensure_offered, replace
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.views import words
from zavhoz.application.use_cases.assign_request import AssignRequestCommand
from zavhoz.application.use_cases.change_priority import ChangePriorityCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequestCommand
from zavhoz.domain.catalog import Priority
from zavhoz.domain.ids import UserId
from zavhoz.domain.workflow import Action


async def assign(p: Press) -> None:
    """No argument: the list of people with their load; a person's id: assign to them."""
    reassigning = p.data.action == Action.REASSIGN
    if p.data.arg.isdigit():
        target = UserId(int(p.data.arg))
        if reassigning:
            await p.services.reassign(
                ReassignRequestCommand(
                    actor_id=p.user.id, request_id=p.request_id, assignee_id=target
                )
            )
        else:
            await p.services.assign(
                AssignRequestCommand(
                    actor_id=p.user.id, request_id=p.request_id, assignee_id=target
                )
            )
        await p.done(p.t(f"act.done.{p.data.action}"))
        return
    ensure_offered(p.card, p.user, Action(p.data.action))
    request = p.card.request
    people = [w for w in await p.services.executors() if w.user.id != request.assignee]
    if not people:
        p.answer.text, p.answer.show_alert = alert_text(p.t("act.no_workers")), True
        return
    page = _page(p.data.arg)
    if reassigning:
        current = p.card.names.get(request.assignee, "") if request.assignee else ""
        text = p.t("act.choose_reassignee", number=request.id, current=current)
    else:
        text = p.t("act.choose_assignee", number=request.id)
    markup = kb.workers(p.t, request, p.data.action, people, page)
    await replace(p.query, p.bot, text, markup)


def _page(arg: str) -> int:
    number = arg.removeprefix(kb.PAGE_ARG)
    return int(number) if arg.startswith(kb.PAGE_ARG) and number.isdigit() else 0


async def change_priority(p: Press) -> None:
    if p.data.arg:
        if p.data.arg not in {level.value for level in Priority}:
            p.answer.text = p.t("common.stale_button")
            return
        priority = Priority(p.data.arg)
        await p.services.change_priority(
            ChangePriorityCommand(actor_id=p.user.id, request_id=p.request_id, priority=priority)
        )
        await p.done(p.t("act.done.change_priority", priority=words.priority(p.t, priority)))
        return
    ensure_offered(p.card, p.user, Action.CHANGE_PRIORITY)
    request = p.card.request
    text = p.t(
        "act.choose_priority", number=request.id, current=words.priority(p.t, request.priority)
    )
    await replace(p.query, p.bot, text, kb.priorities(p.t, request))
