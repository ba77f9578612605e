"""The built wheel, installed into a fresh virtualenv outside the checkout, upgrades a database.

The migrations travel inside the package: nothing of the checkout is on the path of the
installed ``zavhoz``. Dependencies come from the test's own environment (a ``.pth`` line), so
nothing but the build backend is downloaded.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
TIMEOUT = 300


def _run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run outside the checkout, with neither its sources nor a ``ZAVHOZ_`` setting in sight."""
    environment = {
        k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("ZAVHOZ_")
    }
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _ok(finished: subprocess.CompletedProcess[str]) -> str:
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a copy of the project's sources, so the checkout is left as it was."""
    source = tmp_path / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.db")
    shutil.copytree(CHECKOUT / "src", source / "src", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(CHECKOUT / name, source / name)
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels]
    _ok(_run([*pip, source], tmp_path))
    [wheel] = wheels.glob("zavhoz-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    """A fresh virtualenv with only the wheel, seeing this environment's dependencies."""
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", venv], venv.parent))
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps"]
    _ok(_run([*pip, wheel], venv.parent))
    [site] = (venv / "lib").glob("python*/site-packages")
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv / "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a virtualenv where the wheel is installed."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    return install(build_wheel(tmp_path), tmp_path / "venv")


def test_the_installed_package_comes_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = _ok(
        _run([installed / "python", "-c", "import zavhoz; print(zavhoz.__file__)"], tmp_path)
    )
    assert Path(where.strip()).is_relative_to(installed.parent)


def test_the_installed_command_answers_help(installed: Path, tmp_path: Path) -> None:
    out = _ok(_run([installed / "zavhoz", "--help"], tmp_path))
    assert "usage: zavhoz" in out
    for command in ("run", "worker", "db", "qr", "export"):
        assert command in out


def test_the_installed_command_upgrades_a_fresh_database(installed: Path, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"ZAVHOZ_DATABASE_URL=sqlite+aiosqlite:///{tmp_path / 'x.db'}\n")
    _ok(_run([installed / "zavhoz", "db", "upgrade"], tmp_path))

    with sqlite3.connect(tmp_path / "x.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        [(head,)] = connection.execute("SELECT version_num FROM alembic_version")
    assert {"requests", "users", "outbox"} <= tables
    heads = sorted(p.name for p in (CHECKOUT / "src/zavhoz/migrations/versions").glob("0*.py"))
    assert heads[-1].startswith(head)
