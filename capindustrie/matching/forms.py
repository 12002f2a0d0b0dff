from wtforms import SelectField, SelectMultipleField

from capindustrie.forms import BaseForm
from capindustrie.models.wishes import MAX_WISHES

NO_WISH = ""


class WishesForm(BaseForm):
    """Five ordered slots; each is empty, a filière (« filiere:… ») or a starred offer
    (« offre:<id> »). The choices are set per pupil by the route."""

    wish_1 = SelectField("1er vœu", default=NO_WISH)
    wish_2 = SelectField("2e vœu", default=NO_WISH)
    wish_3 = SelectField("3e vœu", default=NO_WISH)
    wish_4 = SelectField("4e vœu", default=NO_WISH)
    wish_5 = SelectField("5e vœu", default=NO_WISH)

    def slots(self):
        return [self[f"wish_{rank}"] for rank in range(1, MAX_WISHES + 1)]

    def set_choices(self, choices: dict[str, str]) -> None:
        for slot in self.slots():
            slot.choices = {NO_WISH: "— aucun —"} | choices

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        seen = set()
        for slot in self.slots():
            if slot.data and slot.data in seen:
                slot.errors.append(
                    "Ce vœu figure déjà plus haut dans la liste : choisissez-en un autre."
                )
                return False
            seen.add(slot.data)
        return True

    def targets(self) -> list[tuple[str, str]]:
        """The chosen wishes, best first, empty slots skipped."""
        return [tuple(slot.data.split(":", 1)) for slot in self.slots() if slot.data]


class StarForm(BaseForm):
    """Add an offer to one's wishes: nothing to type, the CSRF token is the form."""


class DepartementForm(BaseForm):
    """GET choice of the staff's département-wide run: no CSRF (a read, computed on demand)."""

    class Meta:
        csrf = False

    niveau = SelectField("Niveau", choices={"3e": "3e", "2nde": "2nde"}, default="3e")


class SendProposalsForm(BaseForm):
    """The proposals the teacher kept (checked boxes, « <pupil id>:<period id> »). Their rules are
    checked again by applications.proposals.send, not against a recomputed list: the page may be
    older than the data."""

    propositions = SelectMultipleField("Propositions", validate_choice=False)
