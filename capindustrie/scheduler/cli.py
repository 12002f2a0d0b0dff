import signal

import click
from flask import current_app
from flask.cli import AppGroup

from capindustrie.filters import french_datetime
from capindustrie.scheduler import build_scheduler, next_run_times, run_job
from capindustrie.scheduler.jobs import JOBS
from capindustrie.text import plural

scheduler_cli = AppGroup("scheduler", help="Planificateur des tâches (un seul processus).")


@scheduler_cli.command("run")
def run_command():
    """Démarre le planificateur (bloquant). Un seul processus pour toute l'installation."""
    scheduler = build_scheduler(current_app._get_current_object())
    # systemd and container runtimes stop services with SIGTERM: finish cleanly.
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"Planificateur démarré ({plural(len(JOBS), 'tâche')}) ; Ctrl+C pour l'arrêter.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        if scheduler.running:
            scheduler.shutdown(wait=False)
    click.echo("Planificateur arrêté.")


@scheduler_cli.command("list")
def list_command():
    """Liste les tâches et leur prochaine exécution."""
    for name, job, next_run in next_run_times():
        when = french_datetime(next_run) if next_run else "jamais"
        click.echo(f"{name:<20} {job.trigger.label:<28} prochaine : {when} — {job.description}")


@scheduler_cli.command("run-job")
@click.argument("name", type=click.Choice(sorted(JOBS)))
def run_job_command(name: str):
    """Exécute une tâche une fois, maintenant."""
    outcome = run_job(current_app._get_current_object(), name)
    if not outcome.ok:
        click.echo(f"La tâche {name} a échoué : {outcome.error}", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"Tâche {name} terminée : {outcome.result}.")
