import click
from flask.cli import AppGroup

from capindustrie.emails import services
from capindustrie.models import OutboxStatus

outbox_cli = AppGroup("outbox", help="File d'attente des e-mails (outbox).")

STATUS_LABELS = {
    OutboxStatus.PENDING: "En attente",
    OutboxStatus.SENT: "Envoyés",
    OutboxStatus.FAILED: "En échec",
}


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Nombre maximal de messages.")
def send_command(limit: int):
    """Envoie les e-mails en attente dont l'heure est venue."""
    report = services.send_pending(limit=limit)
    click.echo(f"E-mails : {report}.")


@outbox_cli.command("status")
def status_command():
    """Compte les e-mails par état."""
    for status, count in services.status_counts().items():
        click.echo(f"{STATUS_LABELS[status]:<11} {count:>6}")
