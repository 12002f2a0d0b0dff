"""Pupils' wishes: recorded in order, starred offers, limits, and their weight in proposals."""

import re
from datetime import date

import pytest

from capindustrie.extensions import db
from capindustrie.models import OfferStatus, PupilWish, Role
from tests import factories as f
from tests.factories import login

WEEK = (date(2027, 1, 11), date(2027, 1, 15))


@pytest.fixture
def pupil(klass):
    obj = f.pupil(klass, "Inès", "Adam")
    db.session.commit()
    return obj


@pytest.fixture
def pupil_client(client, pupil):
    login(client, pupil.user)
    return client


def published(commune="77037", title="Découvrir l'usinage", seats=2, filiere=None):
    company = f.company(filiere=filiere) if filiere else f.company()
    return f.complete_offer(
        company,
        status=OfferStatus.PUBLISHED,
        commune_insee=commune,
        title=title,
        periods=((WEEK[0], WEEK[1], seats),),
    )


def selected(page: str, slot: int) -> str:
    select = re.search(rf'<select id="wish_{slot}".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select).group(1)


def stored(pupil):
    rows = db.session.query(PupilWish).filter_by(pupil_id=pupil.id).order_by(PupilWish.rank)
    return [(w.rank, w.filiere.value if w.filiere else w.offer_id) for w in rows]


def test_a_pupil_records_filieres_in_order(pupil_client, pupil):
    response = pupil_client.post(
        "/propositions/voeux",
        data={
            "wish_1": "filiere:aeronautique",
            "wish_2": "",
            "wish_3": "filiere:logistique",
        },
    )

    assert response.status_code == 302
    assert stored(pupil) == [(1, "aeronautique"), (2, "logistique")]
    page = pupil_client.get("/propositions/voeux").get_data(as_text=True)
    assert "Vos vœux sont enregistrés." in page
    assert selected(page, 1) == "filiere:aeronautique"
    assert selected(page, 2) == "filiere:logistique"
    assert selected(page, 3) == ""


def test_the_same_wish_twice_is_refused_and_nothing_changes(pupil_client, pupil):
    pupil_client.post("/propositions/voeux", data={"wish_1": "filiere:materiaux"})

    response = pupil_client.post(
        "/propositions/voeux",
        data={
            "wish_1": "filiere:aeronautique",
            "wish_2": "filiere:aeronautique",
        },
    )

    assert response.status_code == 422
    assert "Ce vœu figure déjà plus haut dans la liste" in response.get_data(as_text=True)
    assert stored(pupil) == [(1, "materiaux")]


def test_an_unknown_choice_is_refused(pupil_client, pupil):
    response = pupil_client.post("/propositions/voeux", data={"wish_1": "offre:999999"})
    assert response.status_code == 422
    assert stored(pupil) == []


def test_starring_an_offer_adds_it_as_the_next_wish(pupil_client, pupil):
    pupil_client.post("/propositions/voeux", data={"wish_1": "filiere:materiaux"})
    offer = published()
    db.session.commit()

    assert "Ajouter à mes vœux" in pupil_client.get(f"/offres/{offer.id}").get_data(as_text=True)
    response = pupil_client.post(f"/propositions/voeux/offres/{offer.id}")

    assert response.status_code == 302
    assert stored(pupil) == [(1, "materiaux"), (2, offer.id)]
    page = pupil_client.get("/propositions/voeux").get_data(as_text=True)
    assert selected(page, 2) == f"offre:{offer.id}"
    assert "Offre : Découvrir l&#39;usinage" in page


def test_a_sixth_wish_and_a_double_star_are_refused(pupil_client, pupil):
    filieres = ["aeronautique", "logistique", "materiaux", "energies_vertes"]
    pupil_client.post(
        "/propositions/voeux", data={f"wish_{i}": f"filiere:{v}" for i, v in enumerate(filieres, 1)}
    )
    first, second = published(title="Première"), published(title="Seconde")
    db.session.commit()
    assert pupil_client.post(f"/propositions/voeux/offres/{first.id}").status_code == 302

    again = pupil_client.post(f"/propositions/voeux/offres/{first.id}")
    assert again.status_code == 409
    assert "Cette offre fait déjà partie de vos vœux." in again.get_data(as_text=True)

    sixth = pupil_client.post(f"/propositions/voeux/offres/{second.id}")
    assert sixth.status_code == 409
    assert "Vous avez déjà 5 vœux" in sixth.get_data(as_text=True)
    assert len(stored(pupil)) == 5


def test_an_unpublished_offer_cannot_be_starred(pupil_client, pupil):
    draft = f.complete_offer(commune_insee="77037")
    db.session.commit()
    assert pupil_client.post(f"/propositions/voeux/offres/{draft.id}").status_code == 404
    assert stored(pupil) == []


def test_starring_needs_the_csrf_token(pupil_client, pupil):
    offer = published()
    db.session.commit()
    response = pupil_client.post(f"/propositions/voeux/offres/{offer.id}", csrf=False)
    assert response.status_code == 400
    assert stored(pupil) == []


@pytest.mark.parametrize("role", [Role.TEACHER, Role.COMPANY, Role.STAFF])
def test_only_pupils_have_wishes(client, role):
    login(client, f.user(role))
    assert client.get("/propositions/voeux").status_code == 403


def test_the_proposals_honour_a_wish_and_show_it(client, teacher):
    klass = f.school_class(teacher, start=WEEK[0], end=WEEK[1])
    pupil = f.pupil(klass, "Inès", "Adam")
    from capindustrie.models.users import Filiere

    near = published("77037", "Atelier tout proche", seats=1, filiere=Filiere.LOGISTICS)
    wished = published("77441", "Atelier aéronautique", seats=1, filiere=Filiere.AERONAUTICS)
    db.session.add(PupilWish(pupil_id=pupil.id, rank=1, filiere=Filiere.AERONAUTICS))
    db.session.commit()
    assert near.id != wished.id
    login(client, teacher)

    html = client.get(f"/propositions/classes/{klass.id}").get_data(as_text=True)

    assert "Atelier aéronautique" in html
    assert "Atelier tout proche" not in html
    assert "1er vœu" in html
    assert "Vœux des élèves sans stage" in html
    assert "Inès Adam — 1er vœu : Aéronautique." in html
    # Without the wish, the nearer offer is proposed.
    db.session.query(PupilWish).delete()
    db.session.commit()
    html = client.get(f"/propositions/classes/{klass.id}").get_data(as_text=True)
    assert "Atelier tout proche" in html
    assert "Atelier aéronautique" not in html
