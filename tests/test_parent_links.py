"""A parent's view (issue 14, point 7): the read-only link a pupil or a teacher of the class
creates once a placement is validated — its lifecycle (create, view without an account, replace,
revoke, expire at the end of the internship, tampered), who may manage it, what the page shows
and hides, its headers, the convention PDF through the link, and the rate limit."""

import hashlib
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import ParentLink, Role
from tests import convention_helpers as conv
from tests import factories as f
from tests.factories import login, signed_in

TOKEN_IN_PAGE = re.compile(r"/parents/([A-Za-z0-9_-]{43})\b")
HX = {"HX-Request": "true"}
# The test period runs Monday 11 to Friday 15 January 2027: the link opens until midnight after
# the last day in Paris, i.e. 23:00 UTC on the Friday (winter time).
LAST_MOMENT_UTC = datetime(2027, 1, 15, 22, 59, 59)
EXPIRY_UTC = datetime(2027, 1, 15, 23, 0)
BEFORE = datetime(2026, 12, 1, 10, 0)


@pytest.fixture(autouse=True)
def clock():
    """1 December 2026, before the internship; tests move it forward. Sessions are opened at
    this time too (a login made later than the clock would not be valid yet)."""
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def links() -> int:
    return db.session.scalar(select(func.count()).select_from(ParentLink))


@pytest.fixture
def world(app):
    company_user = conv.host_company_user()
    teacher = f.user(Role.TEACHER, first_name="Anne", last_name="Prof")
    klass = f.school_class(teacher)
    placement = conv.validated_placement(klass, company_user)
    placement.pupil.user.first_name, placement.pupil.user.last_name = "Léa", "Durandière"
    # A classmate placed on the same offer's company, another period: never on Léa's page.
    classmate_placement = conv.validated_placement(klass, company_user)
    classmate = classmate_placement.pupil
    classmate.user.first_name, classmate.user.last_name = "Inès", "Voisine"
    db.session.commit()
    return {
        "placement": placement,
        "classmate_placement": classmate_placement,
        "pupil": placement.pupil.user,
        "classmate": classmate.user,
        "teacher": teacher,
        "company_user": company_user,
    }


def create_link(client, placement, **kwargs) -> str:
    response = client.post(f"/stages/{placement.id}/lien-parents", **kwargs)
    assert response.status_code == 200, text(response)
    return TOKEN_IN_PAGE.search(text(response)).group(1)


def test_the_pupil_creates_a_link_and_a_parent_sees_the_placement_without_an_account(app, world):
    placement = world["placement"]
    pupil = signed_in(app, world["pupil"])
    page = pupil.get(f"/stages/{placement.id}/lien-parents")
    assert page.status_code == 200
    assert "Lien de consultation pour tes parents" in text(page)
    assert "Aucun lien n'est actif." in text(page)

    created = pupil.post(f"/stages/{placement.id}/lien-parents")
    token = TOKEN_IN_PAGE.search(text(created)).group(1)
    assert "copie-le" in text(created)

    stored = db.session.scalars(select(ParentLink)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash and stored.expires_at == EXPIRY_UTC
    assert stored.created_by_id == world["pupil"].id
    # Shown once: the management page no longer carries it.
    assert token not in text(pupil.get(f"/stages/{placement.id}/lien-parents"))

    parent = app.test_client()
    view = parent.get(f"/parents/{token}")
    html = text(view)
    assert view.status_code == 200
    offer = placement.period.offer
    for shown in (
        "Le stage de Léa",
        offer.company.name,
        offer.site_address,
        "lundi 11 janvier 2027",
        "vendredi 15 janvier 2027",
        "Jour 1",
        "Jour 5",
        offer.tutor_name,
        offer.tutor_email,
        "km",
        "(estimé)",
        "vous",
    ):
        assert shown in html, shown
    assert "de 09\u00a0h\u00a000 à 16\u00a0h\u00a030" in html
    assert "La convention n'est pas encore établie" in html
    # Headers: not indexed, not cached, no Referer carrying the token away.
    assert view.headers["Referrer-Policy"] == "no-referrer"
    assert view.headers["Cache-Control"] == "no-store"
    assert "noindex" in view.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_the_page_shows_nothing_else_about_the_pupil_nor_any_other_pupil(app, world):
    teacher = signed_in(app, world["teacher"])
    token = create_link(teacher, world["placement"])
    html = text(app.test_client().get(f"/parents/{token}"))
    assert "Léa" in html
    for secret in (
        "Durandière",
        world["pupil"].username,
        "Inès",
        "Voisine",
        world["classmate"].username,
        "Anne",
        "Prof",
    ):
        assert secret not in html, secret


def test_a_teacher_of_the_class_creates_it_other_people_cannot(app, world):
    placement = world["placement"]
    teacher = signed_in(app, world["teacher"])
    page = teacher.get(f"/stages/{placement.id}/lien-parents")
    assert "Lien de consultation pour les parents de Léa" in text(page)
    assert "copiez-le" in text(teacher.post(f"/stages/{placement.id}/lien-parents"))
    assert links() == 1

    other_teacher = f.user(Role.TEACHER)
    f.school_class(other_teacher, name="3e Z")
    staff = f.user(Role.STAFF)
    db.session.commit()
    url = f"/stages/{placement.id}/lien-parents"
    outsiders = {
        "another teacher": (signed_in(app, other_teacher), 404),
        "a classmate": (signed_in(app, world["classmate"]), 404),
        "the company": (signed_in(app, world["company_user"]), 403),
        "staff": (signed_in(app, staff), 403),
    }
    for who, (client, status) in outsiders.items():
        for method, path in (("GET", url), ("POST", url), ("POST", url + "/desactiver")):
            response = client.open(path, method=method)
            assert response.status_code == status, (who, method, path)
            assert "Page introuvable" in text(response) or "Accès refusé" in text(response)
    anonymous = app.test_client().post(url)
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
    db.session.expire_all()
    assert links() == 1
    assert db.session.scalars(select(ParentLink)).one().revoked_at is None


def test_a_new_link_replaces_the_previous_one(app, world):
    placement = world["placement"]
    pupil = signed_in(app, world["pupil"])
    first = create_link(pupil, placement)
    second = create_link(pupil, placement, headers=HX)
    parent = app.test_client()
    old = parent.get(f"/parents/{first}")
    assert old.status_code == 410 and "désactivé" in text(old)
    assert parent.get(f"/parents/{second}").status_code == 200


def test_revoking_closes_the_link_with_a_french_page(app, world):
    placement = world["placement"]
    pupil = signed_in(app, world["pupil"])
    teacher = signed_in(app, world["teacher"])
    token = create_link(pupil, placement)
    manage = text(pupil.get(f"/stages/{placement.id}/lien-parents"))
    assert "Un lien est actif" in manage and "Désactiver le lien" in manage

    revoked = teacher.post(f"/stages/{placement.id}/lien-parents/desactiver")
    assert revoked.status_code == 303
    assert "Le lien est désactivé" in text(teacher.get(revoked.headers["Location"]))

    gone = app.test_client().get(f"/parents/{token}")
    assert gone.status_code == 410
    assert '<html lang="fr">' in text(gone) and "désactivé par l'élève" in text(gone)
    assert gone.headers["Referrer-Policy"] == "no-referrer"
    assert gone.headers["Cache-Control"] == "no-store"
    pdf = app.test_client().get(f"/parents/{token}/convention.pdf")
    assert pdf.status_code == 410
    again = pupil.post(f"/stages/{placement.id}/lien-parents/desactiver", headers=HX)
    assert again.headers["HX-Redirect"] == f"/stages/{placement.id}/lien-parents"


def test_the_link_expires_at_the_end_of_the_last_day_in_paris(app, world, clock):
    placement = world["placement"]
    pupil = signed_in(app, world["pupil"])
    token = create_link(pupil, placement)
    parent = app.test_client()
    clock.move_to(LAST_MOMENT_UTC)
    assert parent.get(f"/parents/{token}").status_code == 200
    clock.move_to(EXPIRY_UTC)
    expired = parent.get(f"/parents/{token}")
    assert expired.status_code == 410 and "Ce lien a expiré" in text(expired)
    # Once the internship is over no new link is made.
    pupil = signed_in(app, world["pupil"])
    refused = pupil.post(f"/stages/{placement.id}/lien-parents")
    assert refused.status_code == 422 and "Ce stage est terminé" in text(refused)
    assert links() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: "x" * 500,
        lambda t: "%00" + t,
        lambda t: "é" + t,
    ],
)
def test_a_tampered_token_gets_a_french_404(app, world, tamper):
    pupil = signed_in(app, world["pupil"])
    token = create_link(pupil, world["placement"])
    parent = app.test_client()
    for suffix in ("", "/convention.pdf"):
        response = parent.get(f"/parents/{tamper(token)}{suffix}")
        assert response.status_code == 404
        assert "Ce lien n'existe pas" in text(response)
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_convention_pdf_is_reachable_through_the_link_of_its_placement_only(app, world):
    placement, other = world["placement"], world["classmate_placement"]
    for each in (placement, other):
        conv.complete(each)
        conv.issue(each)
    pupil = signed_in(app, world["pupil"])
    token = create_link(pupil, placement)
    parent = app.test_client()
    page = text(parent.get(f"/parents/{token}"))
    assert f"/parents/{token}/convention.pdf" in page
    pdf = parent.get(f"/parents/{token}/convention.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    content = conv.pdf_text(pdf.data)
    assert "Durandière" in content  # the legal document names its pupil
    assert "Voisine" not in content  # and no other


def test_the_parent_view_is_rate_limited_per_address(make_app, clock):
    app = make_app(RATELIMIT_ENABLED=True, PARENT_VIEW_RATE_LIMIT="2/minute")
    with app.app_context():
        company_user = conv.host_company_user()
        teacher = f.user(Role.TEACHER)
        placement = conv.validated_placement(f.school_class(teacher), company_user)
        pupil = app.test_client()
        login(pupil, placement.pupil.user)
        token = create_link(pupil, placement)
        parent = app.test_client()
        codes = [parent.get(f"/parents/{token}").status_code for _ in range(2)]
        limited = parent.get(f"/parents/{token}/convention.pdf")
        assert codes == [200, 200]
        assert limited.status_code == 429 and "Trop de demandes" in text(limited)
        # Guessing tokens is limited too.
        assert parent.get("/parents/devine").status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert parent.get(f"/parents/{token}").status_code == 200


def test_the_pupil_dashboard_and_the_class_dashboard_link_to_the_page(app, world):
    placement = world["placement"]
    url = f"/stages/{placement.id}/lien-parents"
    pupil = signed_in(app, world["pupil"])
    dashboard = pupil.get("/candidatures")
    assert dashboard.status_code == 200 and url in text(dashboard)
    teacher = signed_in(app, world["teacher"])
    klass = placement.pupil.school_class
    assert url in text(teacher.get(f"/classes/{klass.id}/suivi"))
