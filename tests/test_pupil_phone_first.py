"""Issue 17, « Pupils, on a phone first »: the marks and defaults of the search, the offer page's
primary action (apply, or sign in and come back), the warning outside the class's internship
dates (pupil and teacher), the message's rule up front, the dashboard's order, and one voice:
« tu » to pupils, « vous » to adults."""

import re
from datetime import date
from html import unescape
from urllib.parse import unquote

import pytest
import time_machine
from sqlalchemy import select

from capindustrie.applications import services
from capindustrie.applications.pupil_view import outside_internship_dates
from capindustrie.extensions import db
from capindustrie.models import (
    ApplicationStatus,
    Level,
    OfferStatus,
    Role,
    School,
    SchoolType,
    utcnow,
)
from tests import factories
from tests.factories import PASSWORD, login
from tests.test_applications import (
    MESSAGE,
    NOW,
    WEEK_1,
    WEEK_2,
    WEEK_3,
    World,
    make_application,
    outbox,
)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world(app, frozen):
    """A 3e class whose internship week is WEEK_1, two pupils, two companies' offers."""
    built = World()
    built.klass.internship_start, built.klass.internship_end = WEEK_1
    # The offers' sites are in Meaux (factories.complete_offer): the class is in Meaux too.
    built.klass.school = db.session.scalars(
        select(School)
        .where(School.commune_insee == "77284", School.kind == SchoolType.COLLEGE)
        .order_by(School.uai)
    ).first()
    db.session.commit()
    return built


def main_text(response) -> str:
    html = unescape(response.get_data(as_text=True))
    return html[html.index("<main") : html.index("</main>")]


# --- Search -----------------------------------------------------------------------------------


def test_search_marks_the_offers_the_pupil_already_applied_to(client, world):
    make_application(world.pupil, world.period, ApplicationStatus.WITHDRAWN)
    # Another pupil's application marks nothing for Léa.
    make_application(world.other_pupil, world.other_offer.periods[0])
    db.session.commit()
    login(client, world.pupil.user)

    html = main_text(client.get("/recherche"))

    cards = re.findall(r'<article class="search-hit hit-card".*?</article>', html, re.S)
    assert len(cards) == 2
    marked = [card for card in cards if "Déjà candidaté" in card]
    assert len(marked) == 1 and "Découvrir la maintenance" in marked[0]


def test_search_defaults_follow_a_seconde_class(client, app):
    teacher = factories.user(Role.TEACHER)
    klass = factories.school_class(
        teacher, level=Level.SECONDE, name="2nde 3", start=date(2027, 6, 14), end=date(2027, 6, 25)
    )
    pupil = factories.pupil(klass)
    db.session.commit()
    login(client, pupil.user)

    html = main_text(client.get("/recherche"))

    assert "Trouver un stage de 2nde" in html
    assert "20 km, mes semaines de stage</p>" in html
    assert "Jusqu'à quelle distance ?" in html
    assert "Filière (le secteur de l'industrie)" in html
    assert "UAI" not in html


# --- Offer page: the primary action -----------------------------------------------------------


def test_anonymous_visitor_signs_in_to_apply_and_comes_back_to_the_offer(client, world):
    offer_url = f"/offres/{world.offer.id}"
    html = main_text(client.get(offer_url))
    login_link = f"/connexion?next=/offres/{world.offer.id}"
    assert f'href="{login_link}">Se connecter pour candidater</a>' in html
    # Without the pupil's school, no distance nor itinerary.
    assert "Voir l'itinéraire" not in html

    response = client.post(
        login_link, data={"identifier": world.pupil.user.username, "password": PASSWORD}
    )

    assert response.status_code == 303 and response.headers["Location"] == offer_url


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example"]
)
def test_login_never_returns_to_another_site(client, world, target):
    response = client.post(
        "/connexion",
        query_string={"next": target},
        data={"identifier": world.pupil.user.username, "password": PASSWORD},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/recherche"


def test_first_login_keeps_the_offer_to_return_to_after_the_new_password(client, world):
    world.pupil.user.must_change_password = True
    db.session.commit()
    offer_url = f"/offres/{world.offer.id}"
    response = client.post(
        "/connexion",
        query_string={"next": offer_url},
        data={"identifier": world.pupil.user.username, "password": PASSWORD},
    )
    assert unquote(response.headers["Location"]) == f"/mot-de-passe?next={offer_url}"
    page = main_text(client.get(response.headers["Location"]))
    assert "Ton mot de passe doit" in page
    assert page.index("au moins 10 caractères") < page.index('name="password"')

    new = "Une-Fusee-Verte-2027"
    changed = client.post(
        response.headers["Location"], data={"password": new, "password_confirm": new}
    )

    assert changed.status_code == 303 and changed.headers["Location"] == offer_url


def test_pupil_sees_distance_from_their_school_an_itinerary_and_apply(client, world):
    login(client, world.pupil.user)

    html = main_text(client.get(f"/offres/{world.offer.id}"))

    school = world.klass.school
    assert re.search(r'chip-distance"><span class="visually-hidden">à </span>\d+,\d\xa0km', html)
    assert f"(estimé) depuis {school.name}" in html
    itinerary = re.search(
        r'<a href="([^"]+)" rel="noopener noreferrer">Voir l\'itinéraire</a>', html
    )
    assert itinerary and itinerary.group(1).startswith("https://www.iledefrance-mobilites.fr/")
    assert f"{school.latitude:.6f}" in itinerary.group(1)
    assert f"{world.offer.latitude:.6f}" in itinerary.group(1)
    # Two open periods: « Candidater » leads to the choice of dates just below the card.
    assert '<a class="button button-primary" href="#offre-candidater">Candidater</a>' in html
    assert 'id="offre-candidater"' in html
    assert "Se connecter pour candidater" not in html


def test_one_open_period_applies_directly_and_a_closed_offer_has_no_button(client, world):
    login(client, world.pupil.user)
    period = world.other_offer.periods[0]
    html = main_text(client.get(f"/offres/{world.other_offer.id}"))
    assert (
        f'<a class="button button-primary" href="/candidatures/nouvelle/{period.id}">Candidater</a>'
    ) in html

    world.other_offer.status = OfferStatus.CLOSED
    db.session.commit()
    closed = main_text(client.get(f"/offres/{world.other_offer.id}"))
    assert "Offre fermée" in closed and "Complet" not in closed
    assert "button-primary" not in closed


def test_company_and_teacher_get_no_apply_button(client, world):
    for user in (world.company_user, world.teacher):
        login(client, user)
        html = main_text(client.get(f"/offres/{world.offer.id}"))
        assert "button-primary" not in html and "Se connecter pour candidater" not in html


# --- Applying ---------------------------------------------------------------------------------


def test_apply_page_warns_when_the_period_is_outside_the_class_week(client, world):
    login(client, world.pupil.user)

    outside = main_text(client.get(f"/candidatures/nouvelle/{world.period_2.id}"))
    inside = main_text(client.get(f"/candidatures/nouvelle/{world.period.id}"))

    assert "ces dates ne sont pas celles du stage de ta classe" in outside
    assert "du lundi 11 janvier 2027 au vendredi 15 janvier 2027" in outside
    assert "ces dates ne sont pas celles" not in inside
    # A warning, not a refusal: the form is there and the application goes through.
    assert 'name="message"' in outside
    response = client.post(f"/candidatures/nouvelle/{world.period_2.id}", data={"message": MESSAGE})
    assert response.status_code == 303


def test_the_teacher_sees_the_outside_week_warning_too(client, world):
    make_application(world.pupil, world.period_2, ApplicationStatus.CONFIRMED)
    make_application(world.other_pupil, world.period, ApplicationStatus.CONFIRMED)
    db.session.commit()
    login(client, world.teacher)

    lea = main_text(client.get(f"/classes/{world.klass.id}/eleves/{world.pupil.id}/candidatures"))
    hugo = main_text(
        client.get(f"/classes/{world.klass.id}/eleves/{world.other_pupil.id}/candidatures")
    )
    dashboard = main_text(client.get(f"/classes/{world.klass.id}/suivi"))

    assert "Hors des dates de stage de la classe" in lea
    assert "Hors des dates de stage de la classe" not in hugo
    assert dashboard.count("Hors des dates de stage de la classe") == 1


def test_outside_dates_rule():
    class Klass:
        internship_start, internship_end = WEEK_1

    assert not outside_internship_dates(Klass, *WEEK_1)
    assert outside_internship_dates(Klass, *WEEK_2)
    # Overlapping is not enough: the teacher could not validate it (the same rule).
    assert outside_internship_dates(Klass, date(2027, 1, 4), date(2027, 1, 11))
    Klass.internship_start = None
    assert not outside_internship_dates(Klass, *WEEK_3)  # dates unknown: no warning


def test_the_message_rule_and_prompts_come_before_typing(client, world):
    login(client, world.pupil.user)

    html = main_text(client.get(f"/candidatures/nouvelle/{world.period.id}"))

    assert html.index("entre 20 et 1 000 caractères") < html.index('name="message"')
    assert "Qu'est-ce qui t'attire dans ce stage" in html
    assert "Qu'aimerais-tu découvrir" in html
    assert 'data-count-output="message-compteur"' in html and 'id="message-compteur"' in html
    short = main_text(
        client.post(f"/candidatures/nouvelle/{world.period.id}", data={"message": "Trop court"})
    )
    assert "Ton message doit faire au moins 20 caractères." in short


def test_dashboard_puts_the_accepted_application_first_and_highlighted(client, world):
    make_application(world.pupil, world.other_offer.periods[0], ApplicationStatus.REFUSED)
    make_application(world.pupil, world.period_2)
    make_application(world.pupil, world.period, ApplicationStatus.ACCEPTED)
    db.session.commit()
    login(client, world.pupil.user)

    html = main_text(client.get("/candidatures"))

    highlight = re.search(r'<div class="application-highlight">.*?</article>', html, re.S)
    assert highlight and "du lundi 11 janvier 2027" in highlight.group(0)
    assert "Une entreprise t'accepte !" in highlight.group(0)
    assert html.count('class="application-highlight"') == 1
    assert html.index("du lundi 11 janvier 2027") < html.index("du lundi 18 janvier 2027")
    assert html.index("du lundi 18 janvier 2027") < html.index("Terminées")
    assert html.index("Terminées") < html.index("Assembler un avion")


# --- One voice --------------------------------------------------------------------------------

VOUS = re.compile(r"\b(vous|votre|vos)\b", re.I)
TU = re.compile(r"\b(tu|ton|ta|tes|toi|t')\b", re.I)


def without_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_pupil_pages_say_tu(client, world):
    application = make_application(world.pupil, world.period, ApplicationStatus.ACCEPTED)
    db.session.commit()
    login(client, world.pupil.user)
    pages = [
        "/recherche",
        "/recherche?periode=toutes&rayon=5",
        f"/offres/{world.offer.id}",
        f"/candidatures/nouvelle/{world.period_2.id}",
        "/candidatures",
        f"/candidatures/{application.id}",
    ]
    for url in pages:
        text = without_tags(main_text(client.get(url)))
        assert not VOUS.search(text), (url, VOUS.search(text))
        assert TU.search(text) or url.startswith("/recherche"), url


def test_emails_of_an_application_go_to_adults_and_say_vous(client, world):
    """Pupils have no e-mail address: every message of an application's life goes to the
    company or the teacher, who are adults: « vous », never « tu »."""
    login(client, world.pupil.user)
    client.post(f"/candidatures/nouvelle/{world.period.id}", data={"message": MESSAGE})
    application = services.pupil_applications(world.pupil)[0]
    services.accept(application, world.company_user, "Bienvenue !", utcnow())
    services.choose(application, world.pupil.user, utcnow())
    db.session.commit()

    messages = outbox()
    adults = {world.company_user.email, world.colleague.email, world.teacher.email}
    assert len(messages) >= 3
    assert {m.to_address for m in messages} <= adults
    assert any(VOUS.search(m.body) for m in messages)
    for message in messages:
        assert not re.search(r"\b(tu|ton|tes|toi)\b", message.body, re.I), message.body
