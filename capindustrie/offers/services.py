"""Offer services: drafts, substantive edits, seats, duplication. No `request` here."""

from datetime import datetime

from capindustrie.extensions import db
from capindustrie.models import Level, Offer, OfferStatus, Period, ProgramDay, User
from capindustrie.offers import lifecycle

# Fields copied by duplication (everything but identity, status, periods and timestamps).
COPIED_FIELDS = (
    "title",
    "filiere",
    "for_3e",
    "for_2nde",
    "summary",
    "site_address",
    "site_postcode",
    "site_commune_insee",
    "latitude",
    "longitude",
    "geo_precision",
    "tutor_name",
    "tutor_role",
    "tutor_email",
    "tutor_phone",
    "day_start",
    "day_end",
    "break_start",
    "break_end",
    "dress_code",
    "protective_equipment",
    "meals",
    "transport_access",
    "pmr_access",
    "reserved_priority_education",
)


def days_for(for_2nde: bool) -> int:
    """A 2nde fortnight has 10 days; an offer for 3e only has a 5-day week."""
    return 10 if for_2nde else 5


def note_substantive_edit(offer: Offer, actor: User, now: datetime | None = None) -> bool:
    """A published offer whose content changed goes back to review (pupils rely on it)."""
    if offer.status == OfferStatus.PUBLISHED:
        lifecycle.transition(
            offer, OfferStatus.SUBMITTED, actor, "Modifiée par l'entreprise : à revoir.", now
        )
        return True
    return False


def fit_program_to_levels(offer: Offer, template_days: list[dict]) -> None:
    """Keep the program's length equal to the levels' length, filling from the template."""
    wanted = days_for(offer.for_2nde)
    days = list(offer.program_days)
    for day in days[wanted:]:
        offer.program_days.remove(day)
    for number in range(len(days) + 1, wanted + 1):
        source = template_days[number - 1]
        offer.program_days.append(ProgramDay(day_number=number, **source))


def duplicate(offer: Offer, actor: User, level: Level | None = None) -> Offer:
    """A new draft from `offer`, for the same levels or for `level` only. Periods are not copied:
    the company picks the new dates (another level or another school year)."""
    from capindustrie.offers.program_templates import program_template

    copy = Offer(company_id=offer.company_id, status=OfferStatus.DRAFT)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(offer, name))
    copy.title = f"{offer.title} (copie)"[:160]
    if level is not None:
        copy.for_3e, copy.for_2nde = level == Level.TROISIEME, level == Level.SECONDE
    copy.program_days = [
        ProgramDay(
            day_number=day.day_number,
            title=day.title,
            activities=day.activities,
            with_whom=day.with_whom,
            safety=day.safety,
        )
        for day in offer.program_days
    ]
    template = program_template(copy.filiere, Level.SECONDE if copy.for_2nde else Level.TROISIEME)
    fit_program_to_levels(copy, template)
    db.session.add(copy)
    db.session.flush()
    lifecycle.record_creation(copy, actor)
    return copy


def set_seats(period: Period, seats: int, now: datetime | None = None) -> list[str]:
    """Change a period's seats; never below the seats already taken. Returns French errors."""
    from capindustrie.offers.rules import check_seats

    errors = check_seats(seats, already_taken=period.seats_taken)
    if errors:
        return errors
    period.seats = seats
    # Fewer seats may leave none free: the offer then closes itself. More seats on a closed
    # offer do not reopen it by surprise: the company reopens it from its dashboard.
    lifecycle.close_if_full(period.offer, now)
    return []
