"""The teacher's proposals for a class: computed from the database, shown, and guarded."""

from datetime import date

import pytest

from capindustrie.extensions import db
from capindustrie.models import Application, ApplicationStatus, OfferStatus, Role
from tests import factories as f
from tests.factories import login

WEEK = (date(2027, 1, 11), date(2027, 1, 15))
NEAR = "77037"  # Bois-le-Roi, the commune of the teacher's collège (Collège Denecourt)
FAR = "77284"  # Meaux, about 60 km away


def offer(
    commune,
    seats=2,
    title="Découvrir l'usinage",
    period=WEEK,
    reserved=False,
    levels=("3e",),
    company_name=None,
):
    obj = f.complete_offer(
        f.company(name=company_name),
        status=OfferStatus.PUBLISHED,
        commune_insee=commune,
        title=title,
        levels=levels,
        periods=((period[0], period[1], seats),),
    )
    obj.reserved_priority_education = reserved
    db.session.flush()
    return obj


@pytest.fixture
def dated_class(teacher):
    klass = f.school_class(teacher, start=WEEK[0], end=WEEK[1])
    db.session.commit()
    return klass


def page(client, klass):
    return client.get(f"/propositions/classes/{klass.id}")


def test_teacher_gets_the_nearest_free_seats_for_the_pupils_without_placement(
    teacher_client, dated_class
):
    f.pupil(dated_class, "Inès", "Adam")
    f.pupil(dated_class, "Hugo", "Bernard")
    f.pupil(dated_class, "Léa", "Colin")
    offer(NEAR, seats=2, title="Découvrir l'usinage", company_name="Usinage du Roi")
    offer(FAR, seats=4, title="Maintenance à Meaux", company_name="Meaux Industrie")
    db.session.commit()

    response = page(teacher_client, dated_class)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 propositions" in html
    assert html.count("Découvrir l&#39;usinage") == 2
    assert "Usinage du Roi" in html
    assert "Maintenance à Meaux" not in html  # beyond 45 minutes
    assert "Sans proposition (1)" in html
    assert "min" in html and "km" in html


def test_a_pupil_already_holding_a_seat_gets_no_proposal(teacher_client, dated_class):
    placed = f.pupil(dated_class, "Inès", "Adam")
    f.pupil(dated_class, "Hugo", "Bernard")
    taken = offer(NEAR, seats=1, title="Place prise").periods[0]
    db.session.add(
        Application(
            pupil=placed, period=taken, message="Bonjour", status=ApplicationStatus.ACCEPTED
        )
    )
    taken.seats_taken = 1
    offer(NEAR, seats=3, title="Découvrir la chaudronnerie")
    db.session.commit()

    html = page(teacher_client, dated_class).get_data(as_text=True)

    assert "1 proposition" in html
    assert "1 élève de la classe a déjà une place" in html
    assert "Hugo Bernard" in html
    assert "Inès Adam" not in html
    assert "Place prise" not in html  # full


def test_a_period_the_pupil_already_applied_to_is_not_proposed_again(teacher_client, dated_class):
    pupil = f.pupil(dated_class, "Inès", "Adam")
    applied = offer(NEAR, seats=3, title="Déjà demandée").periods[0]
    db.session.add(
        Application(
            pupil=pupil, period=applied, message="Bonjour", status=ApplicationStatus.SUBMITTED
        )
    )
    offer(NEAR, seats=1, title="Autre atelier")
    db.session.commit()

    html = page(teacher_client, dated_class).get_data(as_text=True)

    assert "Autre atelier" in html
    assert "Déjà demandée" not in html


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"reserved": True}, "reserved to REP/REP+ (the collège is not)"),
        ({"levels": ("2nde",), "period": (date(2027, 6, 14), date(2027, 6, 25))}, "2nde"),
        ({"period": (date(2027, 1, 18), date(2027, 1, 22))}, "outside the class's dates"),
    ],
)
def test_periods_breaking_a_rule_are_not_proposed(teacher_client, dated_class, kwargs, why):
    f.pupil(dated_class, "Inès", "Adam")
    offer(NEAR, seats=3, title="Offre hors règle", **kwargs)
    db.session.commit()

    response = page(teacher_client, dated_class)

    assert response.status_code == 409, why
    assert "Aucune place libre à moins de 45 minutes" in response.get_data(as_text=True)


def test_a_class_without_internship_dates_is_told_to_set_them(teacher_client, klass):
    f.pupil(klass)
    offer(NEAR)
    db.session.commit()

    response = page(teacher_client, klass)

    assert response.status_code == 409
    assert "Indiquez d&#39;abord les dates de stage de la classe" in response.get_data(as_text=True)


def test_a_class_whose_pupils_are_all_placed_is_told_so(teacher_client, dated_class):
    response = page(teacher_client, dated_class)
    assert response.status_code == 409
    assert "Tous les élèves de la classe ont déjà une place de stage." in response.get_data(
        as_text=True
    )


def test_no_free_seat_is_a_clear_message(teacher_client, dated_class):
    f.pupil(dated_class)
    full = offer(NEAR, seats=1).periods[0]
    full.seats_taken = 1
    db.session.commit()

    response = page(teacher_client, dated_class)

    assert response.status_code == 409
    assert "Aucune place libre" in response.get_data(as_text=True)


def test_another_teachers_class_is_not_found(client, dated_class):
    f.pupil(dated_class)
    offer(NEAR)
    other = f.user(Role.TEACHER, first_name="Paul", last_name="Autre")
    login(client, other)

    assert page(client, dated_class).status_code == 404


@pytest.mark.parametrize("role", [Role.PUPIL, Role.COMPANY, Role.STAFF])
def test_other_roles_are_refused(client, dated_class, role):
    login(client, f.user(role))
    assert page(client, dated_class).status_code == 403


def test_the_class_page_links_to_the_proposals(teacher_client, dated_class):
    html = teacher_client.get(f"/classes/{dated_class.id}").get_data(as_text=True)
    assert f"/propositions/classes/{dated_class.id}" in html
    assert "Proposer des stages aux élèves sans stage" in html


def test_a_rep_class_gets_the_seat_reserved_to_it(client):
    rep_teacher = f.user(Role.TEACHER, school_obj=f.school("0771420A"))  # REP, Meaux
    klass = f.school_class(rep_teacher, start=WEEK[0], end=WEEK[1])
    f.pupil(klass, "Inès", "Adam")
    offer(FAR, seats=1, title="Réservée REP", reserved=True)
    offer(FAR, seats=1, title="Ouverte à tous")
    login(client, rep_teacher)

    html = page(client, klass).get_data(as_text=True)

    assert "1 proposition" in html
    assert "Réservée REP" in html
    assert "Ouverte à tous" not in html
