"""Wizard forms, one per step. Sub-forms (days, periods) are BaseForms too, for the shared input
rules, without a CSRF token of their own: it belongs to the enclosing form."""

from flask import current_app
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from capindustrie.formfields import REQUIRED, PlainText
from capindustrie.forms import BaseForm, SubForm
from capindustrie.models import FILIERE_LABELS, Level
from capindustrie.offers.rules import phone_problem

SUMMARY_MIN, SUMMARY_MAX = 80, 500


class LevelFiliereForm(BaseForm):
    title = StringField(
        "Titre de l'offre",
        validators=[
            DataRequired(REQUIRED),
            Length(min=5, max=160, message="Entre 5 et 160 caractères."),
        ],
    )
    for_3e = BooleanField("3e — stage d'observation d'une semaine")
    for_2nde = BooleanField("2nde — stage de seconde de deux semaines en juin")
    filiere = SelectField(
        "Filière",
        choices=[SelectChoice(f.value, label) for f, label in FILIERE_LABELS.items()],
        validators=[DataRequired(REQUIRED)],
    )
    summary = TextAreaField(
        "L'offre en quelques mots",
        validators=[DataRequired(REQUIRED), PlainText(SUMMARY_MAX)],
    )

    def validate_summary(self, field):
        # Counted as the user sees it (a line break is one character), like PlainText.
        length = len(field.data.strip().replace("\r\n", "\n"))
        if length < SUMMARY_MIN:
            raise ValidationError(
                f"Au moins {SUMMARY_MIN} caractères : quelques phrases qui donnent envie "
                f"(vous en avez écrit {length})."
            )

    def validate_for_2nde(self, field):
        if not (self.for_3e.data or field.data):
            raise ValidationError("Choisissez au moins un niveau : 3e, 2nde ou les deux.")


class DayForm(SubForm):
    title = StringField("Titre du jour", validators=[DataRequired(REQUIRED), PlainText(160)])
    activities = TextAreaField(
        "Ce que l'élève observe", validators=[DataRequired(REQUIRED), PlainText(3000)]
    )
    with_whom = StringField("Avec qui", validators=[Optional(), PlainText(300)])
    safety = TextAreaField("Sécurité", validators=[Optional(), PlainText(2000)])


class ProgramForm(BaseForm):
    days = FieldList(FormField(DayForm), label="Jour")
    commitment = BooleanField(
        "L'entreprise s'engage : stage d'observation uniquement, conformément au texte ci-dessus.",
        validators=[DataRequired("L'engagement « observation uniquement » doit être accepté.")],
    )


class SiteForm(BaseForm):
    site_address = StringField(
        "Adresse du lieu de stage",
        validators=[
            DataRequired(REQUIRED),
            Length(min=3, max=300, message="Entre 3 et 300 caractères."),
        ],
    )
    site_postcode = StringField(
        "Code postal",
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^77\d{3}$", message="Code postal de Seine-et-Marne attendu (77xxx)."),
        ],
    )
    site_commune_insee = HiddenField(validators=[Optional(), Regexp(r"^77\d{3}$")])


class PeriodForm(SubForm):
    period_id = HiddenField()
    level = SelectField(
        "Niveau",
        choices=[
            SelectChoice("", "—"),
            SelectChoice(Level.TROISIEME.value, "3e"),
            SelectChoice(Level.SECONDE.value, "2nde"),
        ],
        validators=[Optional()],
    )
    start_date = DateField("Du", validators=[Optional()])
    end_date = DateField("Au", validators=[Optional()])
    seats = IntegerField("Places", validators=[Optional()])

    def is_blank(self) -> bool:
        return not (
            self.level.data or self.start_date.data or self.end_date.data or self.seats.data
        )


class PeriodsForm(BaseForm):
    periods = FieldList(FormField(PeriodForm), label="Période")
    reserved_priority_education = BooleanField(
        "Réserver cette offre aux élèves des collèges REP et REP+"
    )


class PracticalForm(BaseForm):
    tutor_name = StringField(
        "Nom du tuteur ou de la tutrice", validators=[DataRequired(REQUIRED), PlainText(160)]
    )
    tutor_role = StringField("Fonction", validators=[DataRequired(REQUIRED), PlainText(160)])
    tutor_email = StringField(
        "E-mail",
        validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide."), Length(max=254)],
    )
    tutor_phone = StringField("Téléphone", validators=[DataRequired(REQUIRED)])
    day_start = TimeField("Arrivée", validators=[InputRequired(REQUIRED)])
    day_end = TimeField("Départ", validators=[InputRequired(REQUIRED)])
    break_start = TimeField("Début de la pause", validators=[Optional()])
    break_end = TimeField("Fin de la pause", validators=[Optional()])
    dress_code = TextAreaField("Tenue", validators=[Optional(), PlainText(1000)])
    protective_equipment = TextAreaField(
        "Équipements de protection fournis", validators=[Optional(), PlainText(1000)]
    )
    meals = TextAreaField("Repas", validators=[Optional(), PlainText(1000)])
    transport_access = TextAreaField(
        "Accès en transports en commun", validators=[Optional(), PlainText(1000)]
    )
    pmr_access = BooleanField("Le site est accessible aux personnes à mobilité réduite")

    def validate_tutor_phone(self, field):
        problem = phone_problem(field.data)
        if problem:
            raise ValidationError(problem)


class SubmitForm(BaseForm):
    """Step 6: a button; the lifecycle decides whether the offer is complete."""


def max_seats() -> int:
    return current_app.config["MAX_SEATS_PER_PERIOD"]
