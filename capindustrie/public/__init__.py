"""Public pages (no login): an offer as pupils and families see it, without personal data."""

from flask import Blueprint

bp = Blueprint("public", __name__)


@bp.app_template_global()
def observation_commitment() -> str:
    """The observation-only commitment, for the shared offer partial wherever it is included."""
    from capindustrie.offers.program_templates import OBSERVATION_COMMITMENT

    return OBSERVATION_COMMITMENT


@bp.app_template_filter("phone_fr")
def phone_fr(value: str | None) -> str:
    from capindustrie.offers.rules import display_phone

    return display_phone(value)


from capindustrie.public import routes  # noqa: E402, F401
