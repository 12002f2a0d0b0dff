"""The offer wizard's rules: what each step saves. Routes turn forms into these calls.

Every step saves the draft; a published offer whose content changes goes back to review.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.geo.geocoding import GeoResult, geocode_site
from capindustrie.models import (
    Application,
    Filiere,
    Level,
    Offer,
    OfferStatus,
    Period,
    ProgramDay,
    User,
    utcnow,
)
from capindustrie.offers import rules, services
from capindustrie.offers.program_templates import (
    TEMPLATE_SUMMARIES,
    TEMPLATE_TITLES,
    program_template,
    summary_template,
)

STEPS = {
    1: "Niveau et filière",
    2: "Programme",
    3: "Lieu du stage",
    4: "Périodes et places",
    5: "Tuteur et informations pratiques",
    6: "Récapitulatif et envoi",
}
LAST_STEP = max(STEPS)
EDITABLE = frozenset(
    {OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REJECTED, OfferStatus.PUBLISHED}
)


def template_level(offer: Offer) -> Level:
    """An offer open to 2nde needs the 10-day program; 3e pupils follow its first 5 days."""
    return Level.SECONDE if offer.for_2nde else Level.TROISIEME


def suggested_title(filiere: Filiere, level: Level) -> str:
    return TEMPLATE_TITLES[(filiere, level)]


def content_snapshot(offer: Offer) -> tuple:
    """Everything a pupil relies on, to tell a real edit from a save with no change."""
    fields = tuple(getattr(offer, name) for name in services.COPIED_FIELDS)
    days = tuple(
        (d.day_number, d.title, d.activities, d.with_whom, d.safety) for d in offer.program_days
    )
    periods = tuple(sorted((p.level, p.start_date, p.end_date) for p in offer.periods))
    return fields, days, periods


def finish_step(offer: Offer, step: int, before: tuple, actor: User, now: datetime) -> None:
    """Record progress, send a published offer back to review if its content changed, commit."""
    offer.wizard_step = max(offer.wizard_step, min(step + 1, LAST_STEP))
    if content_snapshot(offer) != before:
        services.note_substantive_edit(offer, actor, now)
    db.session.commit()


def suggested_summary(offer: Offer) -> str:
    """What step 1 shows in « L'offre en quelques mots »: the saved text, else the template's."""
    return offer.summary or summary_template(offer.filiere, template_level(offer))


def fitted_summary(summary: str, filiere: Filiere, level: Level) -> str:
    """A summary left exactly as a template follows the filière and level chosen with it (the
    form was prefilled before the company picked them); an edited one is kept as written."""
    text = summary.strip()
    if text in TEMPLATE_SUMMARIES.values():
        return summary_template(filiere, level)
    return text


def fitted_title(title: str, filiere: Filiere, level: Level) -> str:
    """Like the summary: a title left exactly as a template's follows the filière and level."""
    text = title.strip()
    if text in TEMPLATE_TITLES.values():
        return suggested_title(filiere, level)
    return text


def save_level_filiere(
    offer: Offer, title: str, for_3e: bool, for_2nde: bool, filiere: Filiere, summary: str
) -> None:
    offer.for_3e, offer.for_2nde = for_3e, for_2nde
    offer.title = fitted_title(title, filiere, template_level(offer))
    offer.filiere = filiere
    offer.summary = fitted_summary(summary, filiere, template_level(offer))
    services.fit_program_to_levels(offer, program_template(filiere, template_level(offer)))
    # Periods of a level the offer no longer has would be unreachable: drop the free ones.
    for period in list(offer.periods):
        if period.level not in offer.levels and not period_is_locked(period):
            offer.periods.remove(period)


def create_offer(
    company,
    actor: User,
    title: str,
    for_3e: bool,
    for_2nde: bool,
    filiere: Filiere,
    summary: str,
) -> Offer:
    """Step 1 of a new offer: the draft exists once it has a title, a level and a summary."""
    offer = Offer(company=company, status=OfferStatus.DRAFT, wizard_step=1)
    save_level_filiere(offer, title, for_3e, for_2nde, filiere, summary)
    db.session.add(offer)
    db.session.flush()
    from capindustrie.offers.lifecycle import record_creation

    record_creation(offer, actor)
    return offer


def template_days(offer: Offer) -> list[dict]:
    return program_template(offer.filiere, template_level(offer))


def _clean(value):
    """Blank text is stored as NULL; other values as given."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def save_program(offer: Offer, days: list[dict], commitment: bool, now: datetime) -> None:
    for number, values in enumerate(days, start=1):
        day = next((d for d in offer.program_days if d.day_number == number), None)
        if day is None:
            day = ProgramDay(day_number=number)
            offer.program_days.append(day)
        day.title = values["title"].strip()
        day.activities = values["activities"].strip()
        day.with_whom = _clean(values.get("with_whom"))
        day.safety = _clean(values.get("safety"))
    if commitment and offer.observation_commitment_at is None:
        offer.observation_commitment_at = now


def save_site(offer: Offer, address: str, postcode: str, commune_insee: str | None) -> GeoResult:
    """Geocode the site (BAN or the commune's town hall); raises GeocodingError, saving nothing."""
    result = geocode_site(address, postcode, commune_insee or None)
    offer.site_address = address.strip()
    offer.site_postcode = postcode.strip()
    offer.site_commune_insee = result.commune_insee
    offer.latitude, offer.longitude = result.latitude, result.longitude
    offer.geo_precision = result.precision
    return result


@dataclass
class PeriodRow:
    period_id: int | None
    level: str
    start_date: date | None
    end_date: date | None
    seats: int | None


@dataclass
class PeriodsResult:
    row_errors: dict[int, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.row_errors and not self.form_errors


def period_is_locked(period: Period) -> bool:
    """Once a pupil applied, a period's dates and level are part of their application."""
    if period.id is None:
        return False
    if period.seats_taken:
        return True
    count = db.session.scalar(
        select(func.count(Application.id)).where(Application.period_id == period.id)
    )
    return bool(count)


def save_periods(
    offer: Offer, rows: list[PeriodRow], reserved: bool, today: date, config
) -> PeriodsResult:
    """Validate every row, then apply all or nothing."""
    result = PeriodsResult()
    existing = {p.id: p for p in offer.periods}
    for index, row in enumerate(rows):
        errors = _row_errors(offer, row, existing, today, config)
        if errors:
            result.row_errors[index] = errors
    kept_ids = {row.period_id for row in rows if row.period_id}
    for period in existing.values():
        if period.id not in kept_ids and period_is_locked(period):
            result.form_errors.append(
                f"La période {rules._range_fr(period.start_date, period.end_date)} a déjà des "
                "candidatures : elle ne peut pas être supprimée (fermez l'offre à la place)."
            )
    if not result.row_errors:
        result.form_errors.extend(
            rules.overlap_messages([(r.start_date, r.end_date) for r in rows])
        )
    if not rows and not result.form_errors:
        result.form_errors.append("Indiquez au moins une période.")
    if result.ok:
        _apply_periods(offer, rows, existing, reserved)
    return result


def _row_errors(offer: Offer, row: PeriodRow, existing: dict, today: date, config) -> list[str]:
    if row.period_id is not None and row.period_id not in existing:
        return ["Cette période n'appartient pas à cette offre."]
    if not row.level or not row.start_date or not row.end_date or row.seats is None:
        return ["Indiquez le niveau, les dates et le nombre de places."]
    if Level(row.level) not in offer.levels:
        return [f"L'offre n'est pas proposée aux élèves de {row.level} (étape 1)."]
    period = existing.get(row.period_id)
    unchanged = period is not None and (period.level, period.start_date, period.end_date) == (
        Level(row.level),
        row.start_date,
        row.end_date,
    )
    errors = []
    if period is not None and not unchanged and period_is_locked(period):
        errors.append(
            "Des élèves ont déjà candidaté sur cette période : ses dates ne changent plus."
        )
    elif not unchanged:
        errors.extend(rules.check_period(row.level, row.start_date, row.end_date, today, config))
    errors.extend(
        rules.check_seats(
            row.seats,
            config["MAX_SEATS_PER_PERIOD"],
            period.seats_taken if period is not None else 0,
        )
    )
    return errors


def _apply_periods(offer: Offer, rows: list[PeriodRow], existing: dict, reserved: bool) -> None:
    kept = set()
    for row in rows:
        period = existing.get(row.period_id)
        if period is None:
            period = Period(seats_taken=0)
            offer.periods.append(period)
        period.level = Level(row.level)
        period.start_date, period.end_date, period.seats = row.start_date, row.end_date, row.seats
        kept.add(period.id)
    for period_id, period in existing.items():
        if period_id not in kept:
            offer.periods.remove(period)
    offer.reserved_priority_education = reserved


PRACTICAL_FIELDS = (
    "tutor_name",
    "tutor_role",
    "tutor_email",
    "day_start",
    "day_end",
    "break_start",
    "break_end",
    "dress_code",
    "protective_equipment",
    "meals",
    "transport_access",
    "pmr_access",
)


@dataclass(frozen=True)
class WeekChoice:
    """A period the company may offer in one click (step 4's « semaine du 11 janvier »)."""

    level: Level
    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.level.value}/{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def label(self) -> str:
        from capindustrie.filters import MONTHS

        day = "1er" if self.start.day == 1 else str(self.start.day)
        span = "quinzaine" if (self.end - self.start).days > 6 else "semaine"
        return f"{span} du {day} {MONTHS[self.start.month - 1]}"


def week_choices(offer: Offer, today: date, config) -> list[WeekChoice]:
    """Every period valid for the offer's levels from tomorrow to the end of the school year:
    3e Monday–Friday weeks (4 days around a public holiday), the 2nde fortnight and its two
    weeks. Filtered by the same rule the save applies (rules.check_period)."""
    from datetime import timedelta

    from capindustrie.config import seconde_period

    choices = []
    year = rules.school_year_of(today)
    if offer.for_3e:
        span_start, span_end = rules.troisieme_span(year)
        if today >= span_end:
            span_start, span_end = rules.troisieme_span(year + 1)
        monday = max(span_start, today + timedelta(days=1))
        monday += timedelta(days=(0 - monday.weekday()) % 7)
        while monday + timedelta(days=4) <= span_end:
            for start, end in (
                (monday, monday + timedelta(days=4)),  # the usual week
                (monday + timedelta(days=1), monday + timedelta(days=4)),  # holiday on Monday
                (monday, monday + timedelta(days=3)),  # holiday on Friday
            ):
                if not rules.check_period(Level.TROISIEME, start, end, today, config):
                    choices.append(WeekChoice(Level.TROISIEME, start, end))
                    break
            monday += timedelta(days=7)
    if offer.for_2nde:
        for season in (year, year + 1):
            start, end = seconde_period(config, season)
            middle = start + timedelta(days=7)
            for span in ((start, end), (start, start + timedelta(days=4)), (middle, end)):
                if not rules.check_period(Level.SECONDE, *span, today, config):
                    choices.append(WeekChoice(Level.SECONDE, *span))
            if choices and choices[-1].level == Level.SECONDE:
                break
    return choices


def save_practical(offer: Offer, data: dict) -> rules.ScheduleCheck:
    """Check the schedule against the limits for minors; save only when it passes."""
    check = rules.check_schedule(
        data["day_start"],
        data["day_end"],
        data.get("break_start"),
        data.get("break_end"),
        services.days_for(False),
    )
    if not check.ok:
        return check
    for name in PRACTICAL_FIELDS:
        setattr(offer, name, _clean(data.get(name)))
    offer.tutor_email = data["tutor_email"].strip().lower()
    offer.tutor_phone = rules.normalize_phone(data["tutor_phone"])
    return check


def submit(offer: Offer, actor: User, now: datetime | None = None) -> None:
    """Send the offer to moderation (raises lifecycle.TransitionError with what is missing)."""
    from capindustrie.offers.lifecycle import transition

    now = now or utcnow()
    transition(offer, OfferStatus.SUBMITTED, actor, None, now)
    db.session.commit()
