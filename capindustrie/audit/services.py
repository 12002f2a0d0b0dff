"""Writing and reading the audit log. Nothing commits here: an entry belongs to the caller's
transaction, so a decision rolled back leaves no entry and a saved one always has its entry."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, event, select

from capindustrie.extensions import db
from capindustrie.models import AuditEntry, Role, User, utcnow

# How long entries are kept, stated on the log page and in the privacy page's retention table.
RETENTION = timedelta(days=5 * 365 + 1)
RETENTION_LABEL = "5 ans"

# Every action the app records, with its French label (the filter's choices).
ACTIONS = {
    "offer.publish": "Offre publiée",
    "offer.reject": "Offre refusée",
    "company.approve": "Entreprise validée",
    "company.reject": "Entreprise refusée",
    "event.publish": "Événement publié",
    "event.reject": "Événement refusé",
    "event.cancel": "Événement annulé",
    "event.capacity": "Capacité d'une séance modifiée",
    "export.run": "Export lancé",
    "user.create_staff": "Compte staff créé",
    "two_factor.reset": "Double authentification réinitialisée",
    "offer_report.hide": "Offre retirée après signalement",
    "offer_report.request_fix": "Correction demandée après signalement",
    "offer_report.dismiss": "Signalement classé sans suite",
    "privacy.purge": "Purge des données (durées de conservation)",
}

SYSTEM_LABEL = "ligne de commande"
PARIS = ZoneInfo("Europe/Paris")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


def record(
    actor: User | None,
    action: str,
    obj=None,
    reason: str | None = None,
    now: datetime | None = None,
    **details,
) -> AuditEntry:
    """Add one entry (the caller commits). `actor` None: the command line or the system."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    entry = AuditEntry(
        created_at=now or utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=(actor.email or actor.username or f"#{actor.id}") if actor else SYSTEM_LABEL,
        action=action,
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=obj.id if obj is not None else None,
        reason=reason,
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


def _plain(value):
    """JSON-safe detail values (enums, dates) without surprising the reader."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "value"):
        return value.value
    return str(value)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AppendOnlyError("The audit log is append-only.")


@dataclass(frozen=True)
class EntryFilters:
    action: str | None = None
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def entries_select(filters: EntryFilters) -> Select:
    """Matching entries, newest first. Dates are whole Paris days, `until` included."""
    statement = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if filters.action:
        statement = statement.where(AuditEntry.action == filters.action)
    if filters.actor_id is not None:
        statement = statement.where(AuditEntry.actor_id == filters.actor_id)
    if filters.since:
        statement = statement.where(AuditEntry.created_at >= _paris_midnight_utc(filters.since))
    if filters.until:
        end = _paris_midnight_utc(filters.until + timedelta(days=1))
        statement = statement.where(AuditEntry.created_at < end)
    return statement


def _paris_midnight_utc(day: date) -> datetime:
    """Stored datetimes are naive UTC; the staff pick days in Paris time."""
    return datetime.combine(day, time(), PARIS).astimezone(UTC).replace(tzinfo=None)


def staff_choices() -> dict[str, str]:
    staff = db.session.scalars(
        select(User).where(User.role == Role.STAFF).order_by(User.last_name, User.first_name)
    )
    return {str(u.id): f"{u.first_name} {u.last_name} ({u.email})" for u in staff}
