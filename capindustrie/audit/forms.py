"""The audit log's filters (GET, bookmarkable: no CSRF)."""

from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from capindustrie.audit.services import ACTIONS
from capindustrie.classes.forms import FrenchDateField
from capindustrie.forms import BaseForm


def _known_choice(form, field):
    if field.data and field.data not in field.choices:
        raise ValidationError("Valeur inconnue, ignorée : tous les choix sont affichés.")


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField(
        "Action",
        choices={"": "Toutes les actions"} | ACTIONS,
        validate_choice=False,
        validators=[_known_choice],
    )
    actor = SelectField(
        "Agent",
        choices={"": "Tous les agents"},
        validate_choice=False,
        validators=[_known_choice],
    )
    since = FrenchDateField("Du", validators=[Optional()])
    until = FrenchDateField("Au (inclus)", validators=[Optional()])

    def __init__(self, *args, actor_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.actor.choices = {"": "Tous les agents"} | actor_choices

    def clean(self) -> None:
        """Validate, then drop every refused value (its message stays beside the field)."""
        self.validate()
        for field in (self.action, self.actor):
            if field.errors:
                field.data = ""
        for field in (self.since, self.until):
            if field.errors:
                field.data = None
        if self.since.data and self.until.data and self.since.data > self.until.data:
            self.until.errors = [*self.until.errors, "La date de fin précède la date de début."]
            self.until.data = None

    def query(self) -> dict[str, str]:
        """The kept filters, for the pagination links."""
        values = {"action": self.action.data, "actor": self.actor.data}
        for name in ("since", "until"):
            day = self[name].data
            values[name] = day.isoformat() if day else ""
        return {k: v for k, v in values.items() if v}
