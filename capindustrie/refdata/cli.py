import click
from flask.cli import AppGroup

from capindustrie.refdata import demo, services
from capindustrie.text import french_number, plural

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
            f"{table}: {plural(report.created[table], 'créé')}, "
            f"{french_number(report.updated[table])} mis à jour, "
            f"{plural(report.unchanged[table], 'inchangé')}"
        )
    click.echo(
        "Aucun changement." if report.changed == 0 else f"{plural(report.changed, 'changement')}."
    )


@demo_cli.command("load")
def demo_load_command():
    """Ajoute la démonstration : entreprises, offres publiées, une classe et ses élèves."""
    try:
        report = demo.load_demo()
    except demo.DemoError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from exc
    click.echo(report.summary())
    click.echo("")
    click.echo("Comptes de démonstration :")
    for line in demo.accounts_table(report.accounts):
        click.echo(line)
    click.echo("")
    click.echo(
        "Double authentification de l'agent : ajoutez la clé "
        f"{demo.DEMO_STAFF_TOTP_SECRET} à une application d'authentification (TOTP), "
        "puis saisissez le code qu'elle affiche après le mot de passe."
    )
