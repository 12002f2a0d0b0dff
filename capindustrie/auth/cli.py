"""`flask users …`: staff accounts exist only through this command."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from capindustrie.audit.services import record
from capindustrie.auth import services
from capindustrie.auth.passwords import password_problem
from capindustrie.extensions import db

users_cli = AppGroup("users", help="Comptes utilisateurs.")


@users_cli.command("create-staff")
@click.option("--email", required=True, help="Adresse e-mail de l'agent (son identifiant).")
@click.option("--first-name", required=True, help="Prénom.")
@click.option("--last-name", required=True, help="Nom.")
@click.option(
    "--password",
    help="Mot de passe (pour les scripts ; sinon il est demandé sans être affiché).",
)
def create_staff_command(email: str, first_name: str, last_name: str, password: str | None):
    """Crée le compte d'un agent du Département (rôle staff)."""
    try:
        # No DNS lookup: deliverability checks hang on offline servers.
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"Adresse e-mail invalide : {error}") from None
    if services.email_taken(email):
        raise click.ClickException(services.DUPLICATE_EMAIL)
    if password is None:
        password = click.prompt(
            "Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe"
        )
    problem = password_problem(password, first_name, last_name, email.partition("@")[0])
    if problem:
        raise click.ClickException(problem)
    person = services.PersonDetails(
        first_name=first_name, last_name=last_name, email=email, password=password
    )
    try:
        user = services.create_staff(person=person)
    except services.AccountConflict as conflict:
        raise click.ClickException(conflict.message) from None
    record(None, "user.create_staff", user, email=user.email)
    db.session.commit()
    click.echo(f"Compte staff créé : {user.email} (n° {user.id}).")
