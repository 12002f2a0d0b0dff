"""A teacher's classes: creation and edition (names, levels, school years, internship dates),
co-teachers, and the authorisation of every class route: a teacher never sees nor touches
another teacher's class or pupils (404), the other roles are refused (403), the anonymous are
sent to the login page."""

import html
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from flask import url_for
from sqlalchemy import func, select

from capindustrie.classes import services as class_services
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    Level,
    OfferStatus,
    Pupil,
    Role,
    School,
    SchoolClass,
    User,
    utcnow,
)
from tests import factories
from tests.factories import login


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield




def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def teacher(app):
    user = factories.user(Role.TEACHER, first_name="Anne", last_name="Prof",
                          email="anne.prof@ac-creteil.fr")
    db.session.commit()
    return user


def class_form(**overrides) -> dict:
    data = {"name": "3e B", "level": "3e", "school_year": "2026", "internship_start": "",
            "internship_end": ""}
    return {**data, **overrides}


def classes_named(name: str) -> list[SchoolClass]:
    return list(db.session.scalars(select(SchoolClass).where(SchoolClass.name == name)))


# --- Creating and editing classes ------------------------------------------------------------


def test_new_class_form_offers_the_current_and_next_school_year(teacher_client):
    page = teacher_client.get("/classes/nouvelle")
    assert page.status_code == 200
    body = text(page)
    assert '<option selected value="2026">2026-2027</option>' in body
    assert '<option value="2027">2027-2028</option>' in body
    assert "2025-2026" not in body
    # The allowed 3e span and the national fortnight are told before the teacher types.
    assert "entre le 7 septembre 2026 et le 28 mai 2027" in body
    assert "du 14 juin 2027 au 25 juin 2027" in body


def test_create_a_3e_class_with_its_week(teacher_client, teacher):
    response = teacher_client.post("/classes/nouvelle", data=class_form(
        internship_start="2027-01-11", internship_end="2027-01-15"))

    [klass] = classes_named("3e B")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/classes/{klass.id}"
    assert (klass.level, klass.school_year, klass.school_id) == (Level.TROISIEME, 2026,
                                                                 teacher.school_id)
    assert (klass.internship_start, klass.internship_end) == (date(2027, 1, 11), date(2027, 1, 15))
    assert klass.teachers == [teacher]
    page = text(teacher_client.get(response.headers["Location"]))
    assert "du lundi 11 janvier 2027 au vendredi 15 janvier 2027" in page


def test_3e_dates_may_be_left_for_later_and_span_up_to_three_weeks(teacher_client):
    assert teacher_client.post("/classes/nouvelle", data=class_form()).status_code == 303
    assert classes_named("3e B")[0].internship_start is None
    three_weeks = class_form(name="3e C", internship_start="2027-01-11",
                             internship_end="2027-01-29")
    assert teacher_client.post("/classes/nouvelle", data=three_weeks).status_code == 303


def test_a_2nde_class_gets_the_national_fortnight_by_default(teacher_client):
    response = teacher_client.post("/classes/nouvelle",
                                   data=class_form(name="2nde 4", level="2nde"))
    assert response.status_code == 303
    [klass] = classes_named("2nde 4")
    assert (klass.internship_start, klass.internship_end) == (date(2027, 6, 14), date(2027, 6, 25))
    # Next school year: the national rule when no dates are configured.
    teacher_client.post("/classes/nouvelle",
                        data=class_form(name="2nde 5", level="2nde", school_year="2027"))
    [later] = classes_named("2nde 5")
    assert (later.internship_start, later.internship_end) == (date(2028, 6, 19), date(2028, 6, 30))


def test_a_2nde_class_may_take_one_week_of_the_fortnight(teacher_client):
    response = teacher_client.post("/classes/nouvelle", data=class_form(
        name="2nde 4", level="2nde", internship_start="2027-06-21", internship_end="2027-06-25"))
    assert response.status_code == 303


@pytest.mark.parametrize("overrides, message", [
    ({"internship_start": "2027-01-12", "internship_end": "2027-01-15"},
     "Le stage commence un lundi : le mardi 12 janvier 2027 n'en est pas un."),
    ({"internship_start": "2027-01-11", "internship_end": "2027-01-14"},
     "Le stage finit un vendredi : le jeudi 14 janvier 2027 n'en est pas un."),
    ({"internship_start": "2027-01-11", "internship_end": "2027-02-05"},
     "ou au plus 3 semaines consécutives"),
    ({"internship_start": "2027-06-07", "internship_end": "2027-06-11"},
     "en 2026-2027, du lundi 7 septembre 2026 au vendredi 28 mai 2027"),
    ({"internship_start": "2027-01-15", "internship_end": "2027-01-11"},
     "La date de fin doit être après la date de début."),
    ({"internship_start": "2027-01-11"},
     "Indiquez le premier et le dernier jour du stage, ou aucun des deux."),
    ({"internship_start": "11/01/27"}, "Date invalide : écrivez-la JJ/MM/AAAA"),
    ({"level": "2nde", "internship_start": "2027-06-07", "internship_end": "2027-06-18"},
     "Pour la 2nde, le stage a lieu pendant la quinzaine nationale, du lundi 14 juin 2027"),
    ({"name": ""}, "Indiquez le nom de la classe"),
    ({"name": "x" * 41}, "40 caractères au maximum."),
    ({"school_year": "2025"}, "Choisissez l'année scolaire dans la liste."),
    ({"school_year": "deux mille"}, "Choisissez l'année scolaire dans la liste."),
    ({"level": "cm2"}, "Choisissez le niveau dans la liste : 3e ou 2nde."),
])
def test_class_form_refusals(teacher_client, overrides, message):
    response = teacher_client.post("/classes/nouvelle", data=class_form(**overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(select(func.count(SchoolClass.id))) == 0


def test_every_refusal_is_shown_at_once(teacher_client):
    response = teacher_client.post("/classes/nouvelle", data=class_form(
        name="", internship_start="2027-01-12", internship_end="2027-01-15"))
    assert response.status_code == 422
    body = text(response)
    assert "Indiquez le nom de la classe" in body
    assert "Le stage commence un lundi" in body


def test_class_name_is_unique_per_school_and_year_whatever_the_spelling(teacher_client, teacher):
    factories.school_class(teacher, name="3e B")
    colleague = factories.user(Role.TEACHER)  # same school
    factories.school_class(colleague, name="3e A")
    db.session.commit()

    for name in ("3e B", "3E b", " 3e  B ", "3e A"):
        response = teacher_client.post("/classes/nouvelle", data=class_form(name=name))
        assert response.status_code == 422, name
        assert "L'établissement a déjà une classe" in text(response)
    # Another school year, or another school: the name is free.
    assert teacher_client.post("/classes/nouvelle",
                               data=class_form(school_year="2027")).status_code == 303
    elsewhere = factories.user(Role.TEACHER, school_obj=other_school())
    db.session.commit()
    login(teacher_client, elsewhere)
    assert teacher_client.post("/classes/nouvelle", data=class_form()).status_code == 303


def test_edit_class(teacher_client, teacher):
    klass = factories.school_class(teacher)
    db.session.commit()
    page = teacher_client.get(f"/classes/{klass.id}/modifier")
    assert page.status_code == 200 and 'value="3e B"' in page.get_data(as_text=True)

    response = teacher_client.post(f"/classes/{klass.id}/modifier", data=class_form(
        name="3e Bleue", internship_start="2027-02-01", internship_end="2027-02-05"))

    assert response.status_code == 303
    db.session.refresh(klass)
    assert (klass.name, klass.internship_start) == ("3e Bleue", date(2027, 2, 1))
    # Keeping its own name is not a duplicate.
    assert teacher_client.post(f"/classes/{klass.id}/modifier",
                               data=class_form(name="3e Bleue")).status_code == 303


def test_level_cannot_change_once_pupils_applied(teacher_client, teacher):
    klass = factories.school_class(teacher)
    pupil = factories.pupil(klass)
    offer = factories.complete_offer(status=OfferStatus.PUBLISHED)
    db.session.add(Application(pupil=pupil, period=offer.periods[0], message="Bonjour"))
    db.session.commit()

    response = teacher_client.post(f"/classes/{klass.id}/modifier",
                                   data=class_form(level="2nde"))

    assert response.status_code == 422
    assert "son niveau et son année scolaire ne peuvent plus changer" in text(response)
    db.session.refresh(klass)
    assert klass.level == Level.TROISIEME
    renamed = teacher_client.post(f"/classes/{klass.id}/modifier", data=class_form(name="3e B2"))
    assert renamed.status_code == 303


def test_index_lists_only_my_classes_with_pupil_counts(teacher_client, teacher):
    mine = factories.school_class(teacher, name="3e B")
    factories.pupil(mine)
    factories.pupil(mine, first_name="Yanis", last_name="Benali")
    factories.school_class(teacher, name="3e C")
    stranger = factories.user(Role.TEACHER)
    factories.school_class(stranger, name="3e Z")
    db.session.commit()

    body = text(teacher_client.get("/classes/"))

    assert "3e B" in body and "2 élèves" in body
    assert "3e C" in body and "0 élève" in body
    assert "3e Z" not in body
    assert '<a href="/classes/">Mes classes</a>' in body


def test_detail_lists_the_pupils_and_their_actions(teacher_client, teacher):
    klass = factories.school_class(teacher)
    pupil = factories.pupil(klass, birth_date=date(2012, 3, 14))
    db.session.commit()
    body = text(teacher_client.get(f"/classes/{klass.id}"))
    assert "Durand Léa" in body and pupil.user.username in body and "14 mars 2012" in body
    for url in (f"/classes/eleves/{pupil.id}/mot-de-passe", f"/classes/eleves/{pupil.id}/classe",
                f"/classes/eleves/{pupil.id}/supprimer", f"/classes/{klass.id}/import",
                f"/classes/{klass.id}/eleves/nouveau"):
        assert f'href="{url}"' in body
    if "placements.class_dashboard" in teacher_client.application.view_functions:
        assert f'href="/classes/{klass.id}/suivi"' in body


# --- Co-teachers -----------------------------------------------------------------------------


def other_school() -> School:
    return db.session.scalar(select(School).where(School.uai != "0770002J").order_by(School.uai))


def test_add_a_colleague_of_the_same_school(teacher_client, teacher, app):
    klass = factories.school_class(teacher)
    colleague = factories.user(Role.TEACHER, email="paul.collegue@ac-creteil.fr",
                               first_name="Paul", last_name="Collègue")
    db.session.commit()

    response = teacher_client.post(f"/classes/{klass.id}/collegues",
                                   data={"email": " Paul.Collegue@AC-CRETEIL.fr "})

    assert response.status_code == 303
    db.session.refresh(klass)
    assert {t.id for t in klass.teachers} == {teacher.id, colleague.id}
    colleague_client = app.test_client()
    login(colleague_client, colleague)
    assert colleague_client.get(f"/classes/{klass.id}").status_code == 200
    assert "3e B" in text(colleague_client.get("/classes/"))


@pytest.mark.parametrize("who", ["other school", "unknown", "company user", "already", "third"])
def test_colleague_refusals(teacher_client, teacher, who):
    klass = factories.school_class(teacher)
    email = "x.y@ac-creteil.fr"
    message = "Aucun professeur de l'établissement"
    if who == "other school":
        factories.user(Role.TEACHER, email=email, school_obj=other_school())
    elif who == "company user":
        factories.user(Role.COMPANY, email=email)
    elif who == "already":
        email, message = teacher.email, "est déjà professeur de cette classe"
    elif who == "third":
        klass.teachers.append(factories.user(Role.TEACHER))
        factories.user(Role.TEACHER, email=email)
        message = "Une classe a au plus 2 professeurs"
    db.session.commit()
    before = len(klass.teachers)

    response = teacher_client.post(f"/classes/{klass.id}/collegues", data={"email": email})

    assert response.status_code == 422
    assert message in text(response)
    db.session.refresh(klass)
    assert len(klass.teachers) == before


def test_remove_a_colleague_but_never_the_last_teacher(teacher_client, teacher):
    klass = factories.school_class(teacher)
    colleague = factories.user(Role.TEACHER)
    klass.teachers.append(colleague)
    db.session.commit()

    response = teacher_client.post(f"/classes/{klass.id}/professeurs/{colleague.id}/retirer")
    assert response.status_code == 303
    db.session.refresh(klass)
    assert klass.teachers == [teacher]
    alone = teacher_client.post(f"/classes/{klass.id}/professeurs/{teacher.id}/retirer")
    assert alone.status_code == 422
    assert "Une classe garde au moins un professeur." in text(alone)
    assert teacher_client.post(
        f"/classes/{klass.id}/professeurs/{colleague.id}/retirer").status_code == 404


# --- Authorisation ---------------------------------------------------------------------------


def class_routes(app) -> list[tuple[str, str, str]]:
    return sorted(
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("classes.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.fixture
def foreign(app):
    """Another teacher of the same school, with a class, a pupil and the pupil's login slip."""
    owner = factories.user(Role.TEACHER, first_name="Autre", last_name="Prof")
    klass = factories.school_class(owner, name="3e Z")
    pupil = factories.pupil(klass, first_name="Zoé", last_name="Secret")
    batch = class_services.keep_slips(
        app.config["SECRET_KEY"], klass, owner,
        [class_services.NewAccount(pupil, "castor-tulipe-violon-47")], utcnow(),
    )
    db.session.commit()
    return {"class_id": klass.id, "pupil_id": pupil.id, "user_id": owner.id,
            "batch_id": batch.id}


def test_the_route_walk_sees_every_class_route(app):
    endpoints = {endpoint for endpoint, _, _ in class_routes(app)}
    assert {"classes.index", "classes.detail", "classes.import_roster", "classes.slips",
            "classes.reset_password", "classes.move_pupil", "classes.remove_pupil"} <= endpoints


def test_a_teacher_never_reaches_another_teacher_s_class_or_pupils(app, teacher_client, foreign):
    checked = 0
    for endpoint, rule, method in class_routes(app):
        args = {name: foreign[name] for name in ("class_id", "pupil_id", "user_id", "batch_id")
                if f":{name}>" in rule}
        if not args:
            continue
        with app.test_request_context():
            url = url_for(endpoint, **args)
        response = teacher_client.open(url, method=method, data={"payload": "x", "email": "a@b.fr"})
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Zoé" not in text(response)
        checked += 1
    assert checked >= 14
    # Nothing was touched, and the foreign class is not listed.
    assert db.session.get(Pupil, foreign["pupil_id"]) is not None
    assert "3e Z" not in text(teacher_client.get("/classes/"))


@pytest.mark.parametrize("role", [Role.PUPIL, Role.COMPANY, Role.STAFF])
def test_other_roles_are_refused_on_every_class_route(app, foreign, role):
    user = factories.user(role)
    db.session.commit()
    client = app.test_client()
    login(client, user)
    for endpoint, rule, method in class_routes(app):
        with app.test_request_context():
            url = url_for(endpoint, **{k: v for k, v in foreign.items() if f":{k}>" in rule})
        response = client.open(url, method=method)
        assert response.status_code == 403, (role, method, url, response.status_code)


def test_anonymous_is_sent_to_login(app, foreign):
    client = app.test_client()
    for endpoint, rule, method in class_routes(app):
        with app.test_request_context():
            url = url_for(endpoint, **{k: v for k, v in foreign.items() if f":{k}>" in rule})
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert urlsplit(response.headers["Location"]).path == "/connexion"


def test_teacher_pages_refuse_a_request_without_csrf_token(teacher_client, teacher):
    klass = factories.school_class(teacher)
    db.session.commit()
    response = teacher_client.post("/classes/nouvelle", data=class_form(name="3e K"), csrf=False)
    assert response.status_code == 400
    assert teacher_client.post(f"/classes/{klass.id}/eleves/nouveau", csrf=False,
                               data={"last_name": "A", "first_name": "B"}).status_code == 400
    assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.PUPIL)) == 0
