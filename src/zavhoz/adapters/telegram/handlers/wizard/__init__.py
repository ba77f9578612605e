"""The new-request wizard and a room's QR code; a module a screen:

entry.py       «📝 Новая заявка», /new, and an unfinished draft («▶️ Продолжить» or start anew)
room_link.py   a room's QR code (``room_links.py``): «Уже сообщили?», the same problem, or a new one
steps.py       what is typed or pressed in the wizard, handed to its step's module:
location.py    the place (typed, or a recent place's or room's button)
choices.py     category and priority (buttons)
description.py the description (text, or a file's caption)
files.py       photos and documents
confirm.py     the confirmation card: change a field, send
navigation.py  keep, back, cancel
questions.py   each step's question; flow.py: moving between steps
turn.py        one update's context: the person, their draft (views/draft.py), the FSM data
loading.py     gives each handler its ``turn``
"""

from aiogram import F, Router
from aiogram.filters import Command, CommandStart, StateFilter

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers._not_menu import NotMenuButton
from zavhoz.adapters.telegram.handlers.start import drop_draft
from zavhoz.adapters.telegram.handlers.wizard import confirm, entry, room_link, steps
from zavhoz.adapters.telegram.handlers.wizard.loading import TurnMiddleware
from zavhoz.adapters.telegram.menu_filter import MenuButton
from zavhoz.adapters.telegram.room_links import PREFIXES as ROOM_LINKS
from zavhoz.adapters.telegram.states import NewRequest

DRAFT_CHOICE = ((F.step == "draft") & F.value.in_({"continue", "new"})) | (F.step == "room")
DRAFT_DROP = (F.step == "draft") & (F.value == "drop")


def router() -> Router:
    routes = Router(name="wizard")
    routes.message.middleware(TurnMiddleware())
    routes.callback_query.middleware(TurnMiddleware())
    routes.message.register(entry.new, MenuButton("new"))
    routes.message.register(entry.new, Command("new"))
    routes.message.register(
        room_link.room_link, CommandStart(deep_link=True, magic=F.args.startswith(ROOM_LINKS))
    )
    routes.message.register(steps.on_message, StateFilter(NewRequest), NotMenuButton())
    routes.callback_query.register(  # the wizard's own buttons, pressed most: checked first
        steps.on_button, WizardCb.filter(F.step.in_(set(steps.BUTTONS))), StateFilter(NewRequest)
    )
    routes.callback_query.register(entry.on_draft, WizardCb.filter(DRAFT_CHOICE))
    routes.callback_query.register(confirm.send, WizardCb.filter(F.step == "send"))
    routes.callback_query.register(room_link.same_problem, WizardCb.filter(F.step == "same"))
    routes.callback_query.register(room_link.new_problem, WizardCb.filter(F.step == "newat"))
    routes.callback_query.register(room_link.join_room, WizardCb.filter(F.step == "join"))
    # /start's «🗑 Удалить черновик»: every wizard button is this router's, so others skip them.
    routes.callback_query.register(drop_draft, WizardCb.filter(DRAFT_DROP))
    return routes
