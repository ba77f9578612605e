"""Actions that need a choice first: a person with their load (assign, reassign), a priority.

The choice is the button's ``arg``: none (or a page) shows the choices, a value acts.
"""

import attrs

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers.actions.shown import act_on_button, given_by
from zavhoz.adapters.telegram.handlers.actions.table import Row
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.catalog import Priority

PRIORITIES = {level.value: level for level in Priority}


async def person(scene: Scene, row: Row, card: RequestCard, arg: str) -> None:
    if arg.isdigit():
        await act_on_button(scene, row, attrs.evolve(given_by(scene, card), person=int(arg)))
        return
    request = card.request
    people = [
        w
        for w in await scene.services.executors(scene.user.id, request.id)
        if w.user.id != request.assignee
    ]
    if not people:
        scene.alert(scene.t("act.no_workers"))
        return
    current = card.names.get(request.assignee, "") if request.assignee else ""
    text = scene.t(f"act.ask.{row.action}", number=spoken(request), current=current)
    await scene.show(text, kb.workers(scene.t, request, row.action, people, _page(arg)))


async def priority(scene: Scene, row: Row, card: RequestCard, arg: str) -> None:
    if arg:
        await _change_to(scene, row, card, arg)
        return
    request = card.request
    current = words.priority(scene.t, request.priority)
    text = scene.t(f"act.ask.{row.action}", number=spoken(request), current=current)
    await scene.show(text, kb.priorities(scene.t, request))


async def _change_to(scene: Scene, row: Row, card: RequestCard, value: str) -> None:
    chosen = PRIORITIES.get(value)
    if chosen is None:
        scene.toast(scene.t("common.stale_button"))
        return
    await act_on_button(scene, row, attrs.evolve(given_by(scene, card), priority=chosen))


def _page(arg: str) -> int:
    number = arg.removeprefix(kb.PAGE_ARG)
    return int(number) if arg.startswith(kb.PAGE_ARG) and number.isdigit() else 0
