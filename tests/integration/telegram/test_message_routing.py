"""A router looks only at the messages one of its handlers may take; no filter needs a thread."""

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Chat, Message, PhotoSize, User

from zavhoz.adapters.telegram.callbacks import CardCb, WizardCb
from zavhoz.adapters.telegram.dispatcher import feature_routers
from zavhoz.adapters.telegram.handlers import fallback
from zavhoz.adapters.telegram.handlers.start import NotRoomLink
from zavhoz.adapters.telegram.menu_filter import (
    MenuButton,
    MessageKinds,
    NotCommand,
    Typed,
    only_its_messages,
)
from zavhoz.adapters.telegram.states import AskText, NewRequest

PERSON = User(id=7, is_bot=False, first_name="Анна")
PHOTO = [PhotoSize(file_id="f", file_unique_id="u", width=1, height=1)]


def sent(text: str | None = None, caption: str | None = None) -> Message:
    return Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=7, type="private"),
        from_user=PERSON,
        text=text,
        caption=caption,
        photo=PHOTO if text is None else None,
    )


async def handle(message: Message) -> str:
    return "handled"


def kinds_of(router: Router) -> MessageKinds | None:
    found = [f.callback for f in router.message._handler.filters or []]
    return found[0] if found else None


async def test_a_router_takes_its_menu_buttons_commands_and_states_and_nothing_else() -> None:
    router = Router()
    router.message.register(handle, MenuButton("my"))
    router.message.register(handle, Command("my"))
    router.message.register(handle, StateFilter(NewRequest), F.text)
    only_its_messages(router)
    kinds = kinds_of(router)
    assert kinds is not None
    assert await kinds(sent("📋 Мои заявки")) is True
    assert await kinds(sent("📋 My requests")) is True
    assert await kinds(sent("/queue")) is True  # any command: Command decides which
    assert await kinds(sent("  /my")) is True  # as Command reads it
    assert await kinds(sent(caption="/my")) is True
    assert await kinds(sent("Каб. 301"), raw_state=NewRequest.location.state) is True
    assert await kinds(sent("Каб. 301")) is False
    assert await kinds(sent("Каб. 301"), raw_state=AskText.waiting.state) is False
    assert await kinds(sent(caption="фото")) is False
    assert await kinds(sent("   ")) is False


async def test_a_router_with_a_handler_that_names_no_kind_looks_at_every_message() -> None:
    mixed, nested = Router(), Router()
    mixed.message.register(handle, MenuButton("my"))
    mixed.message.register(handle, F.photo)
    nested.message.register(handle, MenuButton("my"))
    nested.include_router(Router())
    for router in (mixed, nested, Router()):
        only_its_messages(router)
        assert kinds_of(router) is None


async def test_every_state_of_a_group_and_a_state_by_name_are_taken() -> None:
    router = Router()
    router.message.register(handle, StateFilter(AskText.waiting, "custom:state"))
    only_its_messages(router)
    kinds = kinds_of(router)
    assert kinds is not None
    assert kinds.states == {AskText.waiting.state, "custom:state"}
    anywhere = Router()
    anywhere.message.register(handle, StateFilter("*"))
    only_its_messages(anywhere)
    assert kinds_of(anywhere) is None


async def test_typed_text_commands_and_room_links_are_told_apart() -> None:
    assert await NotCommand()(sent("течёт кран")) is True
    assert await NotCommand()(sent(caption="/фото")) is True  # a photo is no command
    assert await NotCommand()(sent("/cancel")) is False
    assert await Typed()(sent("течёт кран")) is True
    assert await Typed()(sent("/cancel")) is False
    assert await Typed()(sent(caption="кран")) is False
    assert await NotRoomLink()(sent("/start")) is True
    assert await NotRoomLink()(sent("/start room_gym")) is False


def test_every_filter_of_every_handler_is_checked_without_a_thread() -> None:
    """aiogram runs a filter that is not a coroutine (a bare ``F`` rule) in a thread."""
    routers = [*feature_routers(with_reports=True), fallback.router()]
    for router in _and_beneath(routers):
        for observer in (router.message, router.callback_query):
            checks = [*(observer._handler.filters or [])]
            checks += [f for handler in observer.handlers for f in handler.filters or []]
            assert all(_awaited(check) for check in checks), router.name


async def test_the_menus_routers_are_passed_in_one_check_by_what_none_of_them_takes() -> None:
    menus = feature_routers(with_reports=True)[0]
    kinds = kinds_of(menus)
    assert kinds is not None
    answer = sent("Каб. 301")
    assert await kinds(answer, raw_state=NewRequest.location.state) is False, "the wizard's"
    assert await kinds(sent("📋 Мои заявки")) is True
    assert await kinds(sent("/start")) is True
    presses = [f.callback for f in menus.callback_query._handler.filters or []]
    assert len(presses) == 1
    assert await presses[0](pressed(WizardCb(step="cat", value="plumbing").pack())) is False
    assert await presses[0](pressed(CardCb(id=1, action="open", v=1).pack())) is True


def pressed(data: str) -> CallbackQuery:
    return CallbackQuery(id="q", from_user=PERSON, chat_instance="ci", data=data)


def _and_beneath(routers: list[Router]) -> list[Router]:
    return [each for router in routers for each in (router, *_and_beneath(router.sub_routers))]


def _awaited(check: FilterObject) -> bool:
    """The check is a coroutine, and so is each check it combines (``~``, ``&``, ``|``)."""
    inner = [getattr(check.callback, "target", None), *getattr(check.callback, "targets", ())]
    return check.awaitable and all(_awaited(each) for each in inner if each is not None)
