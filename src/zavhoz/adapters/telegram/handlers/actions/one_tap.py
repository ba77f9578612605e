"""Actions done with one tap on the card: take, resume, confirm, watch, rate; and «Назад»."""

from zavhoz.adapters.telegram.handlers.actions.press import Press, redraw_card
from zavhoz.application.use_cases.confirm_request import ConfirmRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequestCommand
from zavhoz.application.use_cases.resume_request import ResumeRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequestCommand


async def take(p: Press) -> None:
    await p.services.take(TakeRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.take"))


async def resume(p: Press) -> None:
    await p.services.resume(ResumeRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.resume"))


async def confirm(p: Press) -> None:
    await p.services.confirm(ConfirmRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.confirm"))


async def watch(p: Press) -> None:
    await p.services.watch(WatchRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.watch"))


async def rate(p: Press) -> None:
    """The stars are the button's ``arg``."""
    if not p.data.arg.isdigit():
        p.answer.text = p.t("common.stale_button")
        return
    score = int(p.data.arg)
    command = RateRequestCommand(actor_id=p.user.id, request_id=p.request_id, score=score)
    await p.services.rate(command)
    await p.done(p.t("act.done.rate", stars="★" * score))


async def back(p: Press) -> None:
    """From a choice (people, priorities) back to the card."""
    await redraw_card(p.query, p.bot, p.card, p.t, p.services)
