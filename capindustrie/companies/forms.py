"""Forms of the company space. Every state change goes through one of them (CSRF)."""

from urllib.parse import urlsplit

from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from capindustrie.auth.passwords import password_problem
from capindustrie.companies import services
from capindustrie.formfields import REQUIRED, PlainText
from capindustrie.forms import BaseForm
from capindustrie.models import FILIERE_LABELS, Commune, Filiere, SizeBand

PRESENTATION_MAX = 2000


class FrenchForm(BaseForm):
    """BaseForm gives every form French messages; kept as the name this area's forms use."""


class ActionForm(FrenchForm):
    """A bare button (close, reopen): only the CSRF token."""


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Indiquez un nombre entier, par exemple 5.") from exc


class SeatsForm(FrenchForm):
    # The 1–20 rule and the « seats already taken » floor live in offers.rules.check_seats.
    seats = WholeNumberField(
        "Places",
        validators=[InputRequired(message="Indiquez un nombre de places.")],
        render_kw={"min": 1, "max": 20, "inputmode": "numeric", "class": "input-seats"},
    )


# {value: label}: WTForms 3.3 deprecates choices given as tuples.
DUPLICATE_CHOICES = {
    "same": "Les mêmes niveaux",
    "3e": "3e uniquement (une semaine de 5 jours)",
    "2nde": "2nde uniquement (une quinzaine de 10 jours)",
}


class DuplicateForm(FrenchForm):
    levels = SelectField("Niveaux de la copie", choices=DUPLICATE_CHOICES, default="same")


def _web_scheme(form, field):
    # Before URL(): a form's validate_<field> would not run once URL() has refused the value.
    scheme = urlsplit(field.data or "").scheme.lower()
    if field.data and scheme not in ("http", "https"):
        raise ValidationError("L'adresse du site doit commencer par https:// ou http://.")


class ProfileForm(FrenchForm):
    name = StringField(
        "Nom de l'entreprise",
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=200, message="200 caractères au plus."),
            PlainText(200),
        ],
    )
    filiere = SelectField(
        "Filière",
        choices={f.value: FILIERE_LABELS[f] for f in Filiere},
        validators=[InputRequired(message="Choisissez une filière.")],
    )
    address = StringField(
        "Adresse du siège",
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=300, message="300 caractères au plus."),
            PlainText(300),
        ],
    )
    postcode = StringField(
        "Code postal",
        validators=[
            DataRequired(message=REQUIRED),
            Regexp(r"^\d{5}$", message="Le code postal compte 5 chiffres, par exemple 77000."),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 5, "class": "input-postcode"},
    )
    # Choices depend on the postcode: set by `set_communes` before rendering or validating.
    commune = SelectField("Commune", choices={}, validate_choice=False)
    size_band = SelectField(
        "Effectif",
        choices={"": "Non précisé"}
        | {band.value: services.SIZE_BAND_LABELS[band] for band in SizeBand},
        default="",
    )
    presentation = TextAreaField("Présentation courte", validators=[PlainText(PRESENTATION_MAX)])
    website = URLField(
        "Site web",
        validators=[
            Optional(),
            Length(max=300, message="300 caractères au plus."),
            _web_scheme,
            URL(
                require_tld=True,
                message="Indiquez une adresse web complète, par exemple https://www.exemple.fr.",
            ),
        ],
    )

    communes: list[Commune] = []

    def set_communes(self, communes: list[Commune]) -> None:
        self.communes = communes
        choices = {c.insee: c.name for c in communes}
        if len(communes) > 1:
            choices = {"": "Choisissez la commune"} | choices
        self.commune.choices = choices

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.postcode.errors:
            return False
        if not self.postcode.data.startswith("77"):
            # A head office may lie outside the département (the sites of offers may not):
            # the address is kept as typed, with no commune from the shipped table.
            self.set_communes([])
            self.commune.data = None
            return valid
        communes = services.communes_for_postcode(self.postcode.data)
        self.set_communes(communes)
        if not communes:
            self.postcode.errors = [
                *self.postcode.errors,
                "Ce code postal ne correspond à aucune commune de Seine-et-Marne.",
            ]
            return False
        if len(communes) == 1:
            self.commune.data = communes[0].insee
        elif self.commune.data not in {c.insee for c in communes}:
            self.commune.errors = [
                *self.commune.errors,
                "Plusieurs communes ont ce code postal : choisissez la vôtre.",
            ]
            return False
        return valid

    def profile_data(self) -> services.ProfileData:
        return services.ProfileData(
            name=self.name.data.strip(),
            filiere=Filiere(self.filiere.data),
            address=self.address.data.strip(),
            postcode=self.postcode.data,
            commune_insee=self.commune.data or None,
            size_band=SizeBand(self.size_band.data) if self.size_band.data else None,
            presentation=(self.presentation.data or "").strip() or None,
            website=(self.website.data or "").strip() or None,
        )


class InviteForm(FrenchForm):
    email = EmailField(
        "Adresse e-mail de votre collègue",
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=254, message="254 caractères au plus."),
            Email(message="Adresse e-mail invalide, par exemple prenom.nom@entreprise.fr."),
        ],
    )

    def validate_email(self, field):
        if services.email_registered(field.data):
            raise ValidationError(
                "Un compte Cap Industrie existe déjà avec cette adresse e-mail : "
                "une même adresse ne peut servir qu'à un seul compte."
            )


def _name_validators() -> list:
    return [
        DataRequired(message=REQUIRED),
        Length(max=100, message="100 caractères au plus."),
        PlainText(100),
    ]


class AcceptInvitationForm(FrenchForm):
    first_name = StringField("Prénom", validators=_name_validators())
    last_name = StringField("Nom", validators=_name_validators())
    password = PasswordField("Mot de passe", validators=[DataRequired(message=REQUIRED)])
    confirmation = PasswordField(
        "Confirmation du mot de passe",
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message="Les deux mots de passe ne correspondent pas."),
        ],
    )

    invited_email: str = ""

    def validate_password(self, field):
        problem = password_problem(
            field.data or "",
            self.first_name.data or "",
            self.last_name.data or "",
            self.invited_email,
            self.invited_email.partition("@")[0],
        )
        if problem:
            raise ValidationError(problem)
