"""Registers the CLI groups of every area; each command is a thin wrapper over a service."""

from flask import Flask


def init_app(app: Flask) -> None:
    from capindustrie.auth.cli import users_cli
    from capindustrie.emails.cli import outbox_cli
    from capindustrie.exports.cli import export_cli
    from capindustrie.refdata.cli import demo_cli, refdata_cli
    from capindustrie.scheduler.cli import scheduler_cli

    for group in (users_cli, outbox_cli, refdata_cli, demo_cli, scheduler_cli, export_cli):
        app.cli.add_command(group)

    from capindustrie.matching.cli import matching_cli

    app.cli.add_command(matching_cli)

    from capindustrie.privacy.cli import purge_command

    app.cli.add_command(purge_command)
