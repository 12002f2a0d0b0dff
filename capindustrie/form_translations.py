"""French for the messages WTForms and Flask-WTF write themselves (« Not a valid choice. »…).

WTForms ships French catalogues, but Flask-WTF only reaches them through flask-babel, which the
app does not use (one language, no per-request locale): without it every built-in message stays
in English. `BaseForm.Meta` plugs these in instead. A few built-in messages are replaced by the
app's own, clearer wording; the rest come from WTForms' French catalogue.
"""

import gettext

from flask_wtf import FlaskForm
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

# Built-in message -> the app's wording (what a field did not accept, and how to write it).
CLEARER = {
    "This field is required.": "Ce champ est obligatoire.",
    "Not a valid choice.": "Choisissez une valeur dans la liste.",
    "Invalid Choice: could not coerce.": "Choisissez une valeur dans la liste.",
    "Not a valid date value.": "Date invalide : choisissez-la dans le calendrier (AAAA-MM-JJ).",
    "Not a valid datetime value.": "Date et heure invalides.",
    "Not a valid time value.": "Heure invalide : écrivez-la HH:MM, par exemple 08:30.",
    "Not a valid integer value.": "Nombre entier attendu, par exemple 3.",
    "Not a valid decimal value.": "Nombre attendu, par exemple 2.5.",
    "Not a valid float value.": "Nombre attendu, par exemple 2.5.",
    "Invalid email address.": "Adresse e-mail invalide.",
}

# Flask-WTF's CSRF messages are not translatable at all. CSRFProtect refuses a bad token before
# any view runs (French error page); this covers a form validated on its own.
CSRF_MESSAGE = "Le formulaire a expiré : rechargez la page, puis recommencez."


class FrenchTranslations:
    """The gettext/ngettext pair WTForms asks for."""

    def __init__(self):
        self.catalogue = gettext.translation("wtforms", messages_path(), languages=["fr"])

    def gettext(self, string: str) -> str:
        return CLEARER.get(string) or self.catalogue.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)


FRENCH = FrenchTranslations()


class FrenchCSRF(FlaskForm.Meta.csrf_class):
    def validate_csrf_token(self, form, field):
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as error:
            raise ValidationError(CSRF_MESSAGE) from error
