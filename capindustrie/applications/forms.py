"""Forms of the applications: the pupil's message, the company's answer, bare action buttons."""

from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from capindustrie.applications.states import LABELS
from capindustrie.forms import BaseForm
from capindustrie.offers.forms import PlainText

MESSAGE_MIN, MESSAGE_MAX = 20, 1000
ANSWER_MAX = 1000


def _clean_text(value):
    # Browsers send a textarea's line breaks as CRLF: count them as the user sees them.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class ApplyForm(BaseForm):
    message = TextAreaField(
        "Ton message à l'entreprise",
        filters=[_clean_text],
        validators=[
            DataRequired("Écris un message à l'entreprise pour présenter ta candidature."),
            Length(
                min=MESSAGE_MIN,
                message=f"Ton message doit faire au moins {MESSAGE_MIN} caractères.",
            ),
            PlainText(MESSAGE_MAX),
        ],
    )


class AnswerForm(BaseForm):
    """Accept or refuse (two buttons of one form): the message is optional."""

    message = TextAreaField(
        "Message à l'élève (facultatif)",
        filters=[_clean_text],
        validators=[Optional(), PlainText(ANSWER_MAX)],
    )


class ActionForm(BaseForm):
    """Withdraw, decline or choose: nothing to type, the CSRF token is the form."""


def _known_choice(form, field):
    """Unknown values (a hand-typed URL, an old bookmark) are reported, then ignored."""
    if field.data and field.data not in field.choices:  # choices are a {value: label} dict
        raise ValidationError("Valeur inconnue, ignorée : tous les choix sont affichés.")


class CompanyFilterForm(BaseForm):
    """GET filters of the company's list: no CSRF (a read, bookmarkable)."""

    class Meta:
        csrf = False

    offre = SelectField(
        "Offre", choices={"": "Toutes les offres"}, validate_choice=False,
        validators=[_known_choice],
    )
    statut = SelectField(
        "Statut",
        choices={"": "Tous les statuts"} | {s.value: label for s, label in LABELS.items()},
        validate_choice=False,
        validators=[_known_choice],
    )

    def __init__(self, *args, offer_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.offre.choices = {"": "Toutes les offres"} | offer_choices

    def clean(self) -> bool:
        """Validate, then drop every unknown value (its message stays beside the field)."""
        valid = self.validate()
        for field in (self.offre, self.statut):
            if field.errors:
                field.data = ""
        return valid


class AcceptAllForm(BaseForm):
    """« Tout accepter »: the proposals the company saw on its page (hidden ids), so that one
    arriving meanwhile is not accepted unseen."""

    propositions = SelectMultipleField("Propositions", validate_choice=False)
