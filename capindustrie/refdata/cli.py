import click
from flask.cli import AppGroup

from capindustrie.refdata import services

refdata_cli = AppGroup("refdata", help="Données de référence (établissements, communes, EPCI).")
demo_cli = AppGroup("demo", help="Données de démonstration.")


@refdata_cli.command("load")
def load_command():
    """Charge ou met à jour les EPCI, communes et établissements de Seine-et-Marne."""

    def progress(table: str, done: int, total: int) -> None:
        click.echo(f"  {table:<8} {done:>4}/{total}")

    report = services.load_reference_data(progress=progress)
    for table in report.created:
        click.echo(
            f"{table}: {report.created[table]} créé(s), {report.updated[table]} mis à jour, "
            f"{report.unchanged[table]} inchangé(s)"
        )
    click.echo("Aucun changement." if report.changed == 0 else f"{report.changed} changement(s).")
