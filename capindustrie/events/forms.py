"""Forms of the events area. The rules that need the database or the clock (sessions in the
past, capacity, windows) are checked in rules.py / registrations.py and reported beside the
field by the routes."""

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from capindustrie.events.rules import (
    ATTENDANCE_LABELS,
    AUDIENCE_LABELS,
    DEFAULT_CANCELLATION_DAYS,
    DEFAULT_NAMES_DAYS,
    KIND_LABELS,
)
from capindustrie.formfields import REQUIRED, PlainText, in_french
from capindustrie.forms import BaseForm, SubForm

SESSION_ROWS = 3
DATE_ERROR = "Indiquez une date valide."
TIME_ERROR = "Indiquez une heure valide (hh:mm)."
NUMBER_ERROR = "Indiquez un nombre entier, par exemple 5."
CHOICE_ERROR = "Choix inconnu : choisissez dans la liste."


IntegerField = in_french(IntegerField, NUMBER_ERROR)
DateField = in_french(DateField, DATE_ERROR)
TimeField = in_french(TimeField, TIME_ERROR)
SelectField = in_french(SelectField, CHOICE_ERROR)
RadioField = in_french(RadioField, CHOICE_ERROR)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SessionForm(SubForm):
    day = DateField("Date", validators=[Optional()])
    start = TimeField("Début", validators=[Optional()])
    end_day = DateField("Jour de fin (si la séance dure 2 jours)", validators=[Optional()])
    end = TimeField("Fin", validators=[Optional()])
    # The 1–500 range is checked with the other session rules (rules.session_problems).
    capacity = IntegerField("Capacité (places)", validators=[Optional()])

    def is_blank(self) -> bool:
        return not any(
            f.raw_data and any(v.strip() for v in f.raw_data if v)
            for f in (self.day, self.start, self.end_day, self.end, self.capacity)
        )


class EventForm(BaseForm):
    kind = SelectField("Type d'événement", choices={k.value: v for k, v in KIND_LABELS.items()})
    title = StringField(
        "Titre", filters=[_strip], validators=[DataRequired(REQUIRED), PlainText(200)]
    )
    description = TextAreaField(
        "Description", filters=[_strip], validators=[DataRequired(REQUIRED), PlainText(4000)]
    )
    audience = SelectField("Public", choices={a.value: v for a, v in AUDIENCE_LABELS.items()})
    campaign = SelectField("Campagne", choices={"": "Hors campagne"}, validate_choice=False)
    organiser = SelectField(
        "Organisateur", choices={"": "Département de Seine-et-Marne"}, validate_choice=False
    )
    address = StringField(
        "Adresse du lieu", filters=[_strip], validators=[DataRequired(REQUIRED), PlainText(300)]
    )
    postcode = StringField(
        "Code postal",
        filters=[_strip],
        validators=[
            DataRequired(REQUIRED),
            Regexp(
                r"^77\d{3}$",
                message=(
                    "Indiquez un code postal de Seine-et-Marne (5 chiffres commençant par 77)."
                ),
            ),
        ],
    )
    meeting_point = TextAreaField(
        "Point de rendez-vous", filters=[_strip], validators=[Optional(), PlainText(1000)]
    )
    accessibility = TextAreaField(
        "Accessibilité (PMR…)", filters=[_strip], validators=[Optional(), PlainText(1000)]
    )
    practical_notes = TextAreaField(
        "Informations pratiques (équipements prêtés, à apporter…)",
        filters=[_strip],
        validators=[Optional(), PlainText(2000)],
    )
    allow_individual = BooleanField("Les élèves peuvent s'inscrire seuls (sans leur classe)")
    waitlist_allow_skip = BooleanField(
        "Liste d'attente : un groupe plus petit peut passer devant un groupe trop grand pour les "
        "places libérées"
    )
    opens_on = DateField("Ouverture des inscriptions", validators=[InputRequired(DATE_ERROR)])
    closes_on = DateField("Clôture des inscriptions", validators=[InputRequired(DATE_ERROR)])
    cancellation_days = IntegerField(
        "Annulation possible jusqu'à (jours avant)",
        default=DEFAULT_CANCELLATION_DAYS,
        validators=[InputRequired(REQUIRED), NumberRange(0, 60, "Entre 0 et 60 jours.")],
    )
    names_days = IntegerField(
        "Noms des élèves attendus (jours avant)",
        default=DEFAULT_NAMES_DAYS,
        validators=[InputRequired(REQUIRED), NumberRange(0, 60, "Entre 0 et 60 jours.")],
    )
    sessions = FieldList(FormField(SessionForm), min_entries=SESSION_ROWS, max_entries=10)


class CampaignForm(BaseForm):
    name = StringField(
        "Nom de la campagne", filters=[_strip], validators=[DataRequired(REQUIRED), PlainText(160)]
    )
    starts_on = DateField("Début", validators=[InputRequired(DATE_ERROR)])
    ends_on = DateField("Fin", validators=[InputRequired(DATE_ERROR)])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("La campagne doit finir après son début.")


class ClassRegistrationForm(BaseForm):
    school_class = SelectField("Classe", coerce=int, choices={}, validate_choice=False)
    pupils = IntegerField("Nombre d'élèves", validators=[InputRequired(REQUIRED)])
    adults = IntegerField(
        "Adultes accompagnateurs", default=1, validators=[InputRequired(REQUIRED)]
    )


class GroupSizeForm(BaseForm):
    pupils = IntegerField("Nombre d'élèves", validators=[InputRequired(REQUIRED)])
    adults = IntegerField("Adultes accompagnateurs", validators=[InputRequired(REQUIRED)])


class MultiCheckboxField(in_french(SelectMultipleField, "Cochez des élèves de la liste.")):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NamesForm(BaseForm):
    pupils = MultiCheckboxField("Élèves qui viennent", coerce=int, validate_choice=False)


class ConfirmForm(BaseForm):
    """A bare button (cancel, leave the waitlist, revoke a feed): the CSRF token is the form."""


class CancelEventForm(BaseForm):
    reason = TextAreaField(
        "Motif de l'annulation (envoyé aux inscrits)",
        validators=[
            DataRequired("Indiquez le motif : il est envoyé à chaque inscrit."),
            Length(min=10, message="Le motif doit faire au moins 10 caractères."),
            PlainText(1000),
        ],
    )


class CapacityForm(BaseForm):
    capacity = IntegerField("Nouvelle capacité (places)", validators=[InputRequired(REQUIRED)])


class AttendanceForm(BaseForm):
    attendance = RadioField(
        "Présence",
        choices={a.value: v for a, v in ATTENDANCE_LABELS.items()},
        validators=[InputRequired("Choisissez présent, absent ou excusé.")],
    )
    present_count = IntegerField("Nombre présents", validators=[Optional()])


class SatisfactionForm(BaseForm):
    score = RadioField(
        "Note",
        coerce=int,
        choices={n: str(n) for n in range(1, 6)},
        validators=[InputRequired("Choisissez une note de 1 à 5.")],
    )
    comment = TextAreaField(
        "Commentaire (facultatif)",
        filters=[_strip],
        validators=[Optional(), Length(max=2000), PlainText(2000)],
    )
