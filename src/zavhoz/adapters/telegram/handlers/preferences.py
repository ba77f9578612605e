"""An admin's «🔕 Не присылать предупреждения о сроках» / «🔔 Присылать…» on a push.

The toggle is on the daily digest and on each SLA warning an admin gets. The core decides who may
(active admins, for themselves); a refusal becomes an alert by itself. The pressed push keeps its
text and its other buttons (a warning's «Открыть №N»); the toggle turns to the opposite.
"""

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.handlers._screen import unchanged
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.notices.keyboards import SlaWarningsCb, toggled
from zavhoz.adapters.telegram.services import Services
from zavhoz.application.use_cases.set_sla_warnings import SetSlaWarningsCommand
from zavhoz.domain.users import User


async def toggle_sla_warnings(
    query: CallbackQuery,
    callback_data: SlaWarningsCb,
    user: User,
    t: Texts,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    muted = bool(callback_data.mute)
    person = await services.set_sla_warnings(SetSlaWarningsCommand(actor_id=user.id, muted=muted))
    state = "muted" if person.mute_sla_warnings else "unmuted"
    callback_answer.text = t(f"notices.sla_warnings.{state}")
    if not isinstance(query.message, Message):
        return
    markup = toggled(query.message.reply_markup, t, muted=person.mute_sla_warnings)
    try:
        await query.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if not unchanged(error):
            raise


def router() -> Router:
    routes = Router(name="preferences")
    routes.callback_query.register(toggle_sla_warnings, SlaWarningsCb.filter())
    return routes
