"""The report form (anyone) and the staff decision on the reports of an offer."""

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

from capindustrie.formfields import PlainText
from capindustrie.forms import BaseForm
from capindustrie.models import REPORT_REASON_LABELS, ReportOutcome, ReportReason

COMMENT_MAX = 1000
MESSAGE_MIN, MESSAGE_MAX = 10, 2000

DECISION_LABELS = {
    ReportOutcome.HIDDEN.value: "Retirer l'offre (elle quitte la recherche ; l'entreprise "
    "reçoit votre message)",
    ReportOutcome.FIX_REQUESTED.value: "Demander une correction à l'entreprise (l'offre reste "
    "publiée ; l'entreprise reçoit votre message)",
    ReportOutcome.DISMISSED.value: "Classer sans suite (rien n'est envoyé à l'entreprise)",
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_of(choices: dict, missing: str):
    """Required choice with French messages (WTForms' own would say « Not a valid choice »)."""

    def check(form, field):
        if not field.data:
            raise StopValidation(missing)
        if field.data not in choices:
            raise StopValidation("Choix inconnu : choisissez une des propositions.")

    return check


def _required(message: str):
    def check(form, field):
        if not field.data:
            raise StopValidation(message)

    return check


class ReportForm(BaseForm):
    reason = RadioField(
        "Pourquoi signalez-vous cette offre ?",
        choices=[SelectChoice(r.value, label) for r, label in REPORT_REASON_LABELS.items()],
        validate_choice=False,
        validators=[
            _one_of(
                {r.value for r in ReportReason},
                "Choisissez la raison du signalement.",
            )
        ],
    )
    comment = TextAreaField(
        "Commentaire",
        filters=[_strip],
        validators=[PlainText(COMMENT_MAX)],
    )

    def validate_comment(self, field):
        if self.reason.data == ReportReason.OTHER.value and not field.data:
            raise ValidationError(
                "Précisez la raison dans le commentaire : il est obligatoire avec « Autre raison »."
            )


def _decision_message(label: str = "Message") -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip],
        validators=[
            _required(
                "Indiquez le motif de la décision : il est gardé au journal et, pour un retrait "
                "ou une correction, envoyé à l'entreprise."
            ),
            PlainText(MESSAGE_MAX),
            Length(
                min=MESSAGE_MIN,
                message=f"Le message doit faire au moins {MESSAGE_MIN} caractères.",
            ),
        ],
    )


class ReportDecisionForm(BaseForm):
    decision = RadioField(
        "Décision",
        choices=[SelectChoice(value, label) for value, label in DECISION_LABELS.items()],
        validate_choice=False,
        validators=[_one_of(DECISION_LABELS, "Choisissez une décision.")],
    )
    message = _decision_message()


class HideOfferForm(BaseForm):
    """The confirmation of « Retirer l'offre »: the message, shown again to be checked."""

    message = _decision_message("Motif du retrait (envoyé à l'entreprise)")
