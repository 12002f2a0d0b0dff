import click
from flask.cli import AppGroup

from capindustrie.audit.services import record
from capindustrie.exports import runs
from capindustrie.extensions import db
from capindustrie.models import ExportKind, ExportStatus

export_cli = AppGroup("export", help="Export des offres (MyStage77, plateforme nationale).")


@export_cli.command("run")
@click.option(
    "--incremental", is_flag=True, help="Seulement ce qui a changé depuis le dernier export réussi."
)
def run_command(incremental: bool):
    """Lance un export maintenant (refusé si un export est déjà en cours)."""
    kind = ExportKind.INCREMENTAL if incremental else ExportKind.FULL
    try:
        run = runs.run_export(kind, "cli")
    except runs.ExportAlreadyRunning as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None
    record(None, "export.run", run, kind=kind, trigger="cli", status=run.status)
    db.session.commit()
    if run.status != ExportStatus.SUCCESS:
        click.echo(f"Export n° {run.id} échoué : {run.error}", err=True)
        raise click.exceptions.Exit(1)
    click.echo(
        f"Export n° {run.id} réussi : {run.row_count} ligne(s), "
        f"{runs.export_dir() / run.csv_file}, {runs.export_dir() / run.json_file}."
    )
    for warning in runs.run_warnings(run)[:20]:
        click.echo(f"  avertissement : {warning}")
    if run.delivery_summary:
        click.echo(run.delivery_summary)
