"""Demand shown to companies (issue 17): pupils still looking, by week, level and EPCI, counted
from the classes' dates, never shown below 5; « ouvrir des places » on an existing offer."""

import html
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.applications.states import S
from capindustrie.demand import services
from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Period, Role
from tests import factories
from tests.factories import login
from tests.placement_helpers import application_in

NOW = datetime(2026, 11, 25, 9)
WEEK = (date(2027, 1, 25), date(2027, 1, 29))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW.replace(tzinfo=UTC), tick=False):
        yield


def _class_of(teacher, pupils: int, name="3e B", start=WEEK[0], end=WEEK[1]):
    klass = factories.school_class(teacher, name=name, start=start, end=end)
    made = [factories.pupil(klass, first_name=f"Élève{n}", last_name=name) for n in range(pupils)]
    db.session.commit()
    return klass, made


def _company_with_offer(
    commune_insee="77288", periods=((date(2027, 1, 11), date(2027, 1, 15), 3),)
):
    company = factories.company()
    company.commune_insee = commune_insee
    user = factories.user(Role.COMPANY, company_obj=company)
    offer = factories.complete_offer(company, status=OfferStatus.PUBLISHED, periods=periods)
    db.session.commit()
    return company, user, offer


def test_pupils_still_looking_are_counted_by_week_level_and_epci(app, teacher):
    klass, pupils = _class_of(teacher, 7)
    _class_of(teacher, 3, name="3e C", start=date(2027, 2, 1), end=date(2027, 2, 5))
    _class_of(teacher, 9, name="3e D", start=date(2026, 11, 16), end=date(2026, 11, 20))
    pupils[0].user.active = False  # a closed account does not look for anything
    # One pupil placed (validated), one who chose (confirmed): neither looks any more.
    _, _, offer = _company_with_offer(periods=(WEEK + (4,),))
    application_in(pupils[1], offer.periods[0], S.VALIDATED)
    application_in(pupils[2], offer.periods[0], S.CONFIRMED)
    application_in(pupils[3], offer.periods[0], S.ACCEPTED)  # accepted only: still looking
    db.session.commit()
    rows = services.open_demand(NOW.date())
    # 7 − 1 inactive − 2 placed = 4 in the week of 25 January: below 5, not shown; the class of
    # 3 in February neither; the class whose week has passed is not demand.
    assert rows == []
    factories.pupil(klass, first_name="Zoé", last_name="Nouvelle")
    db.session.commit()
    [row] = services.open_demand(NOW.date())
    assert (row.pupils, row.start, row.end, row.level.value) == (5, *WEEK, "3e")
    assert row.epci_name == teacher.school.commune.epci.name and row.week_label == "25 janvier"


def test_a_company_sees_the_demand_near_it_and_opens_seats_in_one_click(client, teacher):
    _class_of(teacher, 6)
    company, user, offer = _company_with_offer()  # Melun, 8 km from Bois-le-Roi
    far, far_user, _ = _company_with_offer(commune_insee="77379")  # Provins, 45 km
    login(client, far_user)
    assert "cherchent encore" not in client.get("/entreprise/").get_data(as_text=True)
    login(client, user)
    page = html.unescape(client.get("/entreprise/").get_data(as_text=True))
    assert "6 élèves de 3e" in page and "semaine du 25 janvier" in page
    response = client.post(
        "/entreprise/demande/places", data={"week": "3e/2027-01-25", "offer": offer.id, "seats": 2}
    )
    assert response.status_code == 303
    db.session.refresh(offer)
    added = [p for p in offer.periods if p.start_date == WEEK[0]]
    assert [(p.end_date, p.seats, p.level.value) for p in added] == [(WEEK[1], 2, "3e")]
    assert offer.updated_at == NOW  # the next incremental export sends it
    # A second click adds to the same week's period.
    client.post(
        "/entreprise/demande/places", data={"week": "3e/2027-01-25", "offer": offer.id, "seats": 3}
    )
    db.session.refresh(added[0])
    assert added[0].seats == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"week": "3e/2027-02-01", "seats": 2}, "plus demandée"),
        ({"week": "2nde/2027-01-25", "seats": 2}, "plus demandée"),
        ({"week": "n'importe quoi\x00", "seats": 2}, None),
        ({"week": "3e/2027-01-25", "seats": 0}, "entre 1 et 20"),
        ({"week": "3e/2027-01-25", "seats": 21}, "entre 1 et 20"),
        ({"week": "3e/2027-01-25", "seats": "deux"}, None),
    ],
)
def test_a_week_not_demanded_or_bad_seats_are_refused_in_french(client, teacher, data, message):
    _class_of(teacher, 6)
    company, user, offer = _company_with_offer()
    login(client, user)
    before = db.session.scalar(select(func.count()).select_from(Period))
    response = client.post("/entreprise/demande/places", data={"offer": offer.id, **data})
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert "Les places n'ont pas été ouvertes" in text
    if message:
        assert message in text
    assert db.session.scalar(select(func.count()).select_from(Period)) == before


def test_only_published_offers_of_ones_own_company(app, teacher):
    _class_of(teacher, 6)
    company, user, offer = _company_with_offer()
    other_company, other_user, other_offer = _company_with_offer()
    draft = factories.complete_offer(company, title="Brouillon")
    db.session.commit()
    data = {"week": "3e/2027-01-25", "seats": 2}
    client = app.test_client()
    login(client, user)
    assert (
        client.post(
            "/entreprise/demande/places", data={**data, "offer": other_offer.id}
        ).status_code
        == 404
    )
    response = client.post("/entreprise/demande/places", data={**data, "offer": draft.id})
    assert response.status_code == 422 and "Seule une offre publiée" in html.unescape(
        response.get_data(as_text=True)
    )
    for role_user in (teacher, factories.user(Role.STAFF)):
        other = app.test_client()
        login(other, role_user)
        assert other.post(
            "/entreprise/demande/places", data={**data, "offer": offer.id}
        ).status_code in (403, 404)
    db.session.refresh(other_offer)
    assert all(p.start_date != WEEK[0] for p in other_offer.periods)


def test_the_public_home_shows_where_pupils_still_look_never_below_5(client, teacher):
    _class_of(teacher, 4)
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert "cherchent encore un stage" not in page
    _class_of(teacher, 5, name="3e E", start=date(2027, 2, 1), end=date(2027, 2, 5))
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert "5 élèves de 3e" in page and "semaine du 1er février" in page
    assert "Élève0" not in page and "3e E" not in page  # counts only: no name, no class
