"""Moderation forms: decisions (CSRF only, or with a required reason) and the list filters."""

from wtforms import SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from capindustrie.forms import BaseForm
from capindustrie.models import FILIERE_LABELS
from capindustrie.offers.forms import PlainText
from capindustrie.offers.lifecycle import STATUS_LABELS

REASON_MIN, REASON_MAX = 10, 2000
SEARCH_MAX = 100


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DecisionForm(BaseForm):
    """Publish an offer or validate a company: nothing to type, the CSRF token is the form."""


class ReasonForm(BaseForm):
    """Refuse an offer or a company: the reason is required, it is e-mailed to the company."""

    reason = TextAreaField(
        "Motif du refus",
        filters=[_strip],
        validators=[
            DataRequired("Indiquez le motif du refus : il est envoyé à l'entreprise."),
            Length(
                min=REASON_MIN,
                message=f"Le motif doit faire au moins {REASON_MIN} caractères.",
            ),
            PlainText(REASON_MAX),
        ],
    )


def _known_choice(form, field):
    """Unknown values (a hand-typed URL, an old bookmark) are reported, then ignored."""
    if field.data and field.data not in field.choices:  # choices are a {value: label} dict
        raise ValidationError("Valeur inconnue, ignorée : tous les choix sont affichés.")


class OfferFilterForm(BaseForm):
    """GET filters of the offer list: no CSRF (a read, bookmarkable)."""

    class Meta:
        csrf = False

    statut = SelectField(
        "Statut",
        choices={"": "Tous les statuts"} | {s.value: label for s, label in STATUS_LABELS.items()},
        validate_choice=False,
        validators=[_known_choice],
    )
    filiere = SelectField(
        "Filière",
        choices={"": "Toutes les filières"}
        | {f.value: label for f, label in FILIERE_LABELS.items()},
        validate_choice=False,
        validators=[_known_choice],
    )
    epci = SelectField(
        "Intercommunalité (EPCI)",
        choices={"": "Toutes les intercommunalités"},
        validate_choice=False,
        validators=[_known_choice],
    )

    q = SearchField(
        "Titre ou entreprise",
        filters=[_strip],
        validators=[PlainText(SEARCH_MAX)],
    )

    def __init__(self, *args, epci_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.epci.choices = {"": "Toutes les intercommunalités"} | epci_choices

    def clean(self) -> bool:
        """Validate, then drop every unknown value (its message stays beside the field)."""
        valid = self.validate()
        for field in (self.statut, self.filiere, self.epci, self.q):
            if field.errors:
                field.data = ""
        return valid
