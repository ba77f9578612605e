"""`zavhoz run` brings the database to head first, unless told not to."""

from pathlib import Path

import pytest

from tests.integration.conftest import sqlite_url
from zavhoz.main.cli import main


def test_run_upgrades_the_database_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", sqlite_url(tmp_path))
    assert main(["run"]) == 1
    assert "not available yet" in capsys.readouterr().err
    assert main(["db", "current"]) == 0
    assert "0001 (head)" in capsys.readouterr().out


def test_run_without_migrating_leaves_the_database_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", sqlite_url(tmp_path))
    assert main(["run", "--no-migrate"]) == 1
    assert main(["db", "current"]) == 0
    assert "(head)" not in capsys.readouterr().out
