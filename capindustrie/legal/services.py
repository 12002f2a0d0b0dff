"""The accessibility statement's compliance status, by the RGAA 4.1 rules."""

from datetime import date
from typing import NamedTuple


class Compliance(NamedTuple):
    status: str  # « totalement conforme », « partiellement conforme », « non conforme »
    rate: float | None  # share of criteria respected by the audit, in %


def compliance(audit_rate: object) -> Compliance:
    """RGAA: fully compliant when an audit finds every criterion respected, partially from 50 %,
    otherwise — and whenever there is no audit — non compliant. An automated check alone is not
    an audit: it never raises the status."""
    if audit_rate in (None, ""):
        return Compliance("non conforme", None)
    try:
        rate = float(audit_rate)
    except (TypeError, ValueError):
        return Compliance("non conforme", None)
    if not 0 <= rate <= 100:
        return Compliance("non conforme", None)
    if rate == 100:
        return Compliance("totalement conforme", rate)
    if rate >= 50:
        return Compliance("partiellement conforme", rate)
    return Compliance("non conforme", rate)


def config_date(raw: object) -> date | None:
    """An ISO date from configuration, or None when it is missing or not a date."""
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
