"""Export runs: claim, stream the records to CSV and JSON files, record the outcome.

- Exclusive: a run first claims the `export_lock` row (runs.claim_run); a second trigger, from
  this process or another, is refused while the holder is alive. A holder whose heartbeat is
  older than EXPORT_STALE_MINUTES was killed: the next claim marks its run failed and takes over.
- Streamed: offers are read in keyset batches of EXPORT_BATCH_SIZE (plain rows, no ORM objects)
  and written as they come, so memory stays bounded whatever the number of offers.
- Atomic: each file is written to a temporary name in EXPORT_DIR, fsynced, then renamed; the
  stable names `offres.csv` / `offres.json` (what MyStage77 picks up) are replaced only by a
  successful full run. A failed run removes its temporary files and leaves the last good ones.
- Full: every published offer. Incremental: offers changed since the last successful run
  (`offer.updated_at`, bumped by exports/tracking.py when periods or programme change too);
  levels withdrawn since then come out as deletions (`action: delete`).
"""

import csv
import errno
import gc
import hashlib
import json
import os
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from capindustrie.exports import formats
from capindustrie.exports.formats import OfferData, PeriodData, RecordBuilder
from capindustrie.extensions import db
from capindustrie.models import (
    Commune,
    Company,
    Epci,
    ExportKind,
    ExportLock,
    ExportRun,
    ExportStatus,
    Level,
    Offer,
    OfferStatus,
    Period,
    ProgramDay,
    utcnow,
)

LOCK_NAME = "export"
LATEST_CSV = "offres.csv"
LATEST_JSON = "offres.json"
TMP_PREFIX = ".tmp-"
MAX_STORED_WARNINGS = 200

TRIGGER_LABELS = {"nightly": "planifié (nuit)", "staff": "à la demande", "cli": "ligne de commande"}


class ExportAlreadyRunning(Exception):
    """A run holds the claim; the message is French, for staff."""

    def __init__(self, run_id: int | None):
        self.run_id = run_id
        super().__init__(
            f"Un export est déjà en cours (exécution n° {run_id}) : attendez qu'il se termine."
        )


# Settings ------------------------------------------------------------------------------------


def export_dir() -> Path:
    configured = current_app.config.get("EXPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def _stale_after() -> timedelta:
    return timedelta(minutes=current_app.config["EXPORT_STALE_MINUTES"])


# Claim ---------------------------------------------------------------------------------------


def _ensure_lock_row() -> None:
    if db.session.get(ExportLock, LOCK_NAME) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(ExportLock(name=LOCK_NAME))
    except IntegrityError:
        pass  # another process created it first
    db.session.commit()


def last_success(kind: ExportKind | None = None) -> ExportRun | None:
    statement = select(ExportRun).where(ExportRun.status == ExportStatus.SUCCESS)
    if kind is not None:
        statement = statement.where(ExportRun.kind == kind)
    return db.session.scalar(statement.order_by(ExportRun.started_at.desc()).limit(1))


def claim_run(
    kind: ExportKind, trigger: str, user_id: int | None = None, now: datetime | None = None
) -> ExportRun:
    """Create a running run holding the lock, or raise ExportAlreadyRunning (nothing saved)."""
    now = now or utcnow()
    _ensure_lock_row()
    previous = last_success()
    run = ExportRun(
        kind=kind,
        trigger=trigger,
        triggered_by_id=user_id,
        format_version=formats.FORMAT_VERSION,
        status=ExportStatus.RUNNING,
        started_at=now,
        since=previous.started_at if previous else None,
    )
    db.session.add(run)
    db.session.flush()  # takes SQLite's write lock: a second claimer waits here
    lock = db.session.scalar(
        select(ExportLock).where(ExportLock.name == LOCK_NAME).with_for_update()
    )
    db.session.refresh(lock)  # PostgreSQL: the committed value once the row lock is ours
    if lock.run_id is not None:
        alive = lock.heartbeat_at is not None and lock.heartbeat_at >= utcnow() - _stale_after()
        if alive:
            holder = lock.run_id
            db.session.rollback()
            raise ExportAlreadyRunning(holder)
        _fail_abandoned_run(lock.run_id, lock.heartbeat_at)
    lock.run_id = run.id
    lock.claimed_at = lock.heartbeat_at = utcnow()
    db.session.commit()
    return run


def _fail_abandoned_run(run_id: int, heartbeat: datetime | None) -> None:
    abandoned = db.session.get(ExportRun, run_id)
    if abandoned is not None and abandoned.status == ExportStatus.RUNNING:
        abandoned.status = ExportStatus.FAILED
        abandoned.finished_at = utcnow()
        abandoned.error = (
            "Export interrompu : le processus s'est arrêté en cours d'écriture "
            f"(dernier signe de vie à {heartbeat:%H:%M:%S} UTC). Le dernier fichier complet "
            "a été conservé."
            if heartbeat
            else "Export interrompu : le processus s'est arrêté en cours d'écriture."
        )
    directory = export_dir()
    if directory.is_dir():
        for leftover in directory.glob(f"{TMP_PREFIX}{run_id}-*"):
            leftover.unlink(missing_ok=True)


def _release(run_id: int) -> None:
    db.session.execute(
        update(ExportLock)
        .where(ExportLock.name == LOCK_NAME, ExportLock.run_id == run_id)
        .values(run_id=None, heartbeat_at=None)
    )


def _heartbeat(run_id: int, progress: int | None) -> None:
    db.session.execute(
        update(ExportLock)
        .where(ExportLock.name == LOCK_NAME, ExportLock.run_id == run_id)
        .values(heartbeat_at=utcnow())
    )
    if progress is not None:
        db.session.execute(
            update(ExportRun).where(ExportRun.id == run_id).values(progress_rows=progress)
        )
    db.session.commit()


def running_run() -> ExportRun | None:
    return db.session.scalar(
        select(ExportRun)
        .where(ExportRun.status == ExportStatus.RUNNING)
        .order_by(ExportRun.id.desc())
        .limit(1)
    )


# Reading offers in batches -------------------------------------------------------------------

_OFFER_COLUMNS = (
    Offer.id,
    Offer.status,
    Offer.title,
    Offer.summary,
    Offer.filiere,
    Offer.for_3e,
    Offer.for_2nde,
    Offer.latitude,
    Offer.longitude,
    Offer.site_address,
    Offer.site_postcode,
    Commune.name,
    Commune.postcodes,
    Commune.latitude_townhall,
    Commune.longitude_townhall,
    Epci.siren,
    Epci.name,
    Offer.pmr_access,
    Offer.reserved_priority_education,
    Offer.day_start,
    Offer.day_end,
    Offer.break_start,
    Offer.break_end,
    Offer.meals,
    Offer.published_at,
    Offer.updated_at,
    Company.name,
    Company.presentation,
    Company.website,
    Company.siret,
)


def _selection(kind: ExportKind, since: datetime | None):
    if kind == ExportKind.FULL or since is None:
        return [Offer.status == OfferStatus.PUBLISHED]
    # Changed since the last run: published ones are re-sent, once-published ones deleted.
    return [
        Offer.updated_at >= since,
        or_(Offer.status == OfferStatus.PUBLISHED, Offer.published_at.is_not(None)),
    ]


def count_offers(kind: ExportKind, since: datetime | None) -> int:
    return db.session.scalar(select(func.count(Offer.id)).where(*_selection(kind, since)))


def iter_offer_batches(kind: ExportKind, since: datetime | None, batch_size: int):
    """Lists of OfferData in id order, `batch_size` offers at a time (keyset pagination)."""
    yield from _batches(_selection(kind, since), batch_size)


def iter_offers_by_id(offer_ids: list[int], batch_size: int):
    """The given offers (any status), in batches: the partner delivery's changes."""
    for start in range(0, len(offer_ids), batch_size):
        chunk = offer_ids[start : start + batch_size]
        yield from _batches([Offer.id.in_(chunk)], batch_size)


def _batches(conditions: list, batch_size: int):
    last_id = 0
    while True:
        # Core statements on the session's connection: plain rows, without the ORM's per-row
        # work. Asked for each batch: the run's heartbeat commits between batches.
        connection = db.session.connection()
        rows = connection.execute(
            select(*_OFFER_COLUMNS)
            .join(Company, Company.id == Offer.company_id)
            .outerjoin(Commune, Commune.insee == Offer.site_commune_insee)
            .outerjoin(Epci, Epci.siren == Commune.epci_siren)
            .where(*conditions, Offer.id > last_id)
            .order_by(Offer.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        offers = {row[0]: OfferData(*row) for row in rows}
        _attach_details(connection, offers)
        yield list(offers.values())
        last_id = rows[-1][0]


def _attach_details(connection, offers: dict[int, OfferData]) -> None:
    ids = list(offers)
    for offer_id, level, start, end, seats, taken in connection.execute(
        select(
            Period.offer_id,
            Period.level,
            Period.start_date,
            Period.end_date,
            Period.seats,
            Period.seats_taken,
        )
        .where(Period.offer_id.in_(ids))
        .order_by(Period.offer_id, Period.start_date)
    ).all():
        offers[offer_id].periods.append(PeriodData(Level(level).value, start, end, seats, taken))
    for offer_id, day, title, activities in connection.execute(
        select(ProgramDay.offer_id, ProgramDay.day_number, ProgramDay.title, ProgramDay.activities)
        .where(ProgramDay.offer_id.in_(ids))
        .order_by(ProgramDay.offer_id, ProgramDay.day_number)
    ).all():
        offers[offer_id].program.append((day, title, activities))


def _was_listed(offer: OfferData) -> list[Level]:
    """Levels an incremental run must delete: the offer was published once and is no longer
    live at a level it has (its flag, or periods of that level: a dropped level keeps them)."""
    if offer.published_at is None:
        return []
    flagged = {Level.TROISIEME} if offer.for_3e else set()
    if offer.for_2nde:
        flagged.add(Level.SECONDE)
    had = flagged | {Level(p.level) for p in offer.periods}
    live = set(offer.live_levels())
    return [lvl for lvl in (Level.TROISIEME, Level.SECONDE) if lvl in had and lvl not in live]


# Writing -------------------------------------------------------------------------------------

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _HashingFile:
    """A text sink writing UTF-8 to a binary file and hashing what it writes (SHA-256)."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = open(path, "wb")  # noqa: SIM115 - closed by finish() or discard()
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.handle.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(text)

    def finish(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.path.unlink(missing_ok=True)


class _Lines(list):
    """The csv writer's target: keeps its lines (a C-level append, no Python call per row)."""

    write = list.append


class _Writers:
    def __init__(self, directory: Path, run: ExportRun):
        stamp = run.started_at.strftime("%Y%m%dT%H%M%SZ")
        self.directory = directory
        self.base = f"offres-{run.id:05d}-{run.kind.value}-{stamp}"
        self.csv = _HashingFile(directory / f"{TMP_PREFIX}{run.id}-{self.base}.csv")
        self.json = _HashingFile(directory / f"{TMP_PREFIX}{run.id}-{self.base}.json")
        self.csv.write("\ufeff")  # BOM: French Excel then reads UTF-8 and the ';' separator
        # A batch's text collects in memory (a few MB), then goes to the file at once: one
        # encode, one hash update and one write per batch instead of per row.
        self.csv_lines = _Lines()
        self.json_parts: list[str] = []
        self.csv_writer = csv.writer(self.csv_lines, delimiter=";", lineterminator="\r\n")
        self.csv_writer.writerow(formats.CSV_HEADER)
        header = {
            "format": "capindustrie-offres",
            "version": formats.FORMAT_VERSION,
            "kind": run.kind.value,
            "generated_at": formats.iso_utc(run.started_at),
            "since": formats.iso_utc(run.since) if run.kind == ExportKind.INCREMENTAL else None,
        }
        self.json.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "offers": [\n')
        self.first = True

    def write(self, record: dict) -> None:
        self.csv_writer.writerow(formats.csv_row(record))
        self.json_parts.append(_encode(record))

    def write_encoded(self, encoded: list[tuple[str, str]]) -> None:
        """Records as RecordBuilder.encoded() gives them: (JSON text, CSV line)."""
        for text, line in encoded:
            self.json_parts.append(text)
            self.csv_lines.append(line)

    def flush(self) -> None:
        if self.csv_lines:
            self.csv.write("".join(self.csv_lines))
            self.csv_lines.clear()
        if self.json_parts:
            self.json.write(("" if self.first else ",\n") + ",\n".join(self.json_parts))
            self.json_parts.clear()
            self.first = False

    def finish(self) -> tuple[str, str]:
        self.flush()
        self.json.write("\n]}\n")
        self.csv.finish()
        self.json.finish()
        names = (f"{self.base}.csv", f"{self.base}.json")
        os.replace(self.csv.path, self.directory / names[0])
        os.replace(self.json.path, self.directory / names[1])
        return names

    def discard(self) -> None:
        self.csv.discard()
        self.json.discard()


def _publish_latest(directory: Path, name: str, latest: str) -> None:
    """Point the stable name at the new file atomically (hard link, else copy, then rename)."""
    temporary = directory / f"{TMP_PREFIX}latest-{latest}"
    temporary.unlink(missing_ok=True)
    try:
        os.link(directory / name, temporary)
    except OSError:
        import shutil

        shutil.copyfile(directory / name, temporary)
    os.replace(temporary, directory / latest)


def permalink_builder():
    from capindustrie.urls import public_url

    template = public_url("public.offer", offer_id=987654321)
    return lambda offer_id: template.replace("987654321", str(offer_id))


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "Disque plein : le fichier d'export n'a pas pu être écrit."
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"Répertoire d'export non accessible en écriture ({exc.filename or ''})."
        if exc.errno == errno.ENOENT:
            return f"Répertoire d'export introuvable ({exc.filename or ''})."
        return f"Erreur d'écriture du fichier d'export : {exc.strerror or exc}."
    return f"Erreur inattendue : {type(exc).__name__} : {exc}"


# The run -------------------------------------------------------------------------------------


@contextmanager
def _without_cycle_collection():
    """No cyclic garbage collection while the records stream. A run allocates millions of
    short-lived tuples, dicts and strings, with no reference cycles (reference counting frees
    them); each would-be collection of the oldest generation walks the whole heap of the app
    (models, SQLAlchemy, templates): it cost about half of a 20,000-offer export. The collector
    is restored as it was, even when the run fails."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def execute_run(run_id: int) -> ExportRun:
    """Write the files of a claimed run, record its outcome, release the claim."""
    run = db.session.get(ExportRun, run_id)
    config = current_app.config
    builder = RecordBuilder(permalink_builder(), config["EXPORT_DESCRIPTION_MAX_LENGTH"])
    directory = export_dir()
    writers = None
    rows = deleted = 0
    changed_ids: list[int] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        run.total_rows = count_offers(run.kind, run.since)
        db.session.commit()
        writers = _Writers(directory, run)
        done = 0
        with _without_cycle_collection():
            for batch in iter_offer_batches(run.kind, run.since, config["EXPORT_BATCH_SIZE"]):
                for offer in batch:
                    encoded = builder.encoded(offer)
                    writers.write_encoded(encoded)
                    rows += len(encoded)
                    if run.kind == ExportKind.INCREMENTAL:
                        for level in _was_listed(offer):
                            writers.write(formats.deletion_record(offer.id, level))
                            deleted += 1
                    if run.since is None or offer.updated_at >= run.since:
                        changed_ids.append(offer.id)
                done += len(batch)
                writers.flush()
                _heartbeat(run_id, done)
        csv_name, json_name = writers.finish()
        if run.kind == ExportKind.FULL:
            _publish_latest(directory, csv_name, LATEST_CSV)
            _publish_latest(directory, json_name, LATEST_JSON)
    except Exception as exc:
        db.session.rollback()
        if writers is not None:
            writers.discard()
        current_app.logger.exception("export run %s failed", run_id)
        return _finish(
            run_id, ExportStatus.FAILED, error=describe_error(exc), warnings=builder.warnings
        )
    files = dict(
        row_count=rows,
        deleted_count=deleted,
        csv_file=csv_name,
        json_file=json_name,
        csv_sha256=writers.csv.sha.hexdigest(),
        json_sha256=writers.json.sha.hexdigest(),
        csv_bytes=writers.csv.size,
        json_bytes=writers.json.size,
    )
    summary, failure = _deliver_if_configured(run_id, changed_ids)
    if failure:
        # The files are written, but the platform did not get the changes: a failed run, so
        # the next run's `since` still covers them.
        return _finish(
            run_id,
            ExportStatus.FAILED,
            warnings=builder.warnings,
            delivery_summary=summary,
            error=f"Fichiers écrits, mais envoi à la plateforme partenaire impossible : {failure}",
            **files,
        )
    return _finish(
        run_id, ExportStatus.SUCCESS, warnings=builder.warnings, delivery_summary=summary, **files
    )


def _finish(run_id: int, status: ExportStatus, warnings: list[str], **values) -> ExportRun:
    run = db.session.get(ExportRun, run_id)
    run.status = status
    run.finished_at = utcnow()
    kept = warnings[:MAX_STORED_WARNINGS]
    if len(warnings) > MAX_STORED_WARNINGS:
        kept.append(f"… et {len(warnings) - MAX_STORED_WARNINGS} autres avertissements.")
    run.warnings = json.dumps(kept, ensure_ascii=False) if kept else None
    for key, value in values.items():
        setattr(run, key, value)
    if status == ExportStatus.SUCCESS:
        run.progress_rows = run.total_rows or 0
    _release(run_id)
    db.session.commit()
    return run


def _deliver_if_configured(run_id: int, changed_ids: list[int]) -> tuple[str | None, str | None]:
    """(summary, failure) of the push to the partner API, while the run still holds the claim."""
    if not current_app.config.get("EXPORT_PARTNER_URL"):
        return None, None
    from capindustrie.exports import delivery

    try:
        summary = delivery.deliver(
            db.session.get(ExportRun, run_id),
            changed_ids,
            heartbeat=lambda: _heartbeat(run_id, None),
        )
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("delivery of export run %s failed", run_id)
        failure = str(exc) if isinstance(exc, delivery.PartnerUnavailable) else describe_error(exc)
        return f"Envoi à la plateforme partenaire interrompu : {failure}", failure
    return summary, None


def run_export(
    kind: ExportKind, trigger: str, user_id: int | None = None, now: datetime | None = None
) -> ExportRun:
    """Claim and run now, in this process (scheduler job, CLI, tests)."""
    run = claim_run(kind, trigger, user_id, now)
    return execute_run(run.id)


def nightly_export(now: datetime) -> str:
    """The scheduler's nightly job: a full export (the file MyStage77 picks up). Harmless when
    another run holds the claim."""
    try:
        run = run_export(ExportKind.FULL, "nightly", now=now)
    except ExportAlreadyRunning as exc:
        return str(exc)
    return f"export n° {run.id} : {run.status.value}, {run.row_count or 0} ligne(s)"


def run_warnings(run: ExportRun) -> list[str]:
    return json.loads(run.warnings) if run.warnings else []


def runs_by_status() -> dict[ExportStatus, int]:
    counts = defaultdict(int)
    for status, count in db.session.execute(
        select(ExportRun.status, func.count()).group_by(ExportRun.status)
    ):
        counts[ExportStatus(status)] = count
    return counts
