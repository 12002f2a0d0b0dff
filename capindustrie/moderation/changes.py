"""What changed in an offer since its last publication, field by field, for the moderator.

No migration: when staff publish an offer, the audit entry « offer.publish » (kept 5 years, the
audit log's retention) also stores the offer's content as published, under the detail key
`_contenu` (a JSON text; keys starting with « _ » are not shown in the audit log's table). A
published offer only changes through a new review (a substantive edit sends it back to
« submitted »), so the last such entry holds what pupils last saw. An offer published before
this existed, or by the demo loader, has no stored version: no diff is shown then.
"""

import json
from dataclasses import dataclass

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.filters import french_date
from capindustrie.models import AuditEntry, Offer
from capindustrie.offers.rules import display_phone, format_clock

CONTENT_KEY = "_contenu"


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def _hours(offer: Offer) -> str:
    if offer.day_start is None or offer.day_end is None:
        return ""
    text = f"{format_clock(offer.day_start)} – {format_clock(offer.day_end)}"
    if offer.break_start is not None and offer.break_end is not None:
        text += f", pause {format_clock(offer.break_start)} – {format_clock(offer.break_end)}"
    return text


def _day(day) -> str:
    parts = [day.title, day.activities]
    if day.with_whom:
        parts.append(f"Avec : {day.with_whom}")
    if day.safety:
        parts.append(f"Sécurité : {day.safety}")
    return "\n".join(p for p in parts if p)


def _periods(offer: Offer) -> str:
    return "\n".join(
        f"{p.level.value} : du {french_date(p.start_date, weekday=False)} au "
        f"{french_date(p.end_date, weekday=False)}, {p.seats} place{'s' if p.seats > 1 else ''}"
        for p in offer.periods
    )


def content(offer: Offer) -> dict[str, str]:
    """The offer as a pupil reads it: French label → text, in the page's order."""
    fields = {
        "Titre": offer.title or "",
        "Filière": offer.filiere_label,
        "Niveaux": ", ".join(level.value for level in offer.levels),
        "L'offre en quelques mots": offer.summary or "",
        "Adresse du lieu de stage": " ".join(
            p for p in (offer.site_address, offer.site_postcode) if p
        ),
        "Tuteur": "\n".join(
            p
            for p in (
                offer.tutor_name,
                offer.tutor_role,
                offer.tutor_email,
                display_phone(offer.tutor_phone) if offer.tutor_phone else None,
            )
            if p
        ),
        "Horaires": _hours(offer),
        "Tenue": offer.dress_code or "",
        "Équipements de protection": offer.protective_equipment or "",
        "Repas": offer.meals or "",
        "Accès et transports": offer.transport_access or "",
        "Accessible en fauteuil roulant": _yes_no(offer.pmr_access),
        "Réservée à l'éducation prioritaire": _yes_no(offer.reserved_priority_education),
    }
    for day in offer.program_days:
        fields[f"Programme, jour {day.day_number}"] = _day(day)
    fields["Périodes et places"] = _periods(offer)
    return fields


def content_detail(offer: Offer) -> str:
    """The value stored in the publication's audit entry."""
    return json.dumps(content(offer), ensure_ascii=False)


def last_published_content(offer: Offer) -> dict[str, str] | None:
    """The content of the offer's last publication by staff, or None when none was stored."""
    details = db.session.scalars(
        select(AuditEntry.details)
        .where(
            AuditEntry.action == "offer.publish",
            AuditEntry.object_type == Offer.__tablename__,
            AuditEntry.object_id == offer.id,
        )
        .order_by(AuditEntry.id.desc())
    )
    for detail in details:
        stored = (detail or {}).get(CONTENT_KEY)
        if stored:
            try:
                loaded = json.loads(stored)
            except ValueError:
                return None
            return loaded if isinstance(loaded, dict) else None
    return None


def changes(before: dict[str, str], after: dict[str, str]) -> list[Change]:
    """Every field whose text differs, in the current page's order, then the removed ones."""
    labels = list(after) + [label for label in before if label not in after]
    return [
        Change(label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]


def changes_since_publication(offer: Offer) -> list[Change] | None:
    """None: never published by staff (or no stored version); else the list, maybe empty."""
    before = last_published_content(offer)
    return None if before is None else changes(before, content(offer))
