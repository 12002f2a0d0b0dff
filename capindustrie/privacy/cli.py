"""`flask purge`: the retention rules applied now (or shown, with --dry-run)."""

import click

from capindustrie.models import utcnow
from capindustrie.privacy import purge


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait supprimé, sans rien changer.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(list(purge.KINDS)),
    help="Limite la purge à ce type (répétable) ; par défaut, tous.",
)
def purge_command(dry_run: bool, kinds: tuple[str, ...]):
    """Applique les durées de conservation (élèves, comptes inactifs, e-mails, journal)."""
    kinds = kinds or tuple(purge.KINDS)
    now = utcnow()
    if dry_run:
        report = purge.plan(now, kinds)
        click.echo("Simulation : rien n'est modifié.")
    else:
        report = purge.run(now, kinds)
    for kind in kinds:
        click.echo(f"{report.counts[kind]:>6}  {purge.KINDS[kind]}")
    if not dry_run:
        click.echo(
            "Purge terminée" + (" (inscrite au journal)." if report.total else " : rien à faire.")
        )
