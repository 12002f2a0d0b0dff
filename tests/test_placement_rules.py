"""Rules that block a validation (issue 16 §4): the class's internship dates, the level, and the
2nde sequence reserved to 2nde générale et technologique. Each refusal is a French 422 and
changes nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Level, OutboxMessage, Role
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import WEEK, application_in, published_period
from tests.test_placement_validation import snapshot


@pytest.fixture
def company():
    return f.company("Mécanique de la Brie")


def confirmed(klass, period):
    application = application_in(f.pupil(klass), period, S.CONFIRMED)
    db.session.commit()
    return application


def post_validation(client, teacher, application):
    login(client, teacher)
    return client.post(f"/candidatures/{application.id}/valider")


def test_outside_the_class_internship_dates_is_refused(client, teacher, company):
    klass = f.school_class(teacher, start=date(2027, 1, 18), end=date(2027, 1, 22))
    application = confirmed(klass, published_period(company, start=WEEK))
    before = snapshot(application)

    response = post_validation(client, teacher, application)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "en dehors des dates de stage de la classe 3e B" in page
    assert "du lundi 18 janvier 2027 au vendredi 22 janvier 2027" in page
    assert snapshot(application) == before


def test_within_the_class_internship_dates_is_validated(client, teacher, company):
    klass = f.school_class(teacher, start=date(2027, 1, 11), end=date(2027, 1, 22))
    application = confirmed(klass, published_period(company, start=WEEK))

    response = post_validation(client, teacher, application)

    assert response.status_code == 303
    db.session.expire_all()
    assert application.status == S.VALIDATED


def test_a_period_of_another_level_is_refused(client, teacher, klass, company):
    application = confirmed(klass, published_period(company))
    # The class was turned into a 2nde after the pupil chose (the service must not trust apply).
    klass.level = Level.SECONDE
    db.session.commit()
    before = snapshot(application)

    response = post_validation(client, teacher, application)

    assert response.status_code == 422
    assert "réservée aux élèves de 3e" in response.get_data(as_text=True)
    assert snapshot(application) == before


def seconde_setup(uai, company):
    teacher = f.user(Role.TEACHER, school_obj=f.school(uai))
    klass = f.school_class(teacher, level=Level.SECONDE, name="2nde 3")
    offer = f.complete_offer(
        company,
        status="published",
        levels=("2nde",),
        periods=((date(2027, 6, 14), date(2027, 6, 25), 2),),
    )
    return teacher, confirmed(klass, offer.periods[0])


def test_seconde_placement_in_a_vocational_lycee_is_refused(client, company):
    teacher, application = seconde_setup("0772329N", company)  # a lycée professionnel
    before = snapshot(application)

    response = post_validation(client, teacher, application)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2nde générale et technologique" in page and "D. 333-3-1" in page
    assert snapshot(application) == before


def test_seconde_placement_in_a_general_lycee_is_validated(client, company):
    teacher, application = seconde_setup("0772908T", company)

    response = post_validation(client, teacher, application)

    assert response.status_code == 303
    db.session.expire_all()
    assert application.status == S.VALIDATED


# --- Words (issue 16 §6) -------------------------------------------------------------------------


def test_a_co_teacher_who_validates_is_named_not_called_professeur_principal(
    client, teacher, klass, company
):
    company_user = f.user(Role.COMPANY, email="atelier@exemple.fr", company_obj=company)
    co_teacher = f.user(Role.TEACHER, first_name="Paul", last_name="Girard")
    klass.teachers.append(co_teacher)
    application = confirmed(klass, published_period(company))

    assert post_validation(client, co_teacher, application).status_code == 303

    [mail] = [
        m
        for m in db.session.scalars(select(OutboxMessage))
        if m.to_address == company_user.email and m.subject.startswith("Stage validé")
    ]
    assert "Paul Girard, professeur de Léa D. (3e B" in mail.body
    assert "professeur principal" not in mail.body


def test_dashboard_counts_read_as_french_after_their_number(client, teacher, klass, company):
    f.pupil(klass, "Noé", "Petit")
    f.pupil(klass, "Inès", "Moreau")
    login(client, teacher)

    html = client.get(f"/classes/{klass.id}/suivi").get_data(as_text=True)

    assert '<strong class="count" data-state="aucune">2</strong> sans candidature' in html
    assert "</strong> Aucune candidature" not in html
