"""« Mes données » (issue 14): each role reads and downloads what the service holds about them
and nothing of anyone else; a pupil's data is for them and their teacher only; teachers and
company users close their account, except while a placement of theirs is in progress."""

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.audit.services import record
from capindustrie.extensions import db
from capindustrie.models import (
    Offer,
    OfferReport,
    OfferStatus,
    Placement,
    ProgrammeFollowed,
    PupilFeedback,
    PupilWish,
    ReportReason,
    Role,
    User,
)
from capindustrie.privacy import services
from tests import convention_helpers as conv
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import application_in, published_period


@pytest.fixture
def world(app):
    """Two classes with their teachers; Léa (3e B) validated at « Mécanique de la Brie », her
    classmate Inès applied there too; Tom, of another teacher's class, applied to another
    company."""
    host = conv.host_company_user()
    teacher = f.user(Role.TEACHER, first_name="Paul", last_name="Lenoir")
    klass = f.school_class(teacher)
    lea = f.pupil(klass, first_name="Léa", last_name="Durand", birth_date=date(2012, 5, 3))
    ines = f.pupil(klass, first_name="Inès", last_name="Roy")
    period = published_period(host.company)
    validated = application_in(lea, period, S.VALIDATED)
    application_in(ines, period, S.SUBMITTED)
    placement = db.session.scalar(select(Placement).where(Placement.application_id == validated.id))
    conv.complete(placement)
    db.session.add(PupilWish(pupil_id=lea.id, rank=1, offer_id=period.offer_id))
    db.session.add(
        PupilFeedback(
            placement_id=placement.id,
            desire_before=2,
            desire_after=4,
            programme_followed=ProgrammeFollowed.PARTLY,
            liked="Le tour de l'atelier.",
        )
    )
    db.session.add(
        OfferReport(
            offer_id=period.offer_id,
            reason=ReportReason.WRONG_ADDRESS,
            comment="Le site a déménagé.",
            reporter_id=lea.user_id,
        )
    )

    other_teacher = f.user(Role.TEACHER, first_name="Yves", last_name="Autre")
    other_class = f.school_class(other_teacher, name="3e C")
    tom = f.pupil(other_class, first_name="Tom", last_name="Berger")
    other_company = f.user(Role.COMPANY, first_name="Rita", last_name="Ailleurs")
    application_in(tom, published_period(other_company.company, title="Chaudronnerie"), S.SUBMITTED)
    staff = f.user(Role.STAFF, first_name="Sam", last_name="Agent")
    other_staff = f.user(Role.STAFF, first_name="Noé", last_name="Collègue")
    record(staff, "export.run", None, "Export du lundi")
    record(other_staff, "export.run", None, "Export de quelqu'un d'autre")
    db.session.commit()
    return {
        "host": host,
        "teacher": teacher,
        "lea": lea,
        "ines": ines,
        "tom": tom,
        "other_teacher": other_teacher,
        "other_company": other_company,
        "staff": staff,
    }


def download(client, user, url="/mes-donnees/mes-donnees.json"):
    login(client, user)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True), json.loads(response.get_data(as_text=True))


def test_a_pupil_downloads_their_own_data_and_nothing_of_others(client, world):
    text, data = download(client, world["lea"].user)

    sections = data["sections"]
    assert sections["profil"]["elements"][0]["Prénom"] == "Léa"
    assert sections["classe"]["elements"][0]["Date de naissance"] == "2012-05-03"
    (application,) = sections["candidatures"]["elements"]
    assert application["Statut"] == "Validée par le professeur"
    assert application["Entreprise"] == "Mécanique de la Brie"
    assert application["Période"] == "du 11 janvier 2027 au 15 janvier 2027"
    assert sections["convention"]["elements"][0]["Représentant légal 1"] == "Nadia Durand"
    assert sections["voeux"]["elements"][0]["Rang"] == 1
    assert len(sections["stages"]["elements"]) == 1
    (feedback,) = sections["avis"]["elements"]
    assert (
        feedback["Envie après le stage (1 à 5)"] == 4 and feedback["Programme suivi"] == "En partie"
    )
    assert feedback["Ce que tu as aimé"] == "Le tour de l'atelier."
    (report,) = sections["signalements"]["elements"]
    assert report["Motif"] == "Adresse erronée" and report["Commentaire"] == "Le site a déménagé."
    for other in ("Inès", "Roy", "Tom", "Berger", "Chaudronnerie", "Lenoir", "Hugo"):
        assert other not in text, other
    assert (
        'filename="mes-donnees-cap-industrie.json"'
        in (client.get("/mes-donnees/mes-donnees.json").headers["Content-Disposition"])
    )


def test_the_page_shows_the_same_data_readably(client, world):
    login(client, world["lea"].user)
    page = client.get("/mes-donnees/").get_data(as_text=True)
    assert "<h1>Mes données</h1>" in page
    assert "Nadia Durand" in page and "3 mai 2012" in page
    assert "Télécharger mes données (JSON)" in page
    assert "31 juillet" in page  # the retention table
    assert "Fermer mon compte" not in page  # pupils do not close their account themselves
    assert 'href="/mes-donnees/"' in page  # the account menu and the footer link to it


def test_a_company_user_sees_received_applications_with_what_a_company_may_see(client, world):
    text, data = download(client, world["host"])

    sections = data["sections"]
    assert sections["entreprise"]["elements"][0]["Raison sociale"] == "Mécanique de la Brie"
    received = sections["candidatures_recues"]["elements"]
    assert sorted(row["Élève"] for row in received) == ["Inès R.", "Léa D."]
    assert {row["Classe"] for row in received} == {"3e B"}
    assert len(sections["offres"]["elements"]) == 1
    hidden_words = (
        "Durand",
        "Roy",
        "2012",
        "eleve.",
        "Nadia",
        "Tom",
        "Chaudronnerie",
        "Rita",
        "tour de l'atelier",
    )  # a pupil's feedback never reaches the company
    for hidden in hidden_words:
        assert hidden not in text, hidden


def test_a_teacher_sees_their_classes_without_the_pupils_data(client, world):
    text, data = download(client, world["teacher"])

    (klass,) = data["sections"]["classes"]["elements"]
    assert klass["Classe"] == "3e B" and klass["Nombre d'élèves"] == 2
    assert data["sections"]["profil"]["elements"][0]["Nom"] == "Lenoir"
    # The e-mails the teacher received name their pupils (« Léa D. »): those were sent to
    # them. Nothing else of the pupils is theirs.
    emails = data["sections"].pop("e_mails")["elements"]
    assert emails and all("Objet" in row for row in emails)
    rest = json.dumps(data, ensure_ascii=False)
    for hidden in ("Léa", "Inès", "Tom", "3e C", "Nadia"):
        assert hidden not in rest, hidden
    assert "Durand" not in text and "Tom" not in text


def test_staff_see_their_own_audit_entries(client, world):
    text, data = download(client, world["staff"])

    (entry,) = data["sections"]["journal"]["elements"]
    assert entry["Motif"] == "Export du lundi"
    assert "quelqu'un d'autre" not in text and "Collègue" not in text


# A pupil's data: the pupil and their teacher only ---------------------------------------------


def test_the_teacher_of_the_class_sees_a_pupils_data(client, world):
    lea = world["lea"]
    login(client, world["teacher"])
    page = client.get(f"/mes-donnees/eleve/{lea.id}")
    assert page.status_code == 200
    assert "Léa Durand" in page.get_data(as_text=True)
    text, data = download(client, world["teacher"], f"/mes-donnees/eleve/{lea.id}.json")
    assert data["sections"]["convention"]["elements"][0]["Représentant légal 1"] == "Nadia Durand"
    assert "Inès" not in text and "Tom" not in text


def test_the_class_page_links_each_pupils_data(client, world):
    from flask import url_for

    lea = world["lea"]
    login(client, world["teacher"])
    with client.application.test_request_context():
        class_url = url_for("classes.detail", class_id=lea.class_id)
    page = client.get(class_url).get_data(as_text=True)
    assert f'href="/mes-donnees/eleve/{lea.id}"' in page
    assert 'Données<span class="visually-hidden"> de Léa Durand</span>' in page


@pytest.mark.parametrize("who", ["other_teacher", "host", "tom", "staff"])
@pytest.mark.parametrize("suffix", ["", ".json"])
def test_no_one_else_sees_a_pupils_data(client, world, who, suffix):
    user = world[who] if isinstance(world[who], User) else world[who].user
    login(client, user)
    response = client.get(f"/mes-donnees/eleve/{world['lea'].id}{suffix}")
    assert response.status_code == (404 if who == "other_teacher" else 403)
    assert "Durand" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for url in ("/mes-donnees/", "/mes-donnees/mes-donnees.json", "/mes-donnees/fermer-mon-compte"):
        assert client.get(url).status_code == 302


# Closing an account ---------------------------------------------------------------------------


def test_closure_is_refused_while_a_placement_is_in_progress(client, world):
    host = world["host"]
    login(client, host)
    page = client.get("/mes-donnees/fermer-mon-compte").get_data(as_text=True)
    assert "un stage de votre entreprise est en cours" in page
    assert "vendredi 15 janvier 2027" in page

    response = client.post(
        "/mes-donnees/fermer-mon-compte",
        data={"understood": "y", "password": f.PASSWORD},
    )

    assert response.status_code == 409
    assert "Vous ne pouvez pas fermer votre compte maintenant" in response.get_data(as_text=True)
    db.session.expire_all()
    assert host.deleted_at is None and host.email == "atelier@exemple.fr"
    # Same for the teacher of the pupil's class.
    login(client, world["teacher"])
    assert (
        client.post(
            "/mes-donnees/fermer-mon-compte", data={"understood": "y", "password": f.PASSWORD}
        ).status_code
        == 409
    )


def test_a_finished_placement_no_longer_blocks(world):
    after = datetime(2027, 1, 16, 10)
    assert services.closure_refusal(world["host"], datetime(2027, 1, 15, 10)) is not None
    assert services.closure_refusal(world["host"], after) is None


def test_closure_needs_the_box_and_the_password(client, world):
    user = world["other_teacher"]
    login(client, user)
    no_box = client.post("/mes-donnees/fermer-mon-compte", data={"password": f.PASSWORD})
    wrong = client.post(
        "/mes-donnees/fermer-mon-compte", data={"understood": "y", "password": "mauvais"}
    )
    assert no_box.status_code == wrong.status_code == 422
    assert "Cochez la case pour confirmer la fermeture." in no_box.get_data(as_text=True)
    assert "Le mot de passe est incorrect." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert user.deleted_at is None


def test_a_company_user_closes_their_account_and_is_logged_out(client, world):
    user = world["other_company"]
    offer = db.session.scalar(select(Offer).where(Offer.company_id == user.company_id))
    login(client, user)

    response = client.post(
        "/mes-donnees/fermer-mon-compte", data={"understood": "y", "password": f.PASSWORD}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert user.deleted_at is not None and user.email is None and not user.active
    assert user.first_name == "Compte" and user.last_name == "supprimé"
    # Its last user gone, the company's published offer stops taking applications.
    assert offer.status == OfferStatus.CLOSED
    assert client.get("/mes-donnees/").status_code == 302  # logged out


def test_pupils_and_staff_cannot_close_their_account(client, world):
    login(client, world["lea"].user)
    page = client.get("/mes-donnees/fermer-mon-compte").get_data(as_text=True)
    assert "31 juillet" in page and "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    response = client.post(
        "/mes-donnees/fermer-mon-compte", data={"understood": "y", "password": f.PASSWORD}
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert world["lea"].user.deleted_at is None
