"""Staff export pages: trigger, refusal of a second run, progress (HTMX and plain), history,
downloads; only staff reach them. The schema and format documentation are public."""

import csv
import html
import io

import jsonschema
import pytest
from sqlalchemy import select

from capindustrie.exports import runs
from capindustrie.extensions import db
from capindustrie.models import ExportKind, ExportRun, ExportStatus, Role
from tests import factories as f
from tests.export_helpers import published_offer
from tests.factories import login

HX = {"HX-Request": "true"}


@pytest.fixture
def export_dir(tmp_path):
    return tmp_path / "exports"


@pytest.fixture
def app(make_app, export_dir):
    app = make_app(EXPORT_DIR=str(export_dir), EXPORT_ASYNC=False)
    with app.app_context():
        yield app


@pytest.fixture
def staff(app):
    user = f.user(Role.STAFF, first_name="Claire", last_name="Agent")
    db.session.commit()
    return user


@pytest.fixture
def staff_client(client, staff):
    login(client, staff)
    return client


def test_staff_triggers_an_export_and_downloads_the_csv(staff_client, staff, export_dir):
    offer = published_offer(title="Découverte de la chaudronnerie")
    page = staff_client.get("/export/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Aucun export pour l'instant." in html
    assert "Prochain export planifié" in html
    assert 'href="/export/format"' in html and 'href="/export/schema/v1.json"' in html

    response = staff_client.post("/export/lancer", data={"kind": "full"})
    assert response.status_code == 303
    run = db.session.scalar(select(ExportRun))
    assert response.headers["Location"].endswith(f"/export/executions/{run.id}")
    assert run.trigger == "staff" and run.triggered_by_id == staff.id
    assert run.status == ExportStatus.SUCCESS

    detail = staff_client.get(f"/export/executions/{run.id}").get_data(as_text=True)
    assert "Réussi" in detail and "Télécharger le CSV" in detail
    assert "Claire Agent" in detail

    download = staff_client.get(f"/export/executions/{run.id}/fichier.csv")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    text = download.get_data().decode("utf-8-sig")
    download.close()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["Titre"] == "Découverte de la chaudronnerie"
    assert rows[0]["Identifiant (remote_id)"] == f"capindustrie-{offer.id}-3e"
    with staff_client.get(f"/export/executions/{run.id}/fichier.json") as as_json:
        assert as_json.status_code == 200 and as_json.mimetype == "application/json"

    history = staff_client.get("/export/").get_data(as_text=True)
    assert f"/export/executions/{run.id}/fichier.csv" in history
    assert "1 réussi, 0 échoué" in history


def test_a_second_trigger_while_one_runs_is_refused_with_a_message(staff_client):
    holder = runs.claim_run(ExportKind.FULL, "nightly")
    response = staff_client.post("/export/lancer", data={"kind": "incremental"}, headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Un export est déjà en cours" in html
    assert f"/export/executions/{holder.id}" in html
    assert db.session.scalar(select(db.func.count(ExportRun.id))) == 1
    plain = staff_client.post("/export/lancer", data={"kind": "full"})
    assert plain.status_code == 422 and "<h1>" in plain.get_data(as_text=True)


def test_an_unknown_kind_is_refused_in_french(staff_client):
    response = staff_client.post("/export/lancer", data={"kind": "tout"})
    assert response.status_code == 422
    assert "Type d'export inconnu" in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(db.func.count(ExportRun.id))) == 0


def test_trigger_needs_the_csrf_token(staff_client):
    response = staff_client.post("/export/lancer", data={"kind": "full"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(ExportRun.id))) == 0


def test_progress_polls_while_running_and_stops_when_done(staff_client):
    published_offer()
    run = runs.claim_run(ExportKind.FULL, "staff")
    run.total_rows, run.progress_rows = 20, 7
    db.session.commit()
    fragment = staff_client.get(f"/export/executions/{run.id}/progression", headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<h1>" not in html  # a fragment for htmx
    assert 'hx-trigger="every 1s"' in html
    assert "Offres traitées : 7 sur 20" in html
    assert "Actualiser la progression" in html  # the path without JavaScript
    page = staff_client.get(f"/export/executions/{run.id}/progression")
    assert "<h1>Export n°" in page.get_data(as_text=True)

    runs.execute_run(run.id)
    done = staff_client.get(f"/export/executions/{run.id}/progression", headers=HX)
    html = done.get_data(as_text=True)
    assert "hx-trigger" not in html
    assert "Télécharger le CSV" in html


def test_a_failed_run_shows_its_reason_and_no_download(staff_client, monkeypatch):
    published_offer()

    def broken(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", "/srv/exports")

    monkeypatch.setattr(runs, "_Writers", broken)
    run = runs.run_export(ExportKind.FULL, "staff")
    html = staff_client.get(f"/export/executions/{run.id}").get_data(as_text=True)
    assert "Échoué" in html and "non accessible en écriture" in html
    assert staff_client.get(f"/export/executions/{run.id}/fichier.csv").status_code == 404


@pytest.mark.parametrize("role", [Role.COMPANY, Role.PUPIL, Role.TEACHER])
def test_other_roles_are_refused_everywhere(app, client, role):
    published_offer()
    run = runs.run_export(ExportKind.FULL, "cli")
    if role == Role.PUPIL:
        teacher = f.user(Role.TEACHER)
        user = f.pupil(f.school_class(teacher)).user
    else:
        user = f.user(role)
    login(client, user)
    for url in (
        "/export/",
        f"/export/executions/{run.id}",
        f"/export/executions/{run.id}/progression",
        f"/export/executions/{run.id}/fichier.csv",
        f"/export/executions/{run.id}/fichier.json",
        "/export/envois",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/export/lancer", data={"kind": "full"}).status_code == 403
    assert db.session.scalar(select(db.func.count(ExportRun.id))) == 1


def test_anonymous_is_sent_to_login(app, client):
    run = runs.run_export(ExportKind.FULL, "cli")
    for url in ("/export/", f"/export/executions/{run.id}/fichier.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_schema_and_format_doc_are_public(client):
    with client.get("/export/schema/v1.json") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/schema+json"
        schema = response.get_json(force=True)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/export/schema/v1.json")
    doc = client.get("/export/format")
    assert doc.status_code == 200 and "remote_id" in doc.get_data(as_text=True)


def test_unknown_run_is_404_for_staff(staff_client):
    assert staff_client.get("/export/executions/999").status_code == 404
    assert staff_client.get("/export/executions/999/fichier.csv").status_code == 404
