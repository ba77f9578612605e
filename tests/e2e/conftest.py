"""The real ``python -m zavhoz run`` as a subprocess against the Bot API emulator."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.emulator import Emulator, wait_until

TOKEN = "123456:E2E-token"
START_TIMEOUT = 120  # a cold start on a busy CI machine (imports compiled on first use)


class BotProcess:
    """``zavhoz run`` in ``folder`` with ``environment``; started, killed and stopped by tests."""

    def __init__(self, folder: Path, environment: dict[str, str], emulator: Emulator) -> None:
        self.folder, self.environment, self.emulator = folder, environment, emulator
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def log(self) -> Path:
        return self.folder / f"run-{self.runs}.log"

    async def start(self) -> None:
        assert self.process is None or self.process.returncode is not None
        self.runs += 1
        polls = len(self.emulator.called("getUpdates"))
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "zavhoz", "run",
                cwd=self.folder, env=self.environment,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
        await wait_until(
            lambda: len(self.emulator.called("getUpdates")) > polls or self._died(),
            START_TIMEOUT,
            "the bot to start polling",
        )
        assert not self._died(), self.output()

    def _died(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    async def kill(self) -> None:
        """SIGKILL: no clean-up at all, as a power cut or the OOM killer."""
        assert self.process is not None
        self.process.kill()
        await asyncio.wait_for(self.process.wait(), 30)

    async def terminate(self) -> tuple[int, float]:
        """SIGTERM; the exit code and how long it took."""
        assert self.process is not None
        loop = asyncio.get_running_loop()
        began = loop.time()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        return code, loop.time() - began

    def output(self) -> str:
        return "\n".join(
            (self.folder / f"run-{n}.log").read_text(errors="replace")
            for n in range(1, self.runs + 1)
        )

    async def cli(self, *arguments: str) -> tuple[int, str]:
        """``python -m zavhoz …`` on the same configuration (the same database)."""
        command = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "zavhoz", *arguments,
            cwd=self.folder, env=self.environment,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(command.communicate(), 120)
        assert command.returncode is not None
        return command.returncode, out.decode()

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


def environment(emulator: Emulator, database_url: str, admin: int, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZAVHOZ_")}
    return (
        base
        | {
            "ZAVHOZ_BOT_TOKEN": TOKEN,
            "ZAVHOZ_TELEGRAM_API_URL": emulator.url,
            "ZAVHOZ_DATABASE_URL": database_url,
            "ZAVHOZ_ADMIN_IDS": str(admin),
            "ZAVHOZ_NOTIFY_RATE": "1000",
            "ZAVHOZ_LOG_LEVEL": "INFO",
        }
        | extra
    )


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN) as running:
        yield running
