"""``zavhoz orgs list|create|rename|move|settings|invite|revoke``: organizations, by the operator.

The operator acts above every organization (``actor_id=None``); the core's rules still hold:
slugs are unique, the tree stays at most three levels deep and never loops, and every setting
is checked by the same parser as the environment's.
"""

import argparse
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, TypeVar

from zavhoz.adapters.reports import qr
from zavhoz.application.org_settings import BadSetting
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.configure_organization import (
    ConfigureOrganization,
    ConfigureOrganizationCommand,
    parse_pairs,
)
from zavhoz.application.use_cases.create_invite import CreateInvite, CreateInviteCommand
from zavhoz.application.use_cases.create_organization import (
    CreateOrganization,
    CreateOrganizationCommand,
)
from zavhoz.application.use_cases.join_organization import START_PREFIX
from zavhoz.application.use_cases.move_organization import (
    MoveOrganization,
    MoveOrganizationCommand,
)
from zavhoz.application.use_cases.rename_organization import (
    RenameOrganization,
    RenameOrganizationCommand,
)
from zavhoz.application.use_cases.revoke_invite import RevokeInvite, RevokeInviteCommand
from zavhoz.domain.errors import AlreadyExists, DomainError, NotFound, ValidationFailed
from zavhoz.domain.organizations import MAX_DEPTH, Invite, Organization, OrgTree
from zavhoz.domain.users import Role
from zavhoz.main.cli_common import WRONG, CommandError, run_command, table, with_container
from zavhoz.main.settings import EnvironmentOrgSettings

if TYPE_CHECKING:
    from zavhoz.main.container import Container

T = TypeVar("T")
_DURATION = re.compile(r"(\d{1,4})([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


# --- what the core's refusals mean to the operator -----------------------------------------------


def explain(error: DomainError) -> str:
    """A refusal of the core as one line the operator can act on."""
    if isinstance(error, BadSetting):
        return f"setting {error}"
    if isinstance(error, NotFound):
        return f"no {error.entity} {error.key!r} (see zavhoz orgs list)"
    if isinstance(error, AlreadyExists):
        return f"the {error.entity} {error.key!r} already exists: choose another slug"
    if isinstance(error, ValidationFailed):
        return _invalid(error)
    return f"refused: {error}"


def _invalid(error: ValidationFailed) -> str:
    reasons = {
        ("slug", "pattern"): "the slug takes 1-24 of a-z, 0-9 and -, e.g. school-5",
        ("org_name", "min_length"): f"the name is too short: at least {error.limit} characters",
        ("org_name", "max_length"): f"the name is too long: at most {error.limit} characters",
        ("parent", "cycle"): "an organization cannot go under itself or one below it",
        ("parent", "max_depth"): (
            f"the tree would be {error.actual} levels deep; at most {MAX_DEPTH}"
        ),
        ("expires", "positive"): "--expires must be a time to come, e.g. 7d",
    }
    return reasons.get((error.field, error.rule), f"{error.field}: {error.rule}")


def _run(work: Callable[["Container"], Awaitable[T]]) -> T:
    """``work`` on the container; a refusal of the core is one line and exit 2."""

    async def guarded(container: "Container") -> T:
        try:
            return await work(container)
        except DomainError as error:
            raise CommandError(explain(error), WRONG) from None

    return with_container(guarded)


def _parts(container: "Container") -> tuple[UnitOfWorkFactory, Clock, WorkflowSettings]:
    return container.uow_factory(), container.clock(), container.workflow()


def _org_settings(container: "Container") -> EnvironmentOrgSettings:
    return EnvironmentOrgSettings(container.settings())


# --- orgs list -----------------------------------------------------------------------------------


async def all_organizations(uow_factory: UnitOfWorkFactory) -> list[Organization]:
    async with uow_factory(read_only=True) as uow:
        return await uow.organizations.all()


def tree_rows(everyone: Sequence[Organization]) -> list[tuple[str, str, str, str]]:
    """Each organization under its parent, indented by its depth: slug, name, parent, own."""
    by_id = {org.id: org for org in everyone}
    tree = OrgTree.of(everyone)
    rows = []
    for org in _depth_first(everyone, tree):
        depth = len(tree.chain(org.id)) - 1
        parent = by_id[org.parent].slug if org.parent in by_id else ""
        own = ", ".join(f"{key}={value}" for key, value in sorted(org.settings.items()))
        rows.append(("  " * depth + org.slug, org.name, parent, own))
    return rows


def _depth_first(everyone: Sequence[Organization], tree: OrgTree) -> list[Organization]:
    by_id = {org.id: org for org in everyone}
    found: list[Organization] = []
    waiting = [org.id for org in reversed(everyone) if org.parent not in by_id]
    while waiting:
        org = by_id[waiting.pop()]
        found.append(org)
        waiting.extend(sorted(tree.children.get(org.id, ()), reverse=True))
    return found


def _list(arguments: argparse.Namespace) -> int:
    def body() -> int:
        everyone = _run(lambda container: all_organizations(container.uow_factory()))
        print(table(["slug", "name", "parent", "own settings"], tree_rows(everyone)))
        print(f"{len(everyone)} organization(s)")
        return 0

    return run_command(body)


# --- orgs create / rename / move -----------------------------------------------------------------


def _create(arguments: argparse.Namespace) -> int:
    async def work(container: "Container") -> Organization:
        command = CreateOrganizationCommand(
            actor_id=None, slug=arguments.slug, name=arguments.name, parent=arguments.parent
        )
        return await CreateOrganization(*_parts(container))(command)

    return _done(work, "created", arguments.parent)


def _rename(arguments: argparse.Namespace) -> int:
    async def work(container: "Container") -> Organization:
        command = RenameOrganizationCommand(
            actor_id=None, organization=arguments.slug, name=arguments.name
        )
        return await RenameOrganization(*_parts(container))(command)

    return _done(work, "renamed", None)


def _move(arguments: argparse.Namespace) -> int:
    async def work(container: "Container") -> Organization:
        command = MoveOrganizationCommand(
            actor_id=None, organization=arguments.slug, parent=arguments.parent
        )
        return await MoveOrganization(*_parts(container))(command)

    return _done(work, "moved", arguments.parent or "the top")


def _done(
    work: Callable[["Container"], Awaitable[Organization]], verb: str, under: str | None
) -> int:
    def body() -> int:
        org = _run(work)
        print(f"{verb} {org.slug} ({org.name})" + (f" under {under}" if under else ""))
        return 0

    return run_command(body)


# --- orgs settings -------------------------------------------------------------------------------


async def settings_rows(
    uow_factory: UnitOfWorkFactory, org_settings: EnvironmentOrgSettings, slug: str
) -> list[tuple[str, str, str]]:
    """Every key the organization may set: its value now, and who set it."""
    async with uow_factory(read_only=True) as uow:
        everyone = await uow.organizations.all()
    by_id = {org.id: org for org in everyone}
    org = next((each for each in everyone if each.slug == slug), None)
    if org is None:
        raise NotFound("organization", slug)
    chain = [by_id[step] for step in OrgTree.of(everyone).chain(org.id)]
    return [_source(key, org_settings.environment[key], org, chain) for key in org_settings.keys]


def _source(
    key: str, default: str, org: Organization, chain: Sequence[Organization]
) -> tuple[str, str, str]:
    setter = next((step for step in reversed(chain) if key in step.settings), None)
    if setter is None:
        return key, default, "environment"
    where = "own" if setter is org else f"inherited from {setter.slug}"
    return key, setter.settings[key], where


def _settings(arguments: argparse.Namespace) -> int:
    pairs: list[str] = arguments.pairs

    async def work(container: "Container") -> list[tuple[str, str, str]]:
        org_settings = _org_settings(container)
        if pairs:
            command = ConfigureOrganizationCommand(
                actor_id=None, organization=arguments.slug, changes=parse_pairs(pairs)
            )
            await ConfigureOrganization(*_parts(container), org_settings)(command)
        return await settings_rows(container.uow_factory(), org_settings, arguments.slug)

    def body() -> int:
        rows = _run(work)
        if pairs:
            print(f"{arguments.slug}: {len(pairs)} setting(s) changed")
        print(table(["key", "value", "from"], rows))
        return 0

    return run_command(body)


# --- orgs invite / revoke ------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """An argparse type: ``7d``, ``12h`` or ``30m``."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration: use e.g. 7d, 12h or 30m")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


async def known_bot(container: "Container", given: str | None) -> str | None:
    """``--bot``, else the username the last `zavhoz run` remembered (none: no link yet)."""
    from zavhoz.main.container import BOT_USERNAME

    if given is not None:
        return given
    return await container.remembered().recall(BOT_USERNAME)


def invite_lines(invite: Invite, bot: str | None) -> list[str]:
    """The link to send, or its start parameter and how to make the link of it."""
    start = f"{START_PREFIX}{invite.token}"
    until = (
        "until revoked"
        if invite.expires_at is None
        else "until " + invite.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    about = f"invite as {invite.role.value}, {until} (zavhoz orgs revoke {invite.token})"
    if bot is not None:
        return [f"https://t.me/{qr.bot_username(bot)}?start={start}", about]
    return [
        f"start parameter: {start}",
        "the link is https://t.me/<bot username>?start="
        + start
        + " (give --bot USERNAME, or run the bot once and it is remembered)",
        about,
    ]


def _invite(arguments: argparse.Namespace) -> int:
    if arguments.bot is not None:
        _check_username(arguments.bot)

    async def work(container: "Container") -> tuple[Invite, str | None]:
        command = CreateInviteCommand(
            actor_id=None,
            organization=arguments.slug,
            role=Role(arguments.role),
            expires_in=arguments.expires,
        )
        made = await CreateInvite(*_parts(container))(command)
        return made, await known_bot(container, arguments.bot)

    def body() -> int:
        made, bot = _run(work)
        print("\n".join(invite_lines(made, bot)))
        return 0

    return run_command(body)


def _check_username(raw: str) -> None:
    try:
        qr.bot_username(raw)
    except ValueError as error:
        raise CommandError(str(error), WRONG) from None


def _revoke(arguments: argparse.Namespace) -> int:
    async def work(container: "Container") -> Invite:
        command = RevokeInviteCommand(
            actor_id=None, token=arguments.token.removeprefix(START_PREFIX)
        )
        return await RevokeInvite(*_parts(container))(command)

    def body() -> int:
        revoked = _run(work)
        print(f"revoked invite {revoked.token}: the link no longer lets anyone in")
        return 0

    return run_command(body)


# --- the parser ----------------------------------------------------------------------------------


def add_commands(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``orgs list|create|rename|move|settings|invite|revoke``."""
    orgs = subparsers.add_parser("orgs", help="organizations: schools, districts above them")
    actions = orgs.add_subparsers(dest="orgs_action", required=True)
    actions.add_parser("list", help="the tree: slug, name, parent, own settings").set_defaults(
        handler=_list
    )
    create = actions.add_parser("create", help="a new organization")
    create.add_argument("slug", help="1-24 of a-z, 0-9 and -, used in links: school-5")
    create.add_argument("--name", required=True, help="the name people see")
    create.add_argument("--parent", metavar="SLUG", help="the organization above it")
    create.set_defaults(handler=_create)
    rename = actions.add_parser("rename", help="a new name (the slug stays)")
    rename.add_argument("slug")
    rename.add_argument("name")
    rename.set_defaults(handler=_rename)
    move = actions.add_parser("move", help="put an organization under another, or at the top")
    move.add_argument("slug")
    where = move.add_mutually_exclusive_group(required=True)
    where.add_argument("--parent", metavar="SLUG", help="the new organization above it")
    where.add_argument(
        "--root", dest="parent", action="store_const", const=None, help="nothing above it"
    )
    move.set_defaults(handler=_move)
    _add_settings(actions)
    _add_invites(actions)


def _add_settings(actions: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    settings = actions.add_parser(
        "settings",
        help="show or change an organization's own settings",
        description=(
            "Without pairs: every setting, its value and where it comes from. KEY=VALUE sets "
            "one, KEY= drops it to inherit again. Keys: "
            + ", ".join(EnvironmentOrgSettings.keys)
            + " (written as their ZAVHOZ_ variables are)."
        ),
    )
    settings.add_argument("slug")
    settings.add_argument("pairs", nargs="*", metavar="KEY=VALUE")
    settings.set_defaults(handler=_settings)


def _add_invites(actions: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    invite = actions.add_parser("invite", help="a link that makes its opener a member")
    invite.add_argument("slug")
    invite.add_argument("--role", choices=[role.value for role in Role], default=Role.STAFF.value)
    invite.add_argument(
        "--expires", type=parse_duration, metavar="7d", help="works this long (d, h or m)"
    )
    invite.add_argument(
        "--bot",
        metavar="USERNAME",
        help="the bot's username (default: the one the last `zavhoz run` remembered)",
    )
    invite.set_defaults(handler=_invite)
    revoke = actions.add_parser("revoke", help="an invite link stops working")
    revoke.add_argument("token", help="the invite's token (or join_<token>)")
    revoke.set_defaults(handler=_revoke)
