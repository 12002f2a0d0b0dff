"""What the pupil's pages show about their own applications (issue 17): which offers they already
applied to (the « Déjà candidaté » mark of the search), whether a period lies outside their
class's internship dates (a warning, never a refusal: the class's dates may be wrong or the
school may allow another week), and their applications in the dashboard's order."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from capindustrie.applications.states import ACTIVE, CHOSEN, S
from capindustrie.extensions import db
from capindustrie.filters import french_date
from capindustrie.models import Application, Period, Pupil, SchoolClass


def applied_offer_ids(pupil: Pupil, offer_ids: Iterable[int]) -> set[int]:
    """Among `offer_ids` (a page of results), the offers the pupil applied to, in any state:
    one application per period is allowed, so even a withdrawn one is « déjà candidaté »."""
    ids = list(offer_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Period.offer_id)
            .join(Application, Application.period_id == Period.id)
            .where(Application.pupil_id == pupil.id, Period.offer_id.in_(ids))
            .distinct()
        )
    )


def outside_internship_dates(klass: SchoolClass, start: date, end: date) -> bool:
    """True when the period does not lie within the class's internship dates (when known):
    the teacher's validation rule (placements.services.internship_dates_problem), said early."""
    if klass.internship_start is None or klass.internship_end is None:
        return False
    return not (klass.internship_start <= start and end <= klass.internship_end)


def outside_warning(klass: SchoolClass, period: Period, you: str = "tu") -> str | None:
    """The warning shown to the pupil (`you="tu"`) or their teacher (`you="vous"`), or None."""
    if not outside_internship_dates(klass, period.start_date, period.end_date):
        return None
    dates = f"du {french_date(klass.internship_start)} au {french_date(klass.internship_end)}"
    if you == "tu":
        return (
            f"Attention : ces dates ne sont pas celles du stage de ta classe ({dates}). "
            "Vérifie avec ton professeur principal que ton établissement accepte ces dates "
            "avant de candidater."
        )
    return f"Hors des dates de stage de la classe ({dates})."


# The dashboard: what still moves first (the chosen or accepted one on top), then the rest.
_ORDER = {
    S.VALIDATED: 0,
    S.CONFIRMED: 1,
    S.ACCEPTED: 2,
    S.PROPOSED: 3,
    S.SUBMITTED: 4,
}


def dashboard_order(applications: list[Application]) -> list[Application]:
    """Active applications first (accepted or chosen on top), finished ones after; within a
    group, the latest activity first (the order they come in)."""
    return sorted(applications, key=lambda a: _ORDER.get(a.status, 9))


def is_highlighted(application: Application) -> bool:
    """The internship the pupil got: accepted by the company, chosen, or validated."""
    return application.status in CHOSEN or application.status == S.ACCEPTED


def is_active(application: Application) -> bool:
    return (
        application.status in ACTIVE
        or application.status in CHOSEN
        or (application.status == S.PROPOSED)
    )


def register_template_helpers(blueprint) -> None:
    """`outside_class_dates(klass, period)`: the teacher's short warning, or None (templates of
    the teacher's pages: placements/)."""

    @blueprint.app_template_global("outside_class_dates")
    def outside_class_dates(klass: SchoolClass, period: Period) -> str | None:
        return outside_warning(klass, period, you="vous")
