"""Staff: one optimal run for every class of a level across the département."""

import re
from datetime import date

import pytest

from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Role
from capindustrie.offers.rules import school_year_of
from tests import factories as f
from tests.factories import login

WEEK = (date(2027, 1, 11), date(2027, 1, 15))


def published(commune, seats, title):
    return f.complete_offer(
        status=OfferStatus.PUBLISHED,
        commune_insee=commune,
        title=title,
        periods=((WEEK[0], WEEK[1], seats),),
    )


def dated_class(uai, name):
    teacher = f.user(Role.TEACHER, school_obj=f.school(uai))
    klass = f.school_class(teacher, name=name, start=WEEK[0], end=WEEK[1])
    klass.school_year = school_year_of(date.today())
    return klass


@pytest.fixture
def staff_client(client):
    login(client, f.user(Role.STAFF))
    return client


def row(html, name):
    match = re.search(
        rf'<th scope="row">{re.escape(name)}</th>\s*<td>[^<]*</td>\s*'
        r"<td>(\d+)</td>\s*<td>(\d+)</td>",
        html,
    )
    return int(match.group(1)), int(match.group(2))


def test_staff_gets_one_assignment_for_every_dated_class(staff_client):
    bois = dated_class("0770002J", "3e Bois")  # Collège Denecourt, Bois-le-Roi
    meaux = dated_class("0771420A", "3e Meaux")  # Collège Beaumarchais, Meaux (REP)
    undated = f.school_class(f.user(Role.TEACHER), name="3e Sans dates")
    undated.school_year = bois.school_year
    for klass, names in ((bois, ["Inès", "Hugo"]), (meaux, ["Léa"])):
        for first in names:
            f.pupil(klass, first, "Élève")
    f.pupil(undated, "Nora", "Élève")
    published("77037", 1, "Atelier de Bois-le-Roi")
    published("77284", 3, "Atelier de Meaux")
    db.session.commit()

    response = staff_client.get("/propositions/departement?niveau=3e")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 propositions pour 3 élèves sans stage" in html
    assert "4 places libres au total." in html
    assert "1 classe sans dates de stage est laissée de côté." in html
    assert row(html, "3e Bois") == (2, 1)  # one seat within reach of Bois-le-Roi
    assert row(html, "3e Meaux") == (1, 1)


def test_without_any_dated_class_staff_is_told_so(staff_client):
    f.school_class(f.user(Role.TEACHER))
    db.session.commit()
    response = staff_client.get("/propositions/departement?niveau=3e")
    assert response.status_code == 409
    assert "Aucune classe de 3e n&#39;a encore de dates de stage" in response.get_data(as_text=True)


def test_without_free_seats_staff_is_told_so(staff_client):
    klass = dated_class("0770002J", "3e Bois")
    f.pupil(klass)
    db.session.commit()
    response = staff_client.get("/propositions/departement?niveau=3e")
    assert response.status_code == 409
    assert "Aucune place libre en 3e" in response.get_data(as_text=True)


def test_an_unknown_level_is_refused(staff_client):
    response = staff_client.get("/propositions/departement?niveau=5e")
    assert response.status_code == 422
    assert "Le formulaire contient des erreurs" in response.get_data(as_text=True)


def test_the_form_alone_computes_nothing(staff_client):
    response = staff_client.get("/propositions/departement")
    assert response.status_code == 200
    assert "Calculer les propositions" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PUPIL, Role.COMPANY])
def test_only_staff_runs_the_departement(client, role):
    login(client, f.user(role))
    assert client.get("/propositions/departement?niveau=3e").status_code == 403
