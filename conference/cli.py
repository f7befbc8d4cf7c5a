"""The ``conference`` console script (see PROTOCOL.md, "Command line").

Every command exits non-zero with one line on standard error on bad input, never a traceback.
``serve`` patches the standard library for gevent before anything else is imported.
"""

from __future__ import annotations

import sys

import click


class CommandFailed(click.ClickException):
    """A one-line error; exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"conference: {self.format_message()}", err=True)


def _app(config_path: str | None, async_mode: str | None = "threading"):
    """Create the app, turning configuration and database errors into one-line failures."""
    import warnings

    from conference.config import ConfigError, UnknownConfigKey

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownConfigKey)
        try:
            from conference.app import create_app

            app = create_app(config_path=config_path, async_mode=async_mode)
        except ConfigError as exc:
            raise CommandFailed(str(exc)) from None
    for warning in caught:
        click.echo(f"conference: warning: {warning.message}", err=True)
    return app


def _check_database(app) -> None:
    """Fail with one line when the database cannot be reached."""
    import sqlalchemy as sa

    from conference.db import db

    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise CommandFailed(f"cannot reach the database: {reason}") from None
    except Exception as exc:  # a malformed URL or missing driver
        raise CommandFailed(f"cannot use the database URL: {exc}") from None


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (default: config.toml in the working directory).",
)


class EdgeGroup(click.Group):
    """The command group: every argument follows the text rule before anything runs.

    Arguments that are not valid UTF-8 arrive as lone surrogates (Python decodes the command
    line with ``surrogateescape``); they and control characters are refused with one line.
    """

    def parse_args(self, ctx, args):
        from conference.edge.text import NOT_TEXT

        for number, arg in enumerate(args, start=1):
            found = NOT_TEXT.search(arg)
            if found:
                raise CommandFailed(
                    f"argument {number} ({ascii(arg)[:60]}) is not valid text: "
                    f"U+{ord(found.group()):04X} is not allowed"
                )
        return super().parse_args(ctx, args)


@click.group(cls=EdgeGroup)
def main() -> None:
    """A live companion for hybrid conferences."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@config_option
def db_upgrade(config_path: str | None) -> None:
    """Apply the schema migrations to the configured database."""
    app = _app(config_path)
    _check_database(app)
    from conference.migrations import upgrade

    upgrade(app.config["DATABASE_URL"])
    click.echo("database is up to date")


@db.command("check-text")
@click.option("--fix", "repair", is_flag=True, help="Repair the rows (U+FFFD, NFC).")
@config_option
def db_check_text(repair: bool, config_path: str | None) -> None:
    """List rows with invalid text (one line each); --fix repairs them.

    Exits 1 when it found some and did not repair them.
    """
    import sqlalchemy as sa

    from conference.db import Base
    from conference.db import db as database
    from conference.edge.check_text import find_bad_text, fix

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        import conference.models  # noqa: F401  (every table)

        try:
            with database.engine.begin() as connection:
                findings = list(find_bad_text(connection, Base.metadata))
                for finding in findings:
                    if repair:
                        fix(connection, Base.metadata, finding)
                    click.echo(("fixed " if repair else "") + finding.line())
        except sa.exc.SQLAlchemyError as exc:
            raise _database_failure(exc) from None
    if not findings:
        click.echo("no invalid text found")
    elif not repair:
        raise CommandFailed(
            f"{len(findings)} value(s) with invalid text; conference db check-text --fix "
            "repairs them"
        )


@main.group()
def user() -> None:
    """Users who sign in."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "moderator", "jury"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", default=None, help="Display name.")
@config_option
def user_add(email: str, role: str, password_stdin: bool, name: str | None, config_path) -> None:
    """Create a user with ROLE (admin, moderator, jury)."""
    from conference.errors import ServiceError
    from conference.users.services import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            create_user(email, role, password, name=name)
        except ServiceError as exc:
            raise CommandFailed(str(exc.message)) from None
    click.echo(f"user {email} added as {role}")


@main.group()
def team() -> None:
    """Who holds which role in an event (organiser, moderator, jury)."""


def _team_change(config_path: str | None, change) -> None:
    """Run ``change()`` (a :mod:`conference.users.team` call) in the app, failing in one line."""
    import sqlalchemy as sa

    from conference.errors import ServiceError

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            change()
        except ServiceError as exc:
            raise CommandFailed(str(exc.message)) from None
        except sa.exc.SQLAlchemyError as exc:
            raise _database_failure(exc) from None


@team.command("add")
@click.argument("slug")
@click.argument("email")
@click.option("--role", required=True, metavar="organiser|moderator|jury")
@config_option
def team_add(slug: str, email: str, role: str, config_path: str | None) -> None:
    """Give the user EMAIL the ROLE in the event SLUG (replacing the role they held there)."""
    from conference.audit.log import CLI
    from conference.users.team import add_to_team

    _team_change(config_path, lambda: add_to_team(slug, email, role, CLI))
    click.echo(f"{email} is {role} of {slug}")


@team.command("remove")
@click.argument("slug")
@click.argument("email")
@config_option
def team_remove(slug: str, email: str, config_path: str | None) -> None:
    """Take away the role of the user EMAIL in the event SLUG (and sign them out)."""
    from conference.audit.log import CLI
    from conference.users.team import remove_from_team

    _team_change(config_path, lambda: remove_from_team(slug, email, CLI))
    click.echo(f"{email} has no role in {slug} any more")


@team.command("list")
@click.argument("slug")
@config_option
def team_list(slug: str, config_path: str | None) -> None:
    """Print the team of the event SLUG: one ``ROLE EMAIL`` a line."""
    from conference.events.services import find_event
    from conference.users.team import team_of

    lines = []

    def read() -> None:
        event = find_event(slug)
        if event is None:
            raise CommandFailed(f"there is no event {slug}")
        lines.extend(f"{row.role}\t{row.user.email}" for row in team_of(event))

    _team_change(config_path, read)
    for line in lines:
        click.echo(line)


@main.group()
def rehearsal() -> None:
    """The unlisted rehearsal copy of an event (SLUG-rehearsal), to run and start again."""


@rehearsal.command("make")
@click.argument("slug")
@config_option
def rehearsal_make(slug: str, config_path: str | None) -> None:
    """Make the rehearsal of the event SLUG: its content and team, a live log of its own."""
    from conference.audit.log import CLI
    from conference.events.rehearsal import make_rehearsal

    made = []
    _team_change(config_path, lambda: made.append(make_rehearsal(slug, CLI).slug))
    click.echo(f"rehearsal {made[0]} made from {slug}")


@rehearsal.command("reset")
@click.argument("slug")
@config_option
def rehearsal_reset(slug: str, config_path: str | None) -> None:
    """Start the rehearsal of the event SLUG again: a fresh copy, not started, seq 0."""
    from conference.audit.log import CLI
    from conference.events.rehearsal import reset_rehearsal

    made = []
    _team_change(config_path, lambda: made.append(reset_rehearsal(slug, CLI).slug))
    click.echo(f"rehearsal {made[0]} reset from {slug}")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("email")
@config_option
def token_create(email: str, config_path: str | None) -> None:
    """Print a new API token for the user EMAIL (only its hash is stored)."""
    from conference.errors import ServiceError
    from conference.users.services import create_token_for

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            secret = create_token_for(email)
        except ServiceError as exc:
            raise CommandFailed(str(exc.message)) from None
    click.echo(secret)


@token.command("revoke")
@click.argument("email")
@config_option
def token_revoke(email: str, config_path: str | None) -> None:
    """Revoke every API token of the user EMAIL (requests with them get 401 from now on)."""
    from conference.errors import ServiceError
    from conference.users.services import revoke_tokens_of

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            count = revoke_tokens_of(email)
        except ServiceError as exc:
            raise CommandFailed(str(exc.message)) from None
    click.echo(f"{count} token(s) of {email} revoked")


def _database_failure(exc: Exception) -> CommandFailed:
    """One line for a database error in the middle of a command (e.g. a missing table)."""
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return CommandFailed(
        f"database error: {reason} (is the schema up to date? conference db upgrade)"
    )


def _read_text(path: str) -> str:
    """The UTF-8 text of ``path`` (``-``: standard input), or a one-line failure."""
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CommandFailed(f"{path} is not UTF-8 text (byte {exc.start})") from None


@main.command("import")
@click.argument("file")
@click.option("--replace", is_flag=True, help="Update the existing event with the same slug.")
@config_option
def import_command(file: str, replace: bool, config_path: str | None) -> None:
    """Import a whole event from the TOML FILE (format: docs/event-toml.md; - for stdin)."""
    import sqlalchemy as sa

    from conference.errors import ServiceError
    from conference.events.exchange import import_event

    text = _read_text(file)
    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            event = import_event(text, replace=replace)
        except ServiceError as exc:
            raise CommandFailed(f"{file}: {exc.message}") from None
        except sa.exc.SQLAlchemyError as exc:
            raise _database_failure(exc) from None
        entries = sum(len(contest.entries) for contest in event.contests)
        click.echo(
            f"{'replaced' if replace else 'imported'} {event.slug}: {len(event.items)} items, "
            f"{len(event.organisations)} organisations, {len(event.people)} people, "
            f"{len(event.projects)} projects, {len(event.contests)} contests, {entries} entries"
        )


@main.command("export")
@click.argument("slug")
@click.option("-o", "--output", default=None, help="Write to this file instead of stdout.")
@click.option("--without-winners", is_flag=True, help="Leave out the secret award winners.")
@click.option(
    "--with-personal-data",
    is_flag=True,
    help="Include the participants (names, organisations, e-mail addresses); left out otherwise.",
)
@config_option
def export_command(
    slug: str, output: str | None, without_winners: bool, with_personal_data: bool, config_path
) -> None:
    """Write the event SLUG as a TOML file (with its award winners unless told otherwise;
    without personal data unless asked)."""
    import sqlalchemy as sa

    from conference.errors import ServiceError
    from conference.events.exchange import export_event

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            text = export_event(
                slug,
                include_winners=not without_winners,
                include_personal_data=with_personal_data,
            )
        except ServiceError as exc:
            raise CommandFailed(str(exc.message)) from None
        except sa.exc.SQLAlchemyError as exc:
            raise _database_failure(exc) from None
    data = text.encode("utf-8")
    if output is None:
        # Bytes, so the Latvian letters come out as UTF-8 whatever the terminal's locale says.
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise CommandFailed(f"cannot write {output}: {exc.strerror or exc}") from None


@main.group()
def participants() -> None:
    """The participants' personal data."""


@participants.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be erased.")
@config_option
def participants_purge(dry_run: bool, config_path: str | None) -> None:
    """Erase the personal data of the participants of every event whose retention is over
    (its participants_retention_days after its end); the worker does this every day."""
    import sqlalchemy as sa

    from conference.participants.retention import purge_participants

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        try:
            purged = purge_participants(dry_run=dry_run)
        except sa.exc.SQLAlchemyError as exc:
            raise _database_failure(exc) from None
    verb = "would erase" if dry_run else "erased"
    for row in purged:
        click.echo(
            f"{row.slug}: {verb} the personal data of {row.participants} participant(s) "
            f"(ended {row.ended:%Y-%m-%d}, kept {row.keep_days} days)"
        )
    if not purged:
        click.echo("no participant's retention is over; nothing to erase")


@main.group()
def invite() -> None:
    """Partner upload links."""


@invite.command("create")
@click.argument("slug")
@click.argument("organisation")
@click.option("--days", type=int, default=None, help="Days until the link expires (default 30).")
@click.option(
    "--language",
    type=click.Choice(["lv", "en", "et", "it", "es", "pt", "de"]),
    default=None,
    help="Language the partner's page opens in (default: from the organisation's country).",
)
@config_option
def invite_create(slug: str, organisation: str, days, language, config_path) -> None:
    """Print a new upload page URL for ORGANISATION (its id or exact name) of event SLUG."""
    from conference.errors import ServiceError
    from conference.events.services import find_event
    from conference.greetings.invites import create_invite, find_organisation, invite_url

    app = _app(config_path)
    _check_database(app)
    with app.app_context():
        event = find_event(slug)
        if event is None:
            raise CommandFailed(f"there is no event {slug}")
        try:
            found = find_organisation(event, organisation)
            _invite, secret = create_invite(event, found, language=language, days=days)
        except ServiceError as exc:
            raise CommandFailed(str(exc.message)) from None
        click.echo(invite_url(secret))


@main.command("backup")
@click.option("-o", "--output", required=True, help="The archive to write (a tar file).")
@config_option
def backup_command(output: str, config_path: str | None) -> None:
    """Write one archive of the database, the greeting media and the secret key (while serving)."""
    import tarfile
    from pathlib import Path

    from conference.ops.backup import BackupError, take_backup

    app = _app(config_path)
    _check_database(app)
    try:
        manifest = take_backup(
            app.config["DATABASE_URL"],
            Path(app.config["MEDIA_DIR"]),
            app.config["SECRET_KEY"],
            Path(output),
        )
    except (BackupError, OSError, tarfile.TarError) as exc:
        raise CommandFailed(" ".join(str(exc).split())) from None
    database = manifest["database"]
    media = sum(1 for name in manifest["files"] if name.startswith("media/"))
    personal = database.get("personal_data", {})
    click.echo(
        f"backup written to {output}: {database['dialect']} database (schema "
        f"{database['schema_revision'] or 'unknown'}, {database['counts'].get('events', 0)} "
        f"events), {media} media files, the secret key; personal data: "
        f"{personal.get('participants', 0)} participants, "
        f"{personal.get('question_names', 0)} askers' names, "
        f"{personal.get('staff_accounts', 0)} staff accounts"
    )


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@config_option
def restore_command(file: str, config_path: str | None) -> None:
    """Fill the configured (empty) database and media folder from the archive FILE."""
    import tarfile
    from pathlib import Path

    from conference.ops.backup import BackupError
    from conference.ops.restore import restore_backup

    if not Path(file).is_file():
        raise CommandFailed(f"there is no file {file}")
    app = _app(config_path)
    _check_database(app)
    try:
        restored = restore_backup(
            Path(file),
            app.config["DATABASE_URL"],
            Path(app.config["MEDIA_DIR"]),
            Path(app.instance_path),
            app.config["SETTINGS"]["server"]["secret_key"],
        )
    except (BackupError, OSError, tarfile.TarError) as exc:
        raise CommandFailed(" ".join(str(exc).split())) from None
    migrated = f", migrated to {restored.migrated_to}" if restored.migrated_to else ""
    click.echo(
        f"restored {file}: {restored.counts.get('events', 0)} events, "
        f"{restored.media_files} media files, schema {restored.revision or 'unknown'}{migrated}"
    )
    if restored.key_warning:
        click.echo(f"conference: warning: {restored.key_warning}", err=True)


@main.command()
@click.option(
    "--workers", default=1, type=click.IntRange(1, 16), help="Parallel tasks (default 1)."
)
@config_option
def worker(workers: int, config_path: str | None) -> None:
    """Run the task queue (video processing, upload cleanup, the daily participants purge)
    in the foreground."""
    from conference.greetings.worker import run_worker
    from conference.ops.logs import configure_logging

    app = _app(config_path)
    configure_logging(app.config["SETTINGS"]["logging"])
    _check_database(app)
    run_worker(app, workers=workers)


@main.command()
@click.option("--host", default=None, help="Address to listen on (default from config: 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default from config: 5000).")
@click.option("--demo", is_flag=True, help="Import the demo event into an empty database.")
@config_option
def serve(host: str | None, port: int | None, demo: bool, config_path: str | None) -> None:
    """Run the server (gevent, WebSocket included)."""
    from conference.server import run_server

    app = _app(config_path, async_mode="gevent")
    _check_database(app)
    settings = app.config["SETTINGS"]["server"]
    run_server(app, host or settings["host"], port or settings["port"], demo=demo)


def run() -> None:
    """Entry point: patch for gevent first when serving, then run the click group."""
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        from gevent import monkey

        monkey.patch_all()
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run()
