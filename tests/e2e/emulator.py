"""A Bot API emulator for end-to-end tests: the real ``zavhoz run`` talks to it over HTTP.

It serves what the bot uses (getMe, long polling with offsets, sending, editing, callbacks,
files, command lists, the webhook calls), checks every call the way Telegram would — text and
caption limits after HTML parsing, well-formed HTML, callback data size, a chat that exists,
a callback answered at most once, a known file id — and records what breaks a rule in
``violations``. Tests act as people (``emulator.user(id, name)``): they write, send photos and
press inline buttons, and read what each person received.

Updates stay queued until the bot confirms them with a higher ``offset``, as Telegram keeps
them, so a bot killed before confirming gets them again after a restart.
"""

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from typing import Any, NoReturn

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.web_request import FileField

from zavhoz.adapters.telegram.testing.rules import (
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    html_problems,
)

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "ZAVhoz", "username": "zavhoz_bot"}
MAX_ALERT = 200
JSON_FIELDS = {
    "reply_markup", "media", "commands", "scope", "entities", "caption_entities",
    "allowed_updates", "link_preview_options", "reply_parameters",
}  # fmt: skip


class BadRequest(Exception):
    """What Telegram answers with ``400 Bad Request: ...``."""


@attrs.define
class Button:
    text: str
    data: str | None


@attrs.define
class Shown:
    """One message in a person's chat, as it looks now (edits change it in place)."""

    chat_id: int
    message_id: int
    kind: str  # text, photo, document
    text: str  # the visible text or caption, HTML already rendered
    buttons: list[Button] = attrs.Factory(list)
    media: list[str] = attrs.Factory(list)
    album: str | None = None
    raw: dict[str, Any] = attrs.Factory(dict)


@attrs.define
class Received:
    """One thing a person got: a new message or an edit of one (``seq`` orders them all)."""

    seq: int
    message_id: int
    edit: bool
    text: str
    buttons: list[str]
    kind: str
    media: list[str]


class Emulator:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[str] = []
        self.started: dict[int, dict[str, Any]] = {}  # people who wrote first: their User
        self.messages: dict[tuple[int, int], Shown] = {}
        self.received: dict[int, list[Received]] = {}
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.hold_chats: set[int] = set()  # sends to these chats wait (see ``held``)
        self.held: list[tuple[str, dict[str, Any]]] = []
        self._release = asyncio.Event()
        self._pending: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._confirmed = 0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self.server = TestServer(app, host="127.0.0.1")

    async def __aenter__(self) -> "Emulator":
        await self.server.start_server()
        return self

    async def __aexit__(self, *_: object) -> None:
        self._closing.set()
        self.hold_chats.clear()
        self._release.set()
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def user(self, user_id: int, name: str, language: str = "ru") -> "User":
        return User(self, user_id, name, language)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    @property
    def unconfirmed(self) -> int:
        return len(self._pending)

    def release_held(self, deliver: bool) -> None:
        """Let the held sends go: delivered (recorded) or failed as if never made."""
        self._deliver_held = deliver
        self.hold_chats.clear()
        self._release.set()

    def unanswered(self) -> list[str]:
        return [data["data"] for data in self.callbacks.values() if not data["answered"]]

    # --- people ----------------------------------------------------------------------------

    def push_update(self, **content: Any) -> int:
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, **content})
        self._new_update.set()
        return update_id

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def next_callback_id(self) -> str:
        return f"q{next(self._callback_ids)}"

    def mark(self) -> int:
        return next(self._seq)

    # --- the HTTP side ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.method == "POST":
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    params[key] = {"upload": value.filename, "data": value.file.read()}
                elif key in JSON_FIELDS:
                    params[key] = _decode(str(value))
                else:
                    params[key] = str(value)
        params |= dict(request.query)
        self.calls.append((method, params))
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            self.violations.append(f"{method}: not a method the emulator expects")
            return _error(404, "Not Found")
        try:
            result = await handler(params)
        except BadRequest as error:
            return _error(400, f"Bad Request: {error}")
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        data = self.files.get(request.match_info["path"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    # --- methods ---------------------------------------------------------------------------

    async def _getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _deleteWebhook(self, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates") in ("true", "True", "1"):
            self._pending.clear()
        return True

    async def _setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        for command in commands:
            if not (1 <= len(command.get("command", "")) <= 32):
                self.violations.append(f"setMyCommands: bad command {command!r}")
            if not (1 <= len(command.get("description", "")) <= 256):
                self.violations.append(f"setMyCommands: bad description {command!r}")
        if len(commands) > 100:
            self.violations.append("setMyCommands: more than 100 commands")
        return True

    async def _deleteMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._pending and not self._closing.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), left)
            except TimeoutError:
                return []
        given = self._pending[:limit]
        for update in given:
            self._count_delivery(update)
        return given

    def _count_delivery(self, update: dict[str, Any]) -> None:
        """A press delivered again (the bot died before confirming it) may be answered again."""
        pressed = self.callbacks.get(update.get("callback_query", {}).get("id", ""))
        if pressed is not None:
            pressed["deliveries"] = pressed.get("deliveries", 0) + 1

    async def _sendChatAction(self, params: dict[str, Any]) -> Any:
        self._chat(params)
        return True

    async def _sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        text = self._checked_text(params, "text", MAX_TEXT, "sendMessage")
        buttons = self._checked_markup(params, "sendMessage")
        await self._maybe_hold("sendMessage", params, chat)
        return self._new(chat, "text", text, buttons)

    async def _sendPhoto(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        caption = self._checked_text(params, "caption", MAX_CAPTION, "sendPhoto", optional=True)
        buttons = self._checked_markup(params, "sendPhoto")
        photo = self._checked_file(params.get("photo"), "sendPhoto")
        await self._maybe_hold("sendPhoto", params, chat)
        return self._new(chat, "photo", caption, buttons, [photo])

    async def _sendDocument(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        caption = self._checked_text(params, "caption", MAX_CAPTION, "sendDocument", optional=True)
        buttons = self._checked_markup(params, "sendDocument")
        document = self._checked_file(params.get("document"), "sendDocument")
        await self._maybe_hold("sendDocument", params, chat)
        return self._new(chat, "document", caption, buttons, [document])

    async def _sendMediaGroup(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        media = params.get("media") or []
        if not 2 <= len(media) <= 10:
            self._refuse("sendMediaGroup", "media must include 2-10 items")
        album = f"album-{next(self._seq)}"
        shown: list[tuple[str, str]] = []
        for item in media:
            caption = self._checked_text(
                item, "caption", MAX_CAPTION, "sendMediaGroup", optional=True
            )
            shown.append((self._checked_file(item.get("media"), "sendMediaGroup"), caption))
        await self._maybe_hold("sendMediaGroup", params, chat)
        return [
            self._new(chat, "photo", caption, [], [file_id], album=album)
            for file_id, caption in shown
        ]

    async def _editMessageText(self, params: dict[str, Any]) -> Any:
        shown = self._editable(params, "editMessageText")
        text = self._checked_text(params, "text", MAX_TEXT, "editMessageText")
        if shown.kind != "text":
            self._refuse("editMessageText", "there is no text in the message to edit")
        buttons = self._checked_markup(params, "editMessageText")
        if text == shown.text and _labels(buttons) == _labels(shown.buttons):
            raise BadRequest("message is not modified")  # Telegram's answer, not a broken rule
        shown.text, shown.buttons = text, buttons
        return self._edited(shown)

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        shown = self._editable(params, "editMessageReplyMarkup")
        buttons = self._checked_markup(params, "editMessageReplyMarkup")
        if _labels(buttons) == _labels(shown.buttons):
            raise BadRequest("message is not modified")
        shown.buttons = buttons
        return self._edited(shown)

    async def _deleteMessage(self, params: dict[str, Any]) -> Any:
        shown = self._editable(params, "deleteMessage")
        del self.messages[(shown.chat_id, shown.message_id)]
        return True

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query = self.callbacks.get(params.get("callback_query_id", ""))
        if query is None:
            self._refuse("answerCallbackQuery", "query is too old or query ID is invalid")
        if query["answered"] and query.get("deliveries", 1) > 1:
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        if query["answered"]:
            self._refuse("answerCallbackQuery", f"callback {query['data']!r} answered twice")
        text = params.get("text") or ""
        if len(text) > MAX_ALERT:
            self._refuse("answerCallbackQuery", f"alert of {len(text)} characters")
        query["answered"], query["text"] = True, text or None
        return True

    async def _getFile(self, params: dict[str, Any]) -> Any:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            self._refuse("getFile", f"wrong file_id {file_id!r}")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": file_id,
        }

    # --- checks ----------------------------------------------------------------------------

    def _refuse(self, method: str, problem: str) -> NoReturn:
        self.violations.append(f"{method}: {problem}")
        raise BadRequest(problem)

    def _chat(self, params: dict[str, Any]) -> int:
        try:
            chat = int(params.get("chat_id", ""))
        except ValueError:
            self._refuse("send", f"chat_id {params.get('chat_id')!r}")
        if chat not in self.started:
            self._refuse("send", f"chat not found: {chat} never wrote to the bot")
        return chat

    def _checked_text(
        self, params: dict[str, Any], field: str, limit: int, method: str, optional: bool = False
    ) -> str:
        markup = params.get(field)
        if markup is None or markup == "":
            if optional:
                return ""
            self._refuse(method, f"{field} is empty")
        markup = str(markup)
        visible = markup
        if params.get("parse_mode") == "HTML":
            problems, visible = html_problems(markup)
            if problems:
                self._refuse(method, f"can't parse entities: {'; '.join(problems)}: {markup!r}")
        if not visible.strip() and not optional:
            self._refuse(method, f"{field} is empty after entities parsing")
        if len(visible) > limit:
            self._refuse(method, f"{field} of {len(visible)} characters (limit {limit})")
        return visible

    def _checked_markup(self, params: dict[str, Any], method: str) -> list[Button]:
        markup = params.get("reply_markup")
        if not isinstance(markup, dict):
            return []
        buttons: list[Button] = []
        rows = markup.get("inline_keyboard") or []
        if sum(len(row) for row in rows) > 100:
            self._refuse(method, "more than 100 inline buttons")
        for row in rows:
            if len(row) > 8:
                self._refuse(method, "more than 8 buttons in a row")
            for button in row:
                text = button.get("text") or ""
                if not text:
                    self._refuse(method, "a button without text")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    self._refuse(method, f"BUTTON_DATA_INVALID: {data!r}")
                buttons.append(Button(text, data))
        return buttons

    def _checked_file(self, value: Any, method: str) -> str:
        if isinstance(value, dict) and "upload" in value:
            file_id = f"upload-{next(self._seq)}"
            self.files[file_id] = value["data"]
            return file_id
        if isinstance(value, str) and value.startswith("attach://"):
            return value  # the upload's part comes with the same request
        if not isinstance(value, str) or value not in self.files:
            self._refuse(method, f"wrong file identifier {value!r}")
        return value

    def _editable(self, params: dict[str, Any], method: str) -> Shown:
        chat = self._chat(params)
        try:
            message_id = int(params.get("message_id", ""))
        except ValueError:
            self._refuse(method, "message_id is missing")
        shown = self.messages.get((chat, message_id))
        if shown is None:
            self._refuse(method, "message to edit not found")
        return shown

    async def _maybe_hold(self, method: str, params: dict[str, Any], chat: int) -> None:
        if chat not in self.hold_chats:
            return
        self.held.append((method, params))
        self._release.clear()
        await self._release.wait()
        if not getattr(self, "_deliver_held", True):
            raise BadRequest("held and dropped by the test")

    # --- what people see -------------------------------------------------------------------

    def _new(
        self,
        chat: int,
        kind: str,
        text: str,
        buttons: list[Button],
        media: list[str] | None = None,
        album: str | None = None,
    ) -> dict[str, Any]:
        message_id = next(self._message_ids)
        raw: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": self.started[chat]["first_name"]},
            "from": BOT_USER,
        }
        if kind == "text":
            raw["text"] = text
        elif kind == "photo":
            raw["photo"] = (
                [{"file_id": media[0], "file_unique_id": f"u-{media[0]}", "width": 1, "height": 1}]
                if media
                else []
            )
            if text:
                raw["caption"] = text
        else:
            raw["document"] = {"file_id": (media or ["?"])[0], "file_unique_id": "u-doc"}
            if text:
                raw["caption"] = text
        if album:
            raw["media_group_id"] = album
        shown = Shown(chat, message_id, kind, text, buttons, list(media or []), album, raw)
        self.messages[(chat, message_id)] = shown
        self._record(shown, edit=False)
        return self._raw(shown)

    def _edited(self, shown: Shown) -> dict[str, Any]:
        self._record(shown, edit=True)
        return self._raw(shown)

    def _record(self, shown: Shown, edit: bool) -> None:
        self.received.setdefault(shown.chat_id, []).append(
            Received(
                next(self._seq),
                shown.message_id,
                edit,
                shown.text,
                [b.text for b in shown.buttons],
                shown.kind,
                list(shown.media),
            )
        )

    def _raw(self, shown: Shown) -> dict[str, Any]:
        raw = dict(shown.raw)
        if shown.kind == "text":
            raw["text"] = shown.text
        if shown.buttons:
            raw["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": b.text, "callback_data": b.data} for b in shown.buttons]
                ]
            }
        return raw


class User:
    """A person writing to the bot through the emulator."""

    def __init__(self, emulator: Emulator, user_id: int, name: str, language: str) -> None:
        self.emulator, self.id, self.name = emulator, user_id, name
        self.user = {
            "id": user_id, "is_bot": False, "first_name": name, "language_code": language,
        }  # fmt: skip
        self.chat = {"id": user_id, "type": "private", "first_name": name}

    # --- what they do ----------------------------------------------------------------------

    def send(self, text: str) -> int:
        """Write ``text``; returns a mark for ``wait_for`` (what came after this)."""
        mark = self.emulator.mark()
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._message(content)
        return mark

    def send_photo(self, file_id: str, caption: str | None = None, data: bytes = b"") -> int:
        mark = self.emulator.mark()
        self.emulator.files[file_id] = data or f"JPEG {file_id}".encode()
        content: dict[str, Any] = {
            "photo": [
                {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280,
                 "height": 960, "file_size": 200_000},
            ]
        }  # fmt: skip
        if caption:
            content["caption"] = caption
        self._message(content)
        return mark

    async def press(self, label: str, timeout: float = 30) -> str | None:
        """Press the button containing ``label`` on the newest message that has one.

        Waits for the bot to answer the callback; returns the answer's text (an alert or toast).
        """
        query_id = self.press_nowait(label)
        query = self.emulator.callbacks[query_id]
        await wait_until(lambda: query["answered"], timeout, f"{self.name}: {label!r} answered")
        answer: str | None = query["text"]
        return answer

    def press_nowait(self, label: str) -> str:
        shown, button = self._find_button(label)
        query_id = self.emulator.next_callback_id()
        self.emulator.callbacks[query_id] = {"data": button.data, "answered": False, "text": None}
        self.emulator.push_update(
            callback_query={
                "id": query_id,
                "from": self.user,
                "chat_instance": f"ci-{self.id}",
                "message": self.emulator._raw(shown),
                "data": button.data,
            }
        )
        return query_id

    # --- what they see ---------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        return self.emulator.received.get(self.id, [])

    def since(self, mark: int) -> list[Received]:
        return [r for r in self.received if r.seq > mark]

    def buttons(self) -> list[str]:
        """The inline buttons of the newest message that has any."""
        for shown in self._screens():
            if shown.buttons:
                return [b.text for b in shown.buttons]
        return []

    async def wait_for(self, fragment: str, since: int = 0, timeout: float = 30) -> Received:
        """The first thing received after ``since`` whose text contains ``fragment``."""

        def found() -> Received | None:
            return next((r for r in self.since(since) if fragment in r.text), None)

        await wait_until(
            lambda: found() is not None,
            timeout,
            f"{self.name} to receive {fragment!r}; got {[r.text[:80] for r in self.since(since)]}"
            f"; violations: {self.emulator.violations[-3:]}",
        )
        result = found()
        assert result is not None
        return result

    async def wait_for_button(self, label: str, since: int = 0, timeout: float = 30) -> Received:
        """The first thing received after ``since`` with a button containing ``label``."""

        def found() -> Received | None:
            return next((r for r in self.since(since) if any(label in b for b in r.buttons)), None)

        await wait_until(lambda: found() is not None, timeout, f"{self.name}: button {label!r}")
        result = found()
        assert result is not None
        return result

    async def say(self, text: str, expect: str, timeout: float = 30) -> Received:
        return await self.wait_for(expect, self.send(text), timeout)

    def _screens(self) -> list[Shown]:
        mine = [s for (chat, _), s in self.emulator.messages.items() if chat == self.id]
        return sorted(mine, key=lambda s: s.message_id, reverse=True)

    def _find_button(self, label: str) -> tuple[Shown, Button]:
        for shown in self._screens():
            for button in shown.buttons:
                if label in button.text and button.data:
                    return shown, button
        raise AssertionError(f"{self.name}: no button {label!r}; newest: {self.buttons()}")

    def _message(self, content: dict[str, Any]) -> None:
        self.emulator.started.setdefault(self.id, self.user)
        self.emulator.push_update(
            message={
                "message_id": self.emulator.next_message_id(),
                "date": int(time.time()),
                "chat": self.chat,
                "from": self.user,
                **content,
            }
        )


async def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


def _labels(buttons: list[Button]) -> list[tuple[str, str | None]]:
    return [(b.text, b.data) for b in buttons]


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(status: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description}
    return web.json_response(body, status=status)
