"""Export runs: files (CSV read back, JSON against the schema), full and incremental, the claim
that prevents double runs, faults (unwritable, disk full, killed run), the nightly job, CLI."""

import csv
import errno
import hashlib
import io
import json
import os
import threading
from datetime import datetime, timedelta

import jsonschema
import pytest
from sqlalchemy import select

from capindustrie.exports import formats, runs
from capindustrie.extensions import db
from capindustrie.models import (
    ExportKind,
    ExportLock,
    ExportRun,
    ExportStatus,
    OfferStatus,
    utcnow,
)
from capindustrie.scheduler import next_run_times, run_job
from capindustrie.scheduler.jobs import JOBS
from tests.export_helpers import published_offer


@pytest.fixture
def export_dir(tmp_path):
    return tmp_path / "exports"


@pytest.fixture
def app(make_app, export_dir):
    app = make_app(
        EXPORT_DIR=str(export_dir),
        EXPORT_ASYNC=False,
        PUBLIC_BASE_URL="https://capindustrie.seine-et-marne.fr",
    )
    with app.app_context():
        yield app


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: French Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def read_json(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, formats.json_schema())
    return data


def test_full_export_writes_csv_and_json_and_records_the_run(app, export_dir):
    both = published_offer(levels=("3e", "2nde"), title="Élaboration de crèmes glacées")
    only = published_offer(title="Maintenance")
    published_offer(title="Brouillon").status = OfferStatus.DRAFT
    db.session.commit()

    run = runs.run_export(ExportKind.FULL, "cli")

    assert run.status == ExportStatus.SUCCESS, run.error
    assert run.row_count == 3 and run.total_rows == 2 and run.progress_rows == 2
    assert run.finished_at is not None and run.trigger == "cli"
    csv_path, json_path = export_dir / run.csv_file, export_dir / run.json_file
    assert run.csv_sha256 == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert run.json_sha256 == hashlib.sha256(json_path.read_bytes()).hexdigest()
    rows = read_csv(csv_path)
    assert [r["Identifiant (remote_id)"] for r in rows] == [
        f"capindustrie-{both.id}-3e",
        f"capindustrie-{both.id}-2nde",
        f"capindustrie-{only.id}-3e",
    ]
    assert rows[0]["Titre"] == "Élaboration de crèmes glacées"  # accents survive
    assert rows[0]["Lien"] == f"https://capindustrie.seine-et-marne.fr/offres/{both.id}"
    data = read_json(json_path)
    assert data["kind"] == "full" and len(data["offers"]) == 3
    # The stable names MyStage77 picks up are the same bytes.
    assert (export_dir / "offres.csv").read_bytes() == csv_path.read_bytes()
    assert (export_dir / "offres.json").read_bytes() == json_path.read_bytes()
    assert not list(export_dir.glob(".tmp-*"))
    lock = db.session.get(ExportLock, "export")
    assert lock.run_id is None


def reference_files(run) -> tuple[bytes, bytes]:
    """The run's files rebuilt the plain way: every record dict of RecordBuilder.records(),
    encoded one by one (compact JSON, csv_row), in the documented layout."""
    builder = formats.RecordBuilder(runs.permalink_builder())
    records = [
        record
        for batch in runs.iter_offer_batches(run.kind, run.since, 1000)
        for offer in batch
        for record in builder.records(offer)
    ]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(formats.CSV_HEADER)
    writer.writerows(formats.csv_row(record) for record in records)
    header = {
        "format": "capindustrie-offres",
        "version": formats.FORMAT_VERSION,
        "kind": "full",
        "generated_at": formats.iso_utc(run.started_at),
        "since": None,
    }
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    document = (
        json.dumps(header, ensure_ascii=False)[:-1]
        + ', "offers": [\n'
        + ",\n".join(compact(record) for record in records)
        + "\n]}\n"
    )
    return ("\ufeff" + text.getvalue()).encode(), document.encode()


def test_full_export_files_are_the_bytes_of_the_plain_encoding_across_batches(make_app, export_dir):
    app = make_app(EXPORT_DIR=str(export_dir), EXPORT_ASYNC=False, EXPORT_BATCH_SIZE=2)
    with app.app_context():
        published_offer(levels=("3e", "2nde"), title='Usinage ; « fin » et "précis"')
        published_offer(levels=("2nde",), title="Découverte " * 14)  # 154 > 150
        bare = published_offer()
        bare.latitude = bare.longitude = bare.company.presentation = None
        published_offer(levels=("3e", "2nde"), title="Chaudronnerie\r\nsur deux lignes")
        published_offer(title="Brouillon").status = OfferStatus.DRAFT
        db.session.commit()

        run = runs.run_export(ExportKind.FULL, "cli")

        assert run.status == ExportStatus.SUCCESS, run.error
        csv_bytes, json_bytes = reference_files(run)
        assert run.row_count == 6
        assert run.csv_sha256 == hashlib.sha256(csv_bytes).hexdigest()
        assert run.json_sha256 == hashlib.sha256(json_bytes).hexdigest()
        assert (export_dir / run.csv_file).read_bytes() == csv_bytes


def test_incremental_has_creations_changes_and_withdrawals_only(app, export_dir):
    kept = published_offer(title="Inchangée")
    changed = published_offer(title="Avant")
    withdrawn = published_offer(title="Retirée", levels=("3e", "2nde"))
    level_dropped = published_offer(title="Deux niveaux", levels=("3e", "2nde"))
    first = runs.run_export(ExportKind.FULL, "cli", now=utcnow())
    assert first.status == ExportStatus.SUCCESS

    changed.title = "Après"
    withdrawn.status = OfferStatus.CLOSED
    level_dropped.for_2nde = False
    created = published_offer(title="Nouvelle")
    db.session.commit()

    run = runs.run_export(ExportKind.INCREMENTAL, "cli")
    assert run.status == ExportStatus.SUCCESS, run.error
    assert run.since == first.started_at
    data = read_json(export_dir / run.json_file)
    assert data["kind"] == "incremental"
    by_id = {r["remote_id"]: r for r in data["offers"]}
    assert by_id[f"capindustrie-{changed.id}-3e"]["title"] == "Après"
    assert by_id[f"capindustrie-{created.id}-3e"]["action"] == "upsert"
    assert by_id[f"capindustrie-{withdrawn.id}-3e"] == {
        "remote_id": f"capindustrie-{withdrawn.id}-3e",
        "action": "delete",
    }
    assert by_id[f"capindustrie-{withdrawn.id}-2nde"]["action"] == "delete"
    assert by_id[f"capindustrie-{level_dropped.id}-2nde"]["action"] == "delete"
    assert by_id[f"capindustrie-{level_dropped.id}-3e"]["action"] == "upsert"
    assert not any(str(kept.id) == key.split("-")[1] for key in by_id)
    assert run.deleted_count == 4 - 1  # withdrawn 3e + 2nde, dropped 2nde (not 3e: live)
    rows = read_csv(export_dir / run.csv_file)
    assert {r["Action"] for r in rows} == {"publication", "suppression"}
    # An incremental run never replaces the full files MyStage77 picks up.
    assert (export_dir / "offres.csv").read_bytes() == (export_dir / first.csv_file).read_bytes()


def test_incremental_sees_seat_and_programme_changes(app, export_dir):
    offer = published_offer(title="Places")
    first = runs.run_export(ExportKind.FULL, "cli")
    assert first.status == ExportStatus.SUCCESS
    offer.periods[0].seats_taken = 1
    db.session.commit()
    run = runs.run_export(ExportKind.INCREMENTAL, "cli")
    [record] = read_json(export_dir / run.json_file)["offers"]
    assert record["max_candidates"] == 3


def test_warnings_of_fallbacks_are_recorded_on_the_run(app, export_dir):
    offer = published_offer(title=("Atelier " * 20)[:160])
    offer.latitude = offer.longitude = None
    offer.company.presentation = None
    db.session.commit()
    run = runs.run_export(ExportKind.FULL, "cli")
    warnings = runs.run_warnings(run)
    assert run.status == ExportStatus.SUCCESS
    assert any("titre de" in w for w in warnings)
    assert any("pas de coordonnées" in w for w in warnings)
    assert any("pas de présentation" in w for w in warnings)


def test_a_second_claim_is_refused_while_a_run_holds_the_lock(app):
    holder = runs.claim_run(ExportKind.FULL, "staff")
    with pytest.raises(runs.ExportAlreadyRunning) as refused:
        runs.claim_run(ExportKind.FULL, "staff")
    assert f"n° {holder.id}" in str(refused.value)
    assert db.session.scalar(select(db.func.count(ExportRun.id))) == 1  # nothing half-saved
    runs.execute_run(holder.id)
    assert runs.claim_run(ExportKind.FULL, "staff").id != holder.id


def test_two_simultaneous_triggers_make_one_run(app, make_app, export_dir):
    published_offer()
    apps = [make_app(EXPORT_DIR=str(export_dir), EXPORT_ASYNC=False) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def trigger(other_app):
        with other_app.app_context():
            barrier.wait()
            try:
                run = runs.run_export(ExportKind.FULL, "staff")
                outcomes.append(("ran", run.status))
            except runs.ExportAlreadyRunning:
                outcomes.append(("refused", None))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=trigger, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for other in apps:  # each app has its own connection pool
        with other.app_context():
            db.engine.dispose()
    db.session.expire_all()
    started = db.session.scalars(select(ExportRun)).all()
    # Either the second was refused while the first ran, or it came after the first finished:
    # never two runs at once (every run's window is disjoint from the other's).
    assert len(outcomes) == 2
    if ("refused", None) in outcomes:
        assert len(started) == 1
    else:
        first, second = sorted(started, key=lambda r: r.id)
        assert first.finished_at <= second.started_at + timedelta(seconds=1)
    assert all(r.status == ExportStatus.SUCCESS for r in started)


def test_a_killed_run_is_failed_by_the_next_which_completes(app, export_dir):
    published_offer()
    good = runs.run_export(ExportKind.FULL, "cli")
    good_bytes = (export_dir / "offres.csv").read_bytes()
    killed = runs.claim_run(ExportKind.FULL, "nightly")
    partial = export_dir / f".tmp-{killed.id}-offres-partial.csv"
    partial.write_bytes(b"\xef\xbb\xbfIdentifiant;Act")  # the process died mid-file
    lock = db.session.get(ExportLock, "export")
    lock.heartbeat_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    assert (export_dir / "offres.csv").read_bytes() == good_bytes
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.SUCCESS
    db.session.refresh(killed)
    assert killed.status == ExportStatus.FAILED
    assert "interrompu" in killed.error
    assert not partial.exists()
    assert good.status == ExportStatus.SUCCESS


def test_unwritable_directory_fails_the_run_and_keeps_the_last_good_file(
    app, export_dir, monkeypatch
):
    published_offer()
    good = runs.run_export(ExportKind.FULL, "cli")
    before = (export_dir / "offres.csv").read_bytes()
    export_dir.chmod(0o500)
    if os.geteuid() == 0:  # root ignores the mode: refuse the way the kernel would

        def refuse(path, *args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(runs, "open", refuse, raising=False)
    try:
        run = runs.run_export(ExportKind.FULL, "cli")
    finally:
        export_dir.chmod(0o700)
        monkeypatch.undo()
    assert run.status == ExportStatus.FAILED
    assert "non accessible en écriture" in run.error
    assert (export_dir / "offres.csv").read_bytes() == before
    assert good.status == ExportStatus.SUCCESS
    assert runs.run_export(ExportKind.FULL, "cli").status == ExportStatus.SUCCESS


def test_disk_full_fails_the_run_removes_temporaries_and_keeps_the_last_good_file(
    app, export_dir, monkeypatch
):
    for n in range(3):
        published_offer(title=f"Offre {n}")
    runs.run_export(ExportKind.FULL, "cli")
    before = (export_dir / "offres.json").read_bytes()
    real_write = runs._HashingFile.write
    written = {"bytes": 0}

    def write_until_full(self, text):
        written["bytes"] += len(text)
        if written["bytes"] > 3000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, text)

    monkeypatch.setattr(runs._HashingFile, "write", write_until_full)
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.FAILED
    assert run.error == "Disque plein : le fichier d'export n'a pas pu être écrit."
    assert run.csv_file is None
    assert (export_dir / "offres.json").read_bytes() == before
    assert not list(export_dir.glob(".tmp-*"))
    assert db.session.get(ExportLock, "export").run_id is None
    monkeypatch.undo()
    assert runs.run_export(ExportKind.FULL, "cli").status == ExportStatus.SUCCESS


def test_nightly_job_runs_a_full_export_at_04_15_paris(app, export_dir):
    job = JOBS["mystage77_export"]
    assert job.trigger.fields == {"hour": 4, "minute": 15}
    winter = datetime.fromisoformat("2026-12-01T22:00:00+01:00")
    summer = datetime.fromisoformat("2027-07-01T05:00:00+02:00")
    nexts = {name: when for name, _job, when in next_run_times(winter)}
    assert nexts["mystage77_export"].isoformat() == "2026-12-02T04:15:00+01:00"
    nexts = {name: when for name, _job, when in next_run_times(summer)}
    assert nexts["mystage77_export"].isoformat() == "2027-07-02T04:15:00+02:00"

    published_offer()
    frozen = datetime(2026, 12, 2, 3, 15)  # 04:15 in Paris, naive UTC as jobs receive it
    outcome = run_job(app, "mystage77_export", now=frozen)
    assert outcome.ok, outcome.error
    run = db.session.scalar(select(ExportRun))
    assert run.trigger == "nightly" and run.kind == ExportKind.FULL
    assert run.started_at == frozen and run.status == ExportStatus.SUCCESS
    assert run.csv_file.endswith("-full-20261202T031500Z.csv")


def test_nightly_job_is_harmless_while_another_run_holds_the_claim(app):
    holder = runs.claim_run(ExportKind.FULL, "staff")
    message = runs.nightly_export(now=utcnow())
    assert "déjà en cours" in message
    assert db.session.scalar(select(db.func.count(ExportRun.id))) == 1
    runs.execute_run(holder.id)


def test_cli_export_run_full_and_incremental(app, export_dir):
    published_offer()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "run"])
    assert result.exit_code == 0, result.output
    assert "réussi : 1 ligne(s)" in result.output
    result = runner.invoke(args=["export", "run", "--incremental"])
    assert result.exit_code == 0, result.output
    runs_ = db.session.scalars(select(ExportRun).order_by(ExportRun.id)).all()
    assert [r.kind for r in runs_] == [ExportKind.FULL, ExportKind.INCREMENTAL]
    assert runs_[1].row_count == 0
