"""The new-request wizard (place, category, description, urgency, files, confirmation) and a
room's QR code (``/start room_<code>``: "Уже сообщили?", then the wizard with the room filled in).

The draft lives in the FSM data as plain JSON (views/draft.py). Every update of one person is
handled under that person's lock, and the step is read inside it: the photos of an album arrive
as separate updates at the same moment and must be counted one after another, not over each other.
"""

import asyncio
import logging
import weakref
from typing import Any

import attrs
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards import wizard as kb
from zavhoz.adapters.telegram.keyboards.menu import (
    ADMIN_ITEMS,
    EXECUTOR_ITEMS,
    STAFF_ITEMS,
    main_menu,
)
from zavhoz.adapters.telegram.menu_filter import MenuButton
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import NewRequest
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.draft import Draft, draft_card
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain.attachments import MAX_ATTACHMENTS, MAX_DOCUMENT_BYTES, Attachment
from zavhoz.domain.attachments import AttachmentKind as Kind
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import RequestId, RoomCode
from zavhoz.domain.rooms import Room, room_code
from zavhoz.domain.sla import SLA_TERMS
from zavhoz.domain.text import DESCRIPTION, LOCATION
from zavhoz.domain.users import User

log = logging.getLogger("zavhoz.telegram.wizard")

STEPS = ("location", "category", "description", "priority", "attachments", "confirm")
STATE_OF = {step: getattr(NewRequest, step) for step in STEPS}
STEP_OF = {state.state: step for step, state in STATE_OF.items()}
MAX_PLACES = 8
"""Location buttons: the person's recent places first, then known rooms."""
HINT_REQUESTS = 5
"""Open requests listed in a room's hint (the newest); the rest are counted."""
PHOTO_MIME = "image/jpeg"
MEGABYTE = 1024 * 1024

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@attrs.define
class Turn:
    """One update of a person in the wizard: who, where to answer, and their FSM data.

    The wizard's newest question (``data["prompt"]``) is the only message whose buttons are
    alive: asking the next one takes the buttons off the previous, so an old button is rare.
    """

    user: User
    t: Texts
    services: Services
    state: FSMContext
    bot: Bot
    chat_id: int
    data: dict[str, Any]
    draft: Draft
    pressed: int | None = None
    """The message whose button was pressed (its handler edits it)."""

    @classmethod
    async def load(
        cls,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
        source: Message | CallbackQuery,
    ) -> "Turn":
        data = await state.get_data()
        draft = Draft.from_data(data) or Draft()
        if isinstance(source, Message):
            return cls(user, t, services, state, bot, source.chat.id, data, draft)
        message = source.message
        chat_id = message.chat.id if message is not None else user.id
        pressed = message.message_id if isinstance(message, Message) else None
        return cls(user, t, services, state, bot, chat_id, data, draft, pressed)

    @property
    def editing(self) -> bool:
        return bool(self.data.get("editing"))

    async def step(self) -> str | None:
        return STEP_OF.get(await self.state.get_state() or "")

    async def save(self) -> None:
        self.data |= self.draft.to_data()
        await self.state.set_data(self.data)

    async def say(self, text: str, markup: Markup | None = None) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def ask(self, text: str, markup: InlineKeyboardMarkup) -> None:
        """Send the wizard's question with its buttons, retiring the previous one; save."""
        await self.retire()
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        self.data["prompt"] = sent.message_id
        await self.save()

    async def retire(self) -> None:
        prompt = self.data.pop("prompt", None)
        if not isinstance(prompt, int) or prompt == self.pressed:
            return
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=prompt, reply_markup=None
            )
        except TelegramBadRequest as error:
            log.info("could not take the buttons off message %s: %s", prompt, error)

    async def leave(self) -> None:
        """Out of the wizard; only the record of the last sent draft stays."""
        await self.retire()
        await self.state.clear()
        if self.data.get("submitted"):
            await self.state.set_data({"submitted": self.data["submitted"]})


class Wizard:
    """The handlers; one instance per router, holding each person's lock."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, user: User) -> asyncio.Lock:
        lock = self._locks.get(user.id)
        if lock is None:
            lock = self._locks[user.id] = asyncio.Lock()
        return lock

    # --- ways in --------------------------------------------------------------------------

    async def new(
        self,
        message: Message,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        """Menu «📝 Новая заявка» and /new; an unfinished draft is offered first."""
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, message)
            if await turn.step():
                markup = kb.draft_choice(t, WizardCb(step="draft", value="new"))
                await turn.say(t("start.draft_left"), markup)
                return
            await _begin(turn)

    async def room_link(
        self,
        message: Message,
        command: CommandObject,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        """``/start room_<code>`` from a room's QR code."""
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, message)
            raw = (command.args or "").removeprefix("room_")
            if await turn.step():
                code = _valid_code(raw) or ""
                markup = kb.draft_choice(t, WizardCb(step="room", value=code))
                await turn.say(t("start.draft_left"), markup)
                return
            await _open_room(turn, raw)

    async def on_draft(
        self,
        query: CallbackQuery,
        callback_data: WizardCb,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
        callback_answer: CallbackAnswer,
    ) -> None:
        """«▶️ Продолжить» an unfinished draft, or drop it and start anew (also for a room)."""
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, query)
            step = await turn.step()
            if callback_data.step == "draft" and callback_data.value == "continue":
                if step is None:
                    callback_answer.text = t("wizard.draft.gone")
                    await _edit(query, markup=None)
                    return
                await _edit(query, text=t("wizard.draft.resumed"))
                await _show(turn, step)
                return
            await turn.leave()
            if step is not None:
                await _edit(query, text=t("start.draft_dropped"))
            else:
                await _edit(query, markup=None)
            if callback_data.step == "room":
                await _open_room(turn, callback_data.value)
            else:
                await _begin(turn)

    # --- a room's hint --------------------------------------------------------------------

    async def same_problem(
        self,
        query: CallbackQuery,
        callback_data: WizardCb,
        user: User,
        t: Texts,
        services: Services,
        bot: Bot,
        callback_answer: CallbackAnswer,
    ) -> None:
        """«Это та же проблема — сообщить мне»: the person watches that request."""
        if not callback_data.value.isdigit():
            callback_answer.text = t("common.stale_button")
            return
        request = await services.watch(
            WatchRequestCommand(actor_id=user.id, request_id=RequestId(int(callback_data.value)))
        )
        await _edit(query, markup=None)
        text = t("wizard.room.watching", number=request.id)
        await bot.send_message(_chat(query, user), text, reply_markup=main_menu(user, t))

    async def new_problem(
        self,
        query: CallbackQuery,
        callback_data: WizardCb,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        """«Новая проблема»: the wizard with the room filled in."""
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, query)
            if await turn.step():
                markup = kb.draft_choice(t, WizardCb(step="room", value=callback_data.value))
                await turn.say(t("start.draft_left"), markup)
                return
            await _edit(query, markup=None)
            room = await _find_room(services, callback_data.value)
            if room is None:
                await turn.say(t("wizard.room.unknown"))
            await _begin(turn, room)

    # --- the steps ------------------------------------------------------------------------

    async def on_message(
        self,
        message: Message,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, message)
            step = await turn.step()
            if step is None:  # the wizard ended while this update waited for the lock
                await turn.say(t("common.not_understood"), main_menu(user, t))
                return
            await STEP_MESSAGES[step](turn, message)

    async def on_button(
        self,
        query: CallbackQuery,
        callback_data: WizardCb,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
        callback_answer: CallbackAnswer,
    ) -> None:
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, query)
            step = await turn.step()
            # leaving works from any step's message; keep and back carry their step
            expected = BUTTON_STEPS.get(callback_data.step, callback_data.value)
            if step is None or (callback_data.step != "cancel" and step != expected):
                callback_answer.text = t("common.stale_button")
                return
            await BUTTONS[callback_data.step](turn, query, callback_data.value)

    async def send(
        self,
        query: CallbackQuery,
        callback_data: WizardCb,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
        callback_answer: CallbackAnswer,
    ) -> None:
        """«✅ Отправить»: one request per draft however often it is pressed."""
        async with self._lock(user):
            turn = await Turn.load(user, t, services, state, bot, query)
            submitted = turn.data.get("submitted") or {}
            if submitted.get("key") == callback_data.value:
                callback_answer.text = t("wizard.sent.already", number=submitted.get("id"))
                return
            if (
                await turn.step() != "confirm"
                or turn.draft.key != callback_data.value
                or not turn.draft.complete
            ):
                callback_answer.text = t("wizard.sent.stale")
                return
            await _submit(turn, query)


# --- starting -----------------------------------------------------------------------------


async def _begin(turn: Turn, room: Room | None = None) -> None:
    """A fresh draft with a new idempotency key; with a room, straight to the category."""
    turn.draft = Draft()
    turn.data = {k: v for k, v in turn.data.items() if k in ("submitted", "prompt") and v}
    if room is None:
        await _go(turn, "location")
        return
    turn.draft.location, turn.draft.room_code = room.name, room.code
    await _go(turn, "category", turn.t("wizard.location.chosen", value=room.name))


async def _open_room(turn: Turn, raw: str) -> None:
    t = turn.t
    room = await _find_room(turn.services, raw)
    if room is None:
        await turn.say(t("wizard.room.unknown"))
        await _begin(turn)
        return
    active = await turn.services.open_at(room.name, room.code)
    if not active:
        await _begin(turn, room)
        return
    shown = sorted(active, key=lambda r: r.id, reverse=True)[:HINT_REQUESTS]
    lines = [t("wizard.room.hint", room=room.name)]
    lines += [
        t(
            "wizard.room.line",
            number=r.id,
            status=Html(words.status(t, r.status)),
            title=r.title,
        )
        for r in shown
    ]
    if len(active) > len(shown):
        lines.append(t("wizard.room.more", n=len(active) - len(shown)))
    lines += ["", t("wizard.room.footer")]
    await turn.say("\n".join(lines), kb.room_hint_keyboard(t, shown, room.code))


def _valid_code(raw: str) -> RoomCode | None:
    try:
        return room_code(raw)
    except ValidationFailed:
        return None


async def _find_room(services: Services, raw: str) -> Room | None:
    code = _valid_code(raw)
    return None if code is None else await services.room(code)


# --- showing a step -----------------------------------------------------------------------


async def _go(turn: Turn, step: str, note: str | None = None) -> None:
    """Move to ``step``, keep the draft, and ask for it."""
    await turn.state.set_state(STATE_OF[step])
    await _show(turn, step, note)


async def _advance(turn: Turn, step: str, note: str | None = None) -> None:
    """The step after ``step``; back to the card when a field was picked to be changed."""
    if turn.editing:
        turn.data["editing"] = False
        await _go(turn, "confirm", note)
        return
    await _go(turn, STEPS[STEPS.index(step) + 1], note)


async def _show(turn: Turn, step: str, note: str | None = None) -> None:
    text, markup = await PROMPTS[step](turn)
    await turn.ask(f"{note}\n\n{text}" if note else text, markup)


async def _ask_location(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    t, draft = turn.t, turn.draft
    places = await _places(turn)
    turn.data["places"] = places
    text = t("wizard.location.ask", min=LOCATION.min_length, max=LOCATION.max_length)
    if draft.location:
        text += "\n" + t("wizard.current", value=draft.location)
    markup = kb.location_keyboard(
        t,
        [str(place["name"]) for place in places],
        keep_current=bool(draft.location) and not turn.editing,
        editing=turn.editing,
    )
    return text, markup


async def _places(turn: Turn) -> list[dict[str, str | None]]:
    """Recent places of the person, then known rooms; a place named like a room is that room."""
    rooms = await turn.services.rooms()
    by_name = {room.name.casefold(): room for room in rooms}
    places: dict[str, dict[str, str | None]] = {}
    for place in await turn.services.recent_locations(turn.user.id):
        room = by_name.get(place.casefold())
        places.setdefault(place.casefold(), {"name": place, "room": room.code if room else None})
    for room in rooms:
        places.setdefault(room.name.casefold(), {"name": room.name, "room": room.code})
    return list(places.values())[:MAX_PLACES]


async def _ask_category(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    return turn.t("wizard.category.ask"), kb.category_keyboard(turn.t, turn.draft.category)


async def _ask_description(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    t, draft = turn.t, turn.draft
    text = t("wizard.description.ask", min=DESCRIPTION.min_length, max=DESCRIPTION.max_length)
    if draft.description:
        text += "\n\n" + t("wizard.current", value=draft.description)
    keep = bool(draft.description) and not turn.editing
    return text, kb.description_keyboard(t, keep_current=keep)


async def _ask_priority(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    t = turn.t
    lines = [t("wizard.priority.ask")]
    lines += [
        t(
            "wizard.priority.line",
            priority=Html(words.priority(t, p)),
            hint=Html(t(f"priority_hint.{p.value}")),
        )
        for p in (Priority.LOW, Priority.MEDIUM, Priority.HIGH)
    ]
    return "\n".join(lines), kb.priority_keyboard(t, turn.draft.priority)


async def _ask_files(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    t, count = turn.t, len(turn.draft.attachments)
    text = t("wizard.files.ask", limit=MAX_ATTACHMENTS, size=MAX_DOCUMENT_BYTES // MEGABYTE)
    if count:
        text += "\n" + t("wizard.files.attached", n=count, limit=MAX_ATTACHMENTS)
    return text, kb.files_keyboard(t, count, editing=turn.editing)


async def _ask_confirm(turn: Turn) -> tuple[str, InlineKeyboardMarkup]:
    return draft_card(turn.draft, turn.t), kb.confirm_keyboard(turn.t, turn.draft.key)


# --- what people send at each step --------------------------------------------------------


async def _location_message(turn: Turn, message: Message) -> None:
    if message.text is None or message.text.startswith("/"):
        await _show(turn, "location", turn.t("wizard.unsupported"))
        return
    try:
        location = LOCATION.clean(message.text)
    except ValidationFailed as error:
        await _show(turn, "location", await explain(error, turn.t, turn.services))
        return
    rooms = {room.name.casefold(): room for room in await turn.services.rooms()}
    room = rooms.get(location.casefold())
    turn.draft.location = room.name if room else location
    turn.draft.room_code = room.code if room else None
    await _advance(turn, "location")


async def _category_message(turn: Turn, message: Message) -> None:
    hint = "wizard.category.use_buttons" if message.text else "wizard.unsupported"
    await _show(turn, "category", turn.t(hint))


async def _description_message(turn: Turn, message: Message) -> None:
    t = turn.t
    if message.text is not None:
        await _set_description(turn, message.text)
        return
    if not _is_file(message):
        await _show(turn, "description", t("wizard.unsupported"))
        return
    accepted, note = await _take_file(turn, message)
    if message.caption is None:
        if accepted:
            note += "\n" + t("wizard.description.file_kept")
        await _show(turn, "description", note)
        return
    if accepted and message.media_group_id:
        turn.draft.album = message.media_group_id
    await _set_description(turn, message.caption, note)


async def _set_description(turn: Turn, text: str, note: str | None = None) -> None:
    try:
        turn.draft.description = DESCRIPTION.clean(text)
    except ValidationFailed as error:
        problem = await explain(error, turn.t, turn.services)
        await _show(turn, "description", f"{note}\n{problem}" if note else problem)
        return
    await _advance(turn, "description", note)


async def _priority_message(turn: Turn, message: Message) -> None:
    """Only the rest of the album whose caption became the description is welcome here."""
    album = turn.draft.album
    if _is_file(message) and album is not None and message.media_group_id == album:
        _, note = await _take_file(turn, message)
        await turn.save()
        await turn.say(note)
        return
    known = message.text is not None or _is_file(message)
    await _show(
        turn, "priority", turn.t("wizard.priority.use_buttons" if known else "wizard.unsupported")
    )


async def _files_message(turn: Turn, message: Message) -> None:
    t = turn.t
    if not _is_file(message):
        hint = "wizard.files.text_hint" if message.text is not None else "wizard.unsupported"
        await _show(turn, "attachments", t(hint))
        return
    accepted, note = await _take_file(turn, message)
    if accepted and message.caption:
        note += "\n" + t("wizard.files.caption_ignored")
    count = len(turn.draft.attachments)
    await turn.ask(note, kb.files_keyboard(t, count, editing=turn.editing))


async def _confirm_message(turn: Turn, message: Message) -> None:
    known = message.text is not None or _is_file(message)
    await _show(turn, "confirm", turn.t("wizard.card.hint" if known else "wizard.unsupported"))


# --- files --------------------------------------------------------------------------------


def _is_file(message: Message) -> bool:
    return bool(message.photo) or (message.document is not None and message.animation is None)


def _attachment(message: Message) -> Attachment:
    """The photo (its largest size) or document; ``ValidationFailed`` for a too-big document."""
    if message.photo:
        photo = message.photo[-1]
        return Attachment(
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            kind=Kind.PHOTO,
            mime_type=PHOTO_MIME,
            size=photo.file_size,
        )
    document = message.document
    assert document is not None
    return Attachment(
        file_id=document.file_id,
        file_unique_id=document.file_unique_id,
        kind=Kind.DOCUMENT,
        mime_type=document.mime_type,
        size=document.file_size,
        name=document.file_name,
    )


async def _take_file(turn: Turn, message: Message) -> tuple[bool, str]:
    """Attach the message's file: whether it was accepted, and what to say ("Фото 2 из 10",
    or why not: too big, one too many, already attached)."""
    t = turn.t
    try:
        attachment = _attachment(message)
        if turn.draft.has(attachment):
            return False, t("wizard.files.duplicate")
        turn.draft.attach(attachment)
    except ValidationFailed as error:
        return False, await explain(error, t, turn.services)
    count = len(turn.draft.attachments)
    key = "wizard.files.photo" if attachment.kind is Kind.PHOTO else "wizard.files.document"
    counted = t(key, n=count, limit=MAX_ATTACHMENTS)
    if count >= MAX_ATTACHMENTS:
        counted += "\n" + t("wizard.files.full")
    return True, counted


# --- buttons ------------------------------------------------------------------------------


async def _place_chosen(turn: Turn, query: CallbackQuery, value: str) -> None:
    places = turn.data.get("places") or []
    if not value.isdigit() or int(value) >= len(places):
        await _show(turn, "location", turn.t("common.stale_button"))
        return
    place = places[int(value)]
    turn.draft.location, turn.draft.room_code = place["name"], place["room"]
    await _edit(query, text=turn.t("wizard.location.chosen", value=place["name"]))
    await _advance(turn, "location")


async def _category_chosen(turn: Turn, query: CallbackQuery, value: str) -> None:
    if value not in set(Category):
        await _show(turn, "category", turn.t("common.stale_button"))
        return
    turn.draft.category = value
    label = words.category(turn.t, Category(value))
    await _edit(query, text=turn.t("wizard.category.chosen", value=Html(label)))
    await _advance(turn, "category")


async def _priority_chosen(turn: Turn, query: CallbackQuery, value: str) -> None:
    if value not in set(Priority):
        await _show(turn, "priority", turn.t("common.stale_button"))
        return
    turn.draft.priority = value
    label = words.priority(turn.t, Priority(value))
    await _edit(query, text=turn.t("wizard.priority.chosen", value=Html(label)))
    await _advance(turn, "priority")


async def _files_button(turn: Turn, query: CallbackQuery, value: str) -> None:
    await _edit(query, markup=None)
    if value == "clear":
        turn.draft.attachments = []
        await _show(turn, "attachments", turn.t("wizard.files.cleared"))
        return
    await _advance(turn, "attachments")


async def _keep(turn: Turn, query: CallbackQuery, value: str) -> None:
    await _edit(query, markup=None)
    await _advance(turn, value)


async def _back(turn: Turn, query: CallbackQuery, value: str) -> None:
    await _edit(query, markup=None)
    if turn.editing or value == "confirm":
        turn.data["editing"] = False
        await _go(turn, "confirm")
        return
    await _go(turn, STEPS[max(STEPS.index(value) - 1, 0)])


async def _edit_button(turn: Turn, query: CallbackQuery, value: str) -> None:
    """«✏️ Изменить» turns the card's buttons into the fields; a field is asked again."""
    t = turn.t
    if value == "":
        await _edit(query, markup=kb.edit_keyboard(t))
    elif value == "card":
        await _edit(query, markup=kb.confirm_keyboard(t, turn.draft.key))
    elif value in kb.EDITABLE:
        await _edit(query, markup=None)
        turn.data["editing"] = True
        await _go(turn, value)
    else:
        await _show(turn, "confirm", t("common.stale_button"))


async def _cancel(turn: Turn, query: CallbackQuery, value: str) -> None:
    await _edit(query, markup=None)
    await turn.leave()
    await turn.say(turn.t("wizard.cancelled"), main_menu(turn.user, turn.t))


async def _submit(turn: Turn, query: CallbackQuery) -> None:
    t, draft = turn.t, turn.draft
    location, category, description = draft.location, draft.category, draft.description
    if not (location and category and description):  # ``send`` let only a complete draft in
        return
    request = await turn.services.create_request(
        CreateRequestCommand(
            author_id=turn.user.id,
            location=location,
            category=Category(category),
            description=description,
            priority=Priority(draft.priority),
            attachments=draft.files(),
            room_code=RoomCode(draft.room_code) if draft.room_code else None,
            idempotency_key=draft.key,
        )
    )
    await turn.retire()
    turn.data = {"submitted": {"key": draft.key, "id": int(request.id)}}
    await turn.leave()
    await _edit(query, markup=None)
    hours = int(SLA_TERMS[request.priority].respond.total_seconds() // 3600)
    key = "wizard.sent.hours_always" if turn.services.settings.calendar.always_on else "hours"
    text = t(
        "wizard.sent.accepted",
        number=request.id,
        hours=Html(t(key, n=hours)),
        my=Html(t("menu.my")),
    )
    await turn.say(text, main_menu(turn.user, t))


async def _edit(
    query: CallbackQuery,
    *,
    text: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Change the pressed message (its text, or only its buttons); an old one may refuse."""
    if not isinstance(query.message, Message):
        return
    try:
        if text is not None:
            await query.message.edit_text(text, reply_markup=markup)
        else:
            await query.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        log.info("could not edit message %s: %s", query.message.message_id, error)


def _chat(query: CallbackQuery, user: User) -> int:
    return query.message.chat.id if query.message is not None else user.id


PROMPTS = {
    "location": _ask_location,
    "category": _ask_category,
    "description": _ask_description,
    "priority": _ask_priority,
    "attachments": _ask_files,
    "confirm": _ask_confirm,
}
STEP_MESSAGES = {
    "location": _location_message,
    "category": _category_message,
    "description": _description_message,
    "priority": _priority_message,
    "attachments": _files_message,
    "confirm": _confirm_message,
}
BUTTONS = {
    "loc": _place_chosen,
    "cat": _category_chosen,
    "pri": _priority_chosen,
    "files": _files_button,
    "edit": _edit_button,
    "keep": _keep,
    "back": _back,
    "cancel": _cancel,
}
BUTTON_STEPS = {
    "loc": "location",
    "cat": "category",
    "pri": "priority",
    "files": "attachments",
    "edit": "confirm",
}
"""The step each button belongs to; keep, back and cancel carry their step as the value."""


def router() -> Router:
    wizard = Wizard()
    routes = Router(name="wizard")
    routes.message.register(wizard.new, MenuButton("new"))
    routes.message.register(wizard.new, Command("new"))
    routes.message.register(
        wizard.room_link, CommandStart(deep_link=True, magic=F.args.startswith("room_"))
    )
    # a menu button is never an answer (a place named «📊 Статистика»), even one nobody handles
    menu = (~MenuButton(item) for item in (*STAFF_ITEMS, *EXECUTOR_ITEMS, *ADMIN_ITEMS))
    routes.message.register(wizard.on_message, StateFilter(NewRequest), *menu)
    routes.callback_query.register(
        wizard.on_draft,
        WizardCb.filter(
            ((F.step == "draft") & F.value.in_({"continue", "new"})) | (F.step == "room")
        ),
    )
    routes.callback_query.register(wizard.send, WizardCb.filter(F.step == "send"))
    routes.callback_query.register(wizard.same_problem, WizardCb.filter(F.step == "same"))
    routes.callback_query.register(wizard.new_problem, WizardCb.filter(F.step == "newat"))
    routes.callback_query.register(
        wizard.on_button, WizardCb.filter(F.step.in_(set(BUTTONS))), StateFilter(NewRequest)
    )
    return routes
