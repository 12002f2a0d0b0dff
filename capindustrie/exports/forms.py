"""The staff's export trigger: a choice of full or incremental run (CSRF included)."""

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from capindustrie.forms import BaseForm
from capindustrie.models import ExportKind

KIND_LABELS = {
    ExportKind.FULL.value: "Complet : toutes les offres publiées",
    ExportKind.INCREMENTAL.value: "Incrémental : ce qui a changé depuis le dernier export réussi",
}


class ExportTriggerForm(BaseForm):
    kind = RadioField(
        "Type d'export",
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        default=ExportKind.FULL.value,
        validate_choice=False,  # WTForms' own message is English: AnyOf says it in French
        validators=[
            InputRequired("Choisissez le type d'export."),
            AnyOf(list(KIND_LABELS), message="Type d'export inconnu : complet ou incrémental."),
        ],
    )
