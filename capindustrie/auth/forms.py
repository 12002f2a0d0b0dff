"""Account forms. Every message is French; uniqueness and policy rules live in services."""

from flask import current_app
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    StopValidation,
    ValidationError,
)

from capindustrie.auth import services
from capindustrie.auth.passwords import password_problem, verify_password
from capindustrie.auth.wording import Words, words_for
from capindustrie.extensions import db
from capindustrie.forms import BaseForm
from capindustrie.inputs import parse_id
from capindustrie.models import FILIERE_LABELS, School
from capindustrie.validation import siret_problem

EMAIL_MESSAGE = "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."
CONFIRM_MESSAGE = "Les deux mots de passe ne sont pas identiques."


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_filter(value):
    return services.normalise_email(value) if isinstance(value, str) else value


def _required(what: str) -> DataRequired:
    return DataRequired(message=f"Indiquez {what}.")


def _name_field(label: str, what: str) -> StringField:
    return StringField(
        label,
        filters=[_strip],
        validators=[
            _required(what),
            Length(max=100, message="100 caractères au maximum."),
        ],
    )


def _email_field(label: str = "Adresse e-mail") -> EmailField:
    return EmailField(
        label,
        filters=[_email_filter],
        validators=[
            _required("votre adresse e-mail"),
            Length(max=254, message="254 caractères au maximum."),
            Email(message=EMAIL_MESSAGE),
        ],
    )


def _new_password_fields(label: str = "Mot de passe"):
    password = PasswordField(label, validators=[_required("un mot de passe")])
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            _required("à nouveau le mot de passe"),
            EqualTo("password", message=CONFIRM_MESSAGE),
        ],
    )
    return password, confirm


def required_said(key: str):
    """DataRequired whose message is the form's reader's (`form.words`, « tu » or « vous »),
    chosen when the form is built for its user."""

    def check(form, field):
        if not field.data or (isinstance(field.data, str) and not field.data.strip()):
            field.errors[:] = []
            raise StopValidation(getattr(form.words, key))

    check.field_flags = {"required": True}
    return check


class NewPasswordMixin:
    """Checks the password policy, with the person's own words refused in the password."""

    # Adults by default; forms built for a signed-in user set their own (auth/wording.py).
    words: Words = words_for(None)

    def password_context(self) -> tuple[str, ...]:
        return ()

    def validate_password(self, field):
        problem = password_problem(field.data or "", *self.password_context(), tu=self.words.tu)
        if problem:
            raise ValidationError(problem)


class PersonFieldsMixin:
    def person(self) -> services.PersonDetails:
        return services.PersonDetails(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            email=self.email.data,
            password=self.password.data,
        )

    def password_context(self) -> tuple[str, ...]:
        local_part = (self.email.data or "").partition("@")[0]
        return (self.first_name.data or "", self.last_name.data or "", local_part)

    # No « address already taken » check here: registration answers the same for a known
    # address (whose owner is told by e-mail) and an unknown one (see services.register_*).


class RegisterCompanyForm(PersonFieldsMixin, NewPasswordMixin, BaseForm):
    company_name = StringField(
        "Nom de l'entreprise",
        filters=[_strip],
        validators=[
            _required("le nom de l'entreprise"),
            Length(max=200, message="200 caractères au maximum."),
        ],
    )
    siret = StringField(
        "Numéro SIRET de l'établissement",
        filters=[_strip],
        validators=[_required("le numéro SIRET de l'établissement")],
    )
    filiere = SelectField(
        "Filière",
        choices=[SelectChoice("", "Choisissez la filière")]
        + [SelectChoice(f.value, label) for f, label in FILIERE_LABELS.items()],
        validators=[_required("la filière de l'entreprise")],
        validate_choice=False,
    )
    first_name = _name_field("Votre prénom", "votre prénom")
    last_name = _name_field("Votre nom", "votre nom")
    email = _email_field("Votre adresse e-mail professionnelle")
    password, password_confirm = _new_password_fields()

    def validate_siret(self, field):
        problem = siret_problem(field.data)
        if problem:
            raise ValidationError(problem)
        if services.siret_taken(field.data):
            raise ValidationError(services.DUPLICATE_SIRET)

    def validate_filiere(self, field):
        if field.data and field.data not in {f.value for f in FILIERE_LABELS}:
            raise ValidationError("Choisissez une filière dans la liste.")

    def password_context(self) -> tuple[str, ...]:
        return (*super().password_context(), self.company_name.data or "")


class SchoolChoiceField(HiddenField):
    """The chosen school id. It may come twice: from the hidden input that the autocomplete
    fills and from the radio buttons of the page without JavaScript; the last answer wins."""

    def process_formdata(self, valuelist):
        answers = [v.strip() for v in valuelist if v and v.strip()]
        self.data = answers[-1] if answers else ""


class RegisterTeacherForm(PersonFieldsMixin, NewPasswordMixin, BaseForm):
    # First, as on the page. The id is the visible search box's: error links lead to it.
    school_id = SchoolChoiceField("Votre établissement", id="school-query")
    first_name = _name_field("Prénom", "votre prénom")
    last_name = _name_field("Nom", "votre nom")
    email = _email_field("Adresse e-mail académique")
    password, password_confirm = _new_password_fields()

    def validate_email(self, field):
        domain = current_app.config["ACADEMIC_EMAIL_DOMAIN"].lower()
        if field.data and services.email_domain(field.data) != domain:
            raise ValidationError(
                f"Utilisez votre adresse académique, qui se termine par @{domain}."
            )

    def validate_school_id(self, field):
        if not field.data:
            raise ValidationError("Cherchez votre établissement puis choisissez-le dans la liste.")
        if self.school is None:
            raise ValidationError(
                "Cet établissement est inconnu : cherchez-le puis choisissez-le dans la liste."
            )

    @property
    def school(self) -> School | None:
        school_id = parse_id(self.school_id.data)
        return db.session.get(School, school_id) if school_id is not None else None


class LoginForm(BaseForm):
    identifier = StringField(
        "Adresse e-mail ou identifiant",
        filters=[_strip],
        validators=[_required("votre adresse e-mail ou votre identifiant")],
    )
    password = PasswordField("Mot de passe", validators=[_required("votre mot de passe")])


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    """Every message in the words of its user: « tu » for a pupil (issue 17)."""

    current_password = PasswordField(
        "Mot de passe actuel", validators=[required_said("current_required")]
    )
    password = PasswordField("Nouveau mot de passe", validators=[required_said("new_required")])
    password_confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            required_said("again_required"),
            EqualTo("password", message=CONFIRM_MESSAGE),
        ],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.words = words_for(user)
        self.password_confirm.label.text = self.words.confirm_label
        if user is not None and user.must_change_password:
            # A temporary password was just typed to log in: asking it again helps no one.
            del self.current_password

    def password_context(self) -> tuple[str, ...]:
        user = self.user
        if user is None:
            return ()
        return (user.first_name, user.last_name, (user.email or user.username or "").split("@")[0])

    def validate_current_password(self, field):
        if not verify_password(self.user.password_hash, field.data or ""):
            raise ValidationError("Le mot de passe actuel est incorrect.")

    def validate_password(self, field):
        super().validate_password(field)
        if self.user is not None and verify_password(self.user.password_hash, field.data or ""):
            raise ValidationError(self.words.same_as_current)


class ResetRequestForm(BaseForm):
    email = _email_field()


class ResetPasswordForm(NewPasswordMixin, BaseForm):
    password, password_confirm = _new_password_fields("Nouveau mot de passe")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def password_context(self) -> tuple[str, ...]:
        if self.user is None:
            return ()
        return (self.user.first_name, self.user.last_name, (self.user.email or "").split("@")[0])


class TwoFactorCodeForm(BaseForm):
    """The second sign-in step, or the enrolment's first code: a 6-digit code or a recovery
    code (checked in the route; the message is the same for every wrong entry)."""

    code = StringField(
        "Code à 6 chiffres (ou code de secours)",
        validators=[DataRequired("Saisissez le code affiché par votre application.")],
    )


class TwoFactorResetForm(BaseForm):
    """A staff member resets another account's second factor (lost phone): logged with the
    reason."""

    email = StringField(
        "Adresse e-mail du compte",
        validators=[DataRequired("Indiquez l'adresse e-mail du compte.")],
    )
    reason = StringField(
        "Motif",
        validators=[
            DataRequired("Indiquez le motif : il est inscrit au journal."),
            Length(min=10, max=500, message="Le motif doit faire de 10 à 500 caractères."),
        ],
    )


class TwoFactorRemoveForm(BaseForm):
    """A teacher or company user turns the optional second factor off (CSRF only)."""
