"""A small Bot API server for start-up tests: the bot talks to it over real HTTP.

It answers getMe, the command and webhook calls and sendMessage, hands out queued updates on
getUpdates (holding the long poll otherwise), records every call, and can hold sendMessage
until the test lets it go (to stop the bot while an update is in flight).
"""

import asyncio
import itertools
import json
from typing import Any

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "ZAVhoz", "username": "zavhoz_bot"}


@attrs.define
class Call:
    method: str
    params: dict[str, Any]


def start_update(update_id: int, user_id: int, name: str = "Анна") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": name},
            "from": {"id": user_id, "is_bot": False, "first_name": name, "language_code": "ru"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


class FakeBotApi:
    def __init__(self, token_ok: bool = True) -> None:
        self.token_ok = token_ok
        self.calls: list[Call] = []
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.hold_messages = False
        self.message_arrived = asyncio.Event()
        self.release_messages = asyncio.Event()
        self.polling = asyncio.Event()
        self.webhook_set = asyncio.Event()
        self._closing = asyncio.Event()
        self._ids = itertools.count(500)
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")

    async def __aenter__(self) -> "FakeBotApi":
        await self.server.start_server()
        return self

    async def __aexit__(self, *_: object) -> None:
        self._closing.set()
        self.release_messages.set()
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {key: _decode(str(value)) for key, value in form.items()}
        self.calls.append(Call(method, params))
        if not self.token_ok:
            return _error(401, "Unauthorized")
        handler = getattr(self, f"_{method}", None)
        result = await handler(params) if handler else True
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _getUpdates(self, params: dict[str, Any]) -> Any:
        self.polling.set()
        if self.updates.empty():
            waiting = asyncio.ensure_future(self._closing.wait())
            arrived = asyncio.ensure_future(self.updates.get())
            await asyncio.wait(
                [waiting, arrived],
                timeout=float(params.get("timeout", 10)),
                return_when=asyncio.FIRST_COMPLETED,
            )
            waiting.cancel()
            if not arrived.done():
                arrived.cancel()
                return []
            return [arrived.result()]
        return [self.updates.get_nowait()]

    async def _setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_set.set()
        return True

    async def _sendMessage(self, params: dict[str, Any]) -> Any:
        self.message_arrived.set()
        if self.hold_messages:
            await self.release_messages.wait()
        return {
            "message_id": next(self._ids),
            "date": 1_700_000_000,
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(status: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description}
    return web.json_response(body, status=status)
