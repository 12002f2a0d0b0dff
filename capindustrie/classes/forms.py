"""Forms of the teacher's class pages. Every state change goes through one of them (CSRF)."""

from collections.abc import Mapping
from datetime import date

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from capindustrie.auth.services import normalise_email
from capindustrie.classes import services
from capindustrie.classes.roster import NAME_MAX_LENGTH, birth_date_problem, clean_name
from capindustrie.forms import BaseForm
from capindustrie.models import Level
from capindustrie.offers.rules import school_year_label

EMAIL_MESSAGE = "Saisissez une adresse e-mail valide, par exemple prenom.nom@ac-creteil.fr."
DATE_MESSAGE = "Date invalide : écrivez-la JJ/MM/AAAA, par exemple 14/03/2012."
LEVEL_CHOICES = {
    Level.TROISIEME.value: "3e — stage d'observation (collège)",
    Level.SECONDE.value: "2nde générale et technologique — stage de juin (lycée)",
}


def _clean(value):
    return clean_name(value) if isinstance(value, str) else value


def _year(value) -> int | None:
    """Coerce for the school year: an unknown value is refused by the form's own message."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _email(value):
    return normalise_email(value) if isinstance(value, str) else value


class FrenchForm(BaseForm):
    """BaseForm (French messages) with a way to add a rule's error to a field."""

    def add_error(self, field_name: str, message: str) -> None:
        field = self[field_name]
        field.errors = [*field.errors, message]


class FrenchDateField(DateField):
    """A date picker's ISO value, or a date typed as JJ/MM/AAAA where there is no picker."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc


class ActionForm(FrenchForm):
    """A bare button (reset, remove): only the CSRF token."""


class PayloadForm(FrenchForm):
    """The signed payload of a preview or of login slips, posted back."""

    payload = HiddenField(validators=[DataRequired()])


class ClassForm(FrenchForm):
    name = StringField(
        "Nom de la classe",
        filters=[_clean],
        validators=[
            DataRequired(message="Indiquez le nom de la classe, par exemple « 3e B »."),
            Length(max=40, message="40 caractères au maximum."),
        ],
    )
    level = SelectField(
        "Niveau", choices=LEVEL_CHOICES, default=Level.TROISIEME.value, validate_choice=False
    )
    school_year = SelectField("Année scolaire", coerce=_year, validate_choice=False)
    internship_start = FrenchDateField("Premier jour du stage", validators=[Optional()])
    internship_end = FrenchDateField("Dernier jour du stage", validators=[Optional()])

    def __init__(self, *args, school_id: int, years: list[int], config: Mapping,
                 class_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_id = school_id
        self.class_id = class_id
        self.config = config
        self.school_year.choices = {year: school_year_label(year) for year in years}

    def validate_level(self, field):
        if field.data not in LEVEL_CHOICES:
            raise ValidationError("Choisissez le niveau dans la liste : 3e ou 2nde.")

    def validate_school_year(self, field):
        if field.data not in self.school_year.choices:
            raise ValidationError("Choisissez l'année scolaire dans la liste.")

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then every rule whose fields are valid (all errors shown at once)."""
        super().validate(extra_validators)
        if self.level.errors or self.school_year.errors:
            return False
        if not self.name.errors and (problem := services.class_name_problem(
            self.school_id, self.school_year.data, self.name.data, exclude_id=self.class_id
        )):
            self.add_error("name", problem)
        if not self.internship_start.errors and not self.internship_end.errors:
            for field, message in services.internship_problems(
                Level(self.level.data), self.internship_start.data, self.internship_end.data,
                self.school_year.data, self.config,
            ):
                self.add_error(field, message)
        return not self.errors

    def details(self) -> services.ClassDetails:
        return services.ClassDetails(
            name=self.name.data,
            level=Level(self.level.data),
            school_year=self.school_year.data,
            internship_start=self.internship_start.data,
            internship_end=self.internship_end.data,
        )


class ColleagueForm(FrenchForm):
    email = EmailField(
        "Adresse e-mail académique du collègue",
        filters=[_email],
        validators=[
            DataRequired(message="Indiquez l'adresse e-mail académique de votre collègue."),
            Length(max=254, message="254 caractères au maximum."),
            Email(message=EMAIL_MESSAGE),
        ],
    )


def _name(label: str, what: str) -> StringField:
    return StringField(
        label,
        filters=[_clean],
        validators=[
            DataRequired(message=f"Indiquez {what} de l'élève."),
            Length(max=NAME_MAX_LENGTH, message=f"{NAME_MAX_LENGTH} caractères au maximum."),
        ],
    )


class PupilForm(FrenchForm):
    last_name = _name("Nom", "le nom")
    first_name = _name("Prénom", "le prénom")
    birth_date = FrenchDateField("Date de naissance (facultative)", validators=[Optional()])

    def __init__(self, *args, klass, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.klass = klass
        self.today = today

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        born = self.birth_date.data
        if born and (problem := birth_date_problem(born, self.today)):
            self.add_error("birth_date", problem)
        if not self.last_name.errors and not self.first_name.errors and (
            duplicate := services.duplicate_pupil_problem(
                self.klass, self.last_name.data, self.first_name.data
            )
        ):
            self.add_error("last_name", duplicate)
        return not self.errors

    def details(self) -> services.PupilDetails:
        return services.PupilDetails(
            self.last_name.data, self.first_name.data, self.birth_date.data
        )


class RosterForm(FrenchForm):
    roster = FileField(
        "Fichier de la classe (CSV)",
        validators=[FileRequired(message="Choisissez le fichier CSV de la classe.")],
    )


class MoveForm(FrenchForm):
    target = SelectField(
        "Nouvelle classe", coerce=int,
        validators=[InputRequired(message="Choisissez la nouvelle classe.")],
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = {
            klass.id: f"{klass.name} ({school_year_label(klass.school_year)})" for klass in targets
        }
