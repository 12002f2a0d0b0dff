"""Forms of the teacher's dashboard: the state filter, validation, refusal with a reason."""

from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from capindustrie.forms import BaseForm
from capindustrie.offers.forms import PlainText
from capindustrie.placements.services import STATE_LABELS, URGENCY, PupilState

REASON_MIN, REASON_MAX = 10, 1000


def _clean_text(value):
    # Browsers send a textarea's line breaks as CRLF: count them as the user sees them.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _known_choice(form, field):
    """Unknown values (a hand-typed URL, an old bookmark) are reported, then ignored."""
    if field.data and field.data not in field.choices:  # choices are a {value: label} dict
        raise ValidationError("Valeur inconnue, ignorée : tous les élèves sont affichés.")


class DashboardFilterForm(BaseForm):
    """GET filter of the class dashboard: no CSRF (a read, bookmarkable)."""

    class Meta:
        csrf = False

    etat = SelectField(
        "Situation",
        choices={"": "Tous les élèves"} | {s.value: STATE_LABELS[s] for s in URGENCY},
        validate_choice=False,
        validators=[_known_choice],
    )

    def state(self) -> PupilState | None:
        """The chosen state; an unknown value is dropped (its message stays beside the field)."""
        self.validate()
        if self.etat.errors or not self.etat.data:
            return None
        return PupilState(self.etat.data)


class DecisionForm(BaseForm):
    """Validate: nothing to type, the CSRF token is the form."""


class RefuseForm(BaseForm):
    reason = TextAreaField(
        "Motif du refus",
        filters=[_clean_text],
        validators=[
            DataRequired("Indiquez le motif du refus : l'élève et l'entreprise le liront."),
            Length(
                min=REASON_MIN,
                message=f"Le motif doit faire au moins {REASON_MIN} caractères.",
            ),
            PlainText(REASON_MAX),
        ],
    )
