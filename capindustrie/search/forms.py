"""The search filters: GET forms (a read, bookmarkable, shareable), so no CSRF token.

Values that no control of the page can send (a hand-edited or stale URL) are refused with a
French message beside the field; the view answers 400.
"""

from datetime import date

from wtforms import DateField, HiddenField, RadioField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp, ValidationError

from capindustrie.filters import french_date
from capindustrie.forms import BaseForm
from capindustrie.inputs import PAGE_INVALID, page_number, page_problem
from capindustrie.models import FILIERE_LABELS, Level
from capindustrie.search.services import DEFAULT_RADIUS_KM, KEYWORD_MAX_LENGTH, MAX_PAGE, RADII_KM

ALL_PERIODS = "toutes"
MY_DATES = "stage"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _known_choice(message: str):
    def check(form, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


def _page_number(form, field):
    # Each page costs its predecessors' ranking: deep pages are refused, not computed.
    problem = page_problem(field.data, MAX_PAGE)
    if problem and problem != PAGE_INVALID:
        problem = problem.rstrip(".") + " : réduisez le rayon ou ajoutez un filtre."
    if problem:
        raise ValidationError(problem)


class FrenchDateField(DateField):
    """A date input (yyyy-mm-dd) whose parse error is in French."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Date invalide : utilisez le format jj/mm/aaaa.") from exc


class _Filters(BaseForm):
    class Meta:
        csrf = False

    rayon = SelectField(
        "Jusqu'à quelle distance ?",
        choices=[SelectChoice(str(r), f"{r} km") for r in RADII_KM],
        default=str(DEFAULT_RADIUS_KM),
        validate_choice=False,
        validators=[_known_choice("Rayon invalide : choisissez 5, 10, 20, 30 ou 50 km.")],
    )
    filiere = SelectField(
        "Filière (le secteur de l'industrie)",
        choices=[SelectChoice("", "Toutes les filières")]
        + [SelectChoice(f.value, label) for f, label in FILIERE_LABELS.items()],
        default="",
        validate_choice=False,
        validators=[_known_choice("Filière inconnue : choisissez une filière de la liste.")],
    )
    q = SearchField(
        "Mot-clé",
        filters=[_strip],
        validators=[
            Length(
                max=KEYWORD_MAX_LENGTH,
                message=f"Le mot-clé ne peut pas dépasser {KEYWORD_MAX_LENGTH} caractères.",
            ),
        ],
    )
    # Not a visible control: pagination links carry it.
    page = StringField("Page", default="1", validators=[_page_number])

    @property
    def radius_km(self) -> int:
        return int(self.rayon.data)

    @property
    def page_number(self) -> int:
        return page_number(self.page.data, MAX_PAGE)

    @property
    def keyword(self) -> str | None:
        return self.q.data or None

    def active_filters(self) -> list[str]:
        """The filters in force, in words, for the folded filters' summary on phones:
        « 20 km, Agroalimentaire, « robot » ». Values no control can send are left out."""
        words = []
        if self.rayon.data in {choice.value for choice in self.rayon.choices}:
            words.append(f"{self.rayon.data} km")
        if self.filiere.data:
            words.extend(c.label for c in self.filiere.choices if c.value == self.filiere.data)
        if self.q.data and not self.q.errors:
            words.append(f"« {self.q.data} »")
        return words

    def changed_filters(self) -> int:
        """How many filters differ from their defaults: the n of the « Filtres (n) » button."""
        changed = 0
        if self.rayon.data != str(DEFAULT_RADIUS_KM):
            changed += 1
        if self.filiere.data:
            changed += 1
        if self.q.data and not self.q.errors:
            changed += 1
        return changed

    def filter_args(self) -> dict[str, str]:
        """The current filters as URL parameters (page excluded), for links that keep them."""
        return {f.name: str(f.data) for f in self if f.name != "page" and f.data not in (None, "")}


class PupilSearchForm(_Filters):
    periode = RadioField(
        "Quelles dates ?",
        choices=[
            SelectChoice(MY_DATES, "Mes dates de stage"),
            SelectChoice(ALL_PERIODS, "Toutes les dates"),
        ],
        default=MY_DATES,
        validate_choice=False,
        validators=[
            _known_choice(
                "Période inconnue : choisis « mes dates de stage » ou « toutes les dates »."
            )
        ],
    )

    def __init__(self, *args, internship: tuple[date | None, date | None],
                 level: Level = Level.TROISIEME, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = internship
        self.has_dates = bool(start and end)
        # The defaults come from the class: its level (the search's) and its internship dates.
        self.my_dates_words = (
            "ma semaine de stage" if level == Level.TROISIEME else "mes semaines de stage"
        )
        if self.has_dates:
            self.periode.choices = [
                SelectChoice(
                    MY_DATES,
                    f"{self.my_dates_words.capitalize()} "
                    f"(du {french_date(start)} au {french_date(end)})",
                ),
                SelectChoice(ALL_PERIODS, "Toutes les dates"),
            ]

    def uses_my_dates(self) -> bool:
        return self.has_dates and self.periode.data == MY_DATES

    def active_filters(self) -> list[str]:
        words = super().active_filters()
        if self.has_dates and self.periode.data in (MY_DATES, ALL_PERIODS):
            words.append(self.my_dates_words if self.uses_my_dates() else "toutes les dates")
        return words

    def changed_filters(self) -> int:
        return super().changed_filters() + (self.has_dates and self.periode.data == ALL_PERIODS)


LEVEL_CHOICES = [
    SelectChoice(Level.TROISIEME.value, "3e (stage d'observation d'une semaine)"),
    SelectChoice(Level.SECONDE.value, "2nde (stage de seconde, deux semaines en juin)"),
]


class PublicSearchForm(_Filters):
    etablissement = HiddenField("Établissement", filters=[_strip])
    niveau = SelectField(
        "Classe",
        choices=LEVEL_CHOICES,
        validate_choice=False,
        validators=[_known_choice("Niveau inconnu : choisissez 3e ou 2nde.")],
    )
    du = FrenchDateField("Stage à partir du", validators=[Optional()])
    au = FrenchDateField("Stage jusqu'au", validators=[Optional()])

    def validate_au(self, field):
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError("La date de fin doit suivre la date de début.")

    @property
    def level(self) -> Level:
        return Level(self.niveau.data)

    def changed_filters(self) -> int:
        dates = sum(1 for f in (self.du, self.au) if f.data and not f.errors)
        return super().changed_filters() + dates

    def active_filters(self) -> list[str]:
        words = []
        if self.niveau.data in {level.value for level in Level}:
            words.append(self.niveau.data)
        words += super().active_filters()
        if self.du.data and not self.du.errors:
            words.append(f"à partir du {self.du.data:%d/%m/%Y}")
        if self.au.data and not self.au.errors:
            words.append(f"jusqu'au {self.au.data:%d/%m/%Y}")
        return words


class SchoolPickForm(BaseForm):
    class Meta:
        csrf = False

    ecole = SearchField(
        "Ton collège ou ton lycée (nom, commune ou code postal)",
        filters=[_strip],
        validators=[Length(max=100, message="100 caractères au plus.")],
    )
    # Set by the public offer page: the suggestions then lead back to that offer.
    offre = HiddenField(validators=[Optional(), Regexp(r"^[1-9]\d{0,8}$",
                                                        message="Offre inconnue.")])

    @property
    def offer_id(self) -> int | None:
        return int(self.offre.data) if self.offre.data and not self.offre.errors else None
