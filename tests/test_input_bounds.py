"""Numbers from URLs never reach the database out of range: one `<int:…>` converter for the whole
app, one `?page=` parser, one id parser for query strings and forms (issue 10)."""

import pytest

from capindustrie.extensions import db
from capindustrie.inputs import DB_INT_MAX, BoundedIntegerConverter, page_number, parse_id
from capindustrie.models import Role
from tests import factories as f
from tests.factories import login

HUGE_IDS = [str(DB_INT_MAX + 1), "99999999999999999999", "9" * 1000]


def test_every_int_segment_of_the_url_map_uses_the_bounded_converter(app):
    converters = [
        (rule.rule, converter)
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if "int" in rule.rule
    ]
    assert converters, "no <int:…> route found"
    for rule, converter in converters:
        if type(converter).__name__.endswith("IntegerConverter"):
            assert isinstance(converter, BoundedIntegerConverter), rule
            assert converter.max == DB_INT_MAX, rule


@pytest.mark.parametrize("offer_id", HUGE_IDS)
def test_public_offer_with_an_id_beyond_the_column_range_is_not_found(client, offer_id):
    response = client.get(f"/offres/{offer_id}")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_the_largest_id_is_still_looked_up(client):
    """2³¹−1 is a valid id: looked up (and not found), not refused by the converter."""
    response = client.get(f"/offres/{DB_INT_MAX}")
    assert response.status_code == 404


def test_a_real_offer_is_still_found(client, app):
    from capindustrie.models import OfferStatus

    offer = f.complete_offer(status=OfferStatus.PUBLISHED)
    db.session.commit()
    assert client.get(f"/offres/{offer.id}").status_code == 200


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_logged_in_routes_with_huge_ids_answer_404(client, huge):
    company_user = f.user(Role.COMPANY)
    login(client, company_user)
    assert client.get(f"/entreprise/offres/{huge}/etape/1").status_code == 404
    assert client.get(f"/entreprise/offres/1/etape/{huge}").status_code == 404
    assert client.post(f"/entreprise/offres/{huge}/fermer").status_code == 404


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("007", 7),
        ("0", 1),
        ("-2", 1),
        ("abc", 1),
        ("²", 1),
        ("99999999999999999999", 1),
        ("1" * 100_000, 1),
        (" 4 ", 4),
    ],
)
def test_page_number_is_a_small_whole_number_or_the_first_page(raw, expected):
    assert page_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (str(DB_INT_MAX), DB_INT_MAX),
        (str(DB_INT_MAX + 1), None),
        ("0", None),
        ("-1", None),
        ("1.5", None),
        ("١٢", None),
        ("", None),
        (None, None),
        ("9" * 100_000, None),
    ],
)
def test_parse_id_accepts_only_ids_within_the_column_range(raw, expected):
    assert parse_id(raw) == expected


def test_staff_list_with_a_huge_page_shows_the_first_page(client):
    staff = f.user(Role.STAFF)
    login(client, staff)
    for page in ("999999999999999999999", "2147483648", "-1", "abc", "1" * 3000):
        response = client.get(f"/moderation/offres?page={page}")
        assert response.status_code == 200, page


def test_search_with_a_huge_page_answers_a_french_400(client):
    school = f.school()
    response = client.get(f"/offres?etablissement={school.uai}&page=99999999999999999999")
    assert response.status_code == 400
    assert "Numéro de page trop grand (100 au plus)" in response.get_data(as_text=True)


@pytest.mark.parametrize("school_id", [str(DB_INT_MAX + 1), "99999999999999999999", "-1", "²"])
def test_teacher_registration_with_a_huge_school_id_is_refused_in_french(client, school_id):
    response = client.post(
        "/inscription/professeur",
        data={
            "school_id": school_id,
            "first_name": "Anne",
            "last_name": "Prof",
            "email": "anne.prof@ac-creteil.fr",
            "password": "Correct-Cheval-9-Agrafe",
            "password_confirm": "Correct-Cheval-9-Agrafe",
        },
    )
    assert response.status_code == 422
    assert "Cet établissement est inconnu" in response.get_data(as_text=True)
