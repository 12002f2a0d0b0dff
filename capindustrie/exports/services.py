"""What the staff export pages show: history, overview (last run, next nightly run, counts),
and the per-offer delivery states of the partner API."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from capindustrie.exports import runs
from capindustrie.extensions import db
from capindustrie.models import (
    DeliveryState,
    ExportDelivery,
    ExportRun,
    ExportStatus,
    Offer,
)

NIGHTLY_JOB = "mystage77_export"

STATUS_LABELS = {
    ExportStatus.RUNNING: "En cours",
    ExportStatus.SUCCESS: "Réussi",
    ExportStatus.FAILED: "Échoué",
}
DELIVERY_LABELS = {
    DeliveryState.PENDING: "En attente",
    DeliveryState.SENT: "Envoyée",
    DeliveryState.REFUSED: "Refusée par la plateforme",
    DeliveryState.WITHDRAWN: "Dépubliée",
    DeliveryState.ERROR: "Erreur d'envoi",
}


@dataclass(frozen=True)
class Overview:
    last_run: ExportRun | None
    last_success: ExportRun | None
    running: ExportRun | None
    next_nightly: datetime | None
    counts: dict
    delivery_counts: dict
    refused: list[ExportDelivery]
    partner_configured: bool


def history_select():
    return (
        select(ExportRun).options(joinedload(ExportRun.triggered_by)).order_by(ExportRun.id.desc())
    )


def next_nightly(now: datetime | None = None) -> datetime | None:
    from capindustrie.scheduler import next_run_times

    for name, _job, when in next_run_times(now):
        if name == NIGHTLY_JOB:
            return when
    return None


def delivery_counts() -> dict[DeliveryState, int]:
    counts = dict.fromkeys(DeliveryState, 0)
    for state, count in db.session.execute(
        select(ExportDelivery.state, func.count()).group_by(ExportDelivery.state)
    ):
        counts[DeliveryState(state)] = count
    return counts


def deliveries_select(state: str | None = None):
    statement = (
        select(ExportDelivery)
        .options(joinedload(ExportDelivery.offer))
        .order_by(ExportDelivery.updated_at.desc(), ExportDelivery.id.desc())
    )
    if state:
        statement = statement.where(ExportDelivery.state == DeliveryState(state))
    return statement


def overview(now: datetime | None = None) -> Overview:
    from flask import current_app

    last_run = db.session.scalar(select(ExportRun).order_by(ExportRun.id.desc()).limit(1))
    refused = db.session.scalars(deliveries_select(DeliveryState.REFUSED.value).limit(20)).all()
    counts = runs.runs_by_status()
    return Overview(
        last_run=last_run,
        last_success=runs.last_success(),
        running=runs.running_run(),
        next_nightly=next_nightly(now),
        counts={status: counts.get(status, 0) for status in ExportStatus},
        delivery_counts=delivery_counts(),
        refused=list(refused),
        partner_configured=bool(current_app.config.get("EXPORT_PARTNER_URL")),
    )


def offer_title(offer: Offer | None) -> str:
    return offer.title if offer else "(offre supprimée)"
