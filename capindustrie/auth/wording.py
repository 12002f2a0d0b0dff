"""What the password pages say to their reader: « tu » to a pupil, « vous » to an adult
(issue 17, point 4). Routes, forms and templates take their sentences from `words_for(user)`
instead of choosing between two texts each time."""

from capindustrie.auth import passwords
from capindustrie.voice import Wording, is_pupil

WORDINGS = {
    # After login with a temporary password, and the heading of the page that follows.
    "choose_personal": Wording(
        "Choisis ton mot de passe personnel pour continuer.",
        "Choisissez votre mot de passe personnel pour continuer.",
    ),
    "choose_heading": Wording("Choisis ton mot de passe", "Choisissez votre mot de passe"),
    "temporary_notice": Wording(
        "Ton mot de passe est provisoire : choisis ton mot de passe personnel pour continuer.",
        "Votre mot de passe est provisoire : choisissez votre mot de passe personnel pour "
        "continuer.",
    ),
    "other_sessions": Wording(
        "Le changement ferme tes sessions ouvertes sur les autres appareils.",
        "Le changement ferme vos sessions ouvertes sur les autres appareils.",
    ),
    "password_hint": Wording(
        "Au moins 10 caractères, sans ton prénom, ton nom ni ton identifiant.",
        "Au moins 10 caractères, sans votre prénom, votre nom ni votre e-mail.",
    ),
    "changed": Wording(
        "Ton mot de passe est modifié. Tes autres sessions ont été fermées.",
        "Votre mot de passe est modifié. Vos autres sessions ont été fermées.",
    ),
    # Form labels and refusals.
    "confirm_label": Wording("Confirme le mot de passe", "Confirmez le mot de passe"),
    "current_required": Wording(
        "Indique ton mot de passe actuel.", "Indiquez votre mot de passe actuel."
    ),
    "new_required": Wording("Indique un mot de passe.", "Indiquez un mot de passe."),
    "again_required": Wording(
        "Indique à nouveau le mot de passe.", "Indiquez à nouveau le mot de passe."
    ),
    "same_as_current": Wording(
        "Choisis un mot de passe différent de l'actuel.",
        "Choisissez un mot de passe différent de l'actuel.",
    ),
    "password_to_confirm": Wording(
        "Saisis ton mot de passe pour confirmer.", "Saisissez votre mot de passe pour confirmer."
    ),
    "rules_heading": passwords.RULES_HEADING,
}


class Words:
    """The sentences of one reader: `words.changed` is the pupil's or the adult's."""

    def __init__(self, user):
        self.tu = is_pupil(user)

    def __getattr__(self, name: str) -> str:
        try:
            return WORDINGS[name].pick(self.tu)
        except KeyError:
            raise AttributeError(name) from None

    @property
    def rules(self) -> list[str]:
        """The password rules, stated before typing."""
        return [rule.pick(self.tu) for rule in passwords.RULES]


def words_for(user) -> Words:
    return Words(user)
