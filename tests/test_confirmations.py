"""Confirmations of irreversible actions (issue 17, point 6): each action's URL answers a GET
with a confirmation that states the consequence and holds the POST form (CSRF token included),
as a page without JavaScript and as a panel for htmx; the POST does what the confirmation said.

The clock is frozen on 25 November 2026; the periods are 3e weeks in January 2027.
"""

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
import time_machine

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Application, OfferStatus, Role
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import application_in, company_user_of, published_period

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=False):
        yield


def words(response) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return unescape(re.sub(r" ([,.:])", r"\1", text))


def post_form(response) -> str:
    """The confirmation's form: method, action, CSRF field."""
    html = response.get_data(as_text=True)
    start = html.index('<section class="confirm-panel')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def pupil(app, klass):
    obj = f.pupil(klass, first_name="Inès", last_name="Moreau")
    db.session.commit()
    return obj


def pupil_client(client, pupil):
    login(client, pupil.user)
    return client


# --- Pupil: choose -------------------------------------------------------------------------------


def test_choose_asks_first_and_names_the_applications_it_withdraws(client, pupil):
    chosen = application_in(
        pupil, published_period(f.company(name="Forges de Meaux"), title="Forge"), S.ACCEPTED
    )
    same_week = [
        application_in(pupil, published_period(f.company(name=n), title=t), S.SUBMITTED)
        for n, t in (("Usine A", "Chaudronnerie"), ("Usine B", "Soudure"))
    ]
    later = application_in(
        pupil, published_period(title="Plus tard", start=date(2027, 1, 18)), S.SUBMITTED
    )
    db.session.commit()
    pupil_client(client, pupil)
    url = f"/candidatures/{chosen.id}/choisir"

    page = client.get(url)
    assert page.status_code == 200
    text = words(page)
    assert "Choisir ce stage ?" in text
    assert (
        "Tes 2 autres candidatures pour la semaine du lundi 11 janvier 2027 seront "
        "retirées: « Chaudronnerie » (Usine A), « Soudure » (Usine B). Les entreprises "
        "seront prévenues."
    ) in text
    assert "Plus tard" not in text  # another week: it stays
    form = post_form(page)
    assert f'method="post" action="{url}"' in form
    assert 'name="csrf_token"' in form
    assert "<h1" in form  # the page's heading

    done = client.post(url)
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, chosen.id).status == S.CONFIRMED
    assert {db.session.get(Application, a.id).status for a in same_week} == {S.WITHDRAWN}
    assert db.session.get(Application, later.id).status == S.SUBMITTED


def test_choose_with_nothing_else_says_nothing_is_withdrawn(client, pupil):
    chosen = application_in(pupil, published_period(), S.ACCEPTED)
    db.session.commit()
    text = words(pupil_client(client, pupil).get(f"/candidatures/{chosen.id}/choisir"))
    assert (
        "Tu n'as pas d'autre candidature pour la semaine du lundi 11 janvier 2027: rien "
        "d'autre n'est retiré."
    ) in text
    assert "Ce choix est définitif" in text


def test_choose_confirmation_for_htmx_is_the_panel_alone(client, pupil):
    chosen = application_in(pupil, published_period(), S.ACCEPTED)
    db.session.commit()
    panel = pupil_client(client, pupil).get(f"/candidatures/{chosen.id}/choisir", headers=HX)
    html = panel.get_data(as_text=True)
    assert panel.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section class="confirm-panel')
    assert "data-swap-heading" in html and "data-confirm-cancel" in html
    assert 'name="csrf_token"' in html


def test_dashboard_buttons_open_the_confirmations_instead_of_posting(client, pupil):
    accepted = application_in(pupil, published_period(), S.ACCEPTED)
    db.session.commit()
    html = pupil_client(client, pupil).get("/candidatures").get_data(as_text=True)
    choose = f"/candidatures/{accepted.id}/choisir"
    decline = f"/candidatures/{accepted.id}/retirer"
    assert f'href="{choose}" hx-get="{choose}"' in html
    assert f'href="{decline}" hx-get="{decline}"' in html
    assert f'action="{choose}"' not in html and f'action="{decline}"' not in html


# --- Pupil: withdraw and decline -----------------------------------------------------------------


def test_withdraw_asks_first_then_withdraws(client, pupil):
    waiting = application_in(pupil, published_period(f.company(name="Usine A")), S.SUBMITTED)
    db.session.commit()
    pupil_client(client, pupil)
    url = f"/candidatures/{waiting.id}/retirer"
    text = words(client.get(url))
    assert "Retirer ta candidature ?" in text
    assert "l'entreprise sera prévenue" in text
    assert "tu ne pourras plus candidater à cette période de cette offre" in text
    assert client.post(url).status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, waiting.id).status == S.WITHDRAWN


def test_decline_says_the_seat_is_freed(client, pupil):
    accepted = application_in(pupil, published_period(f.company(name="Usine A")), S.ACCEPTED)
    db.session.commit()
    text = words(pupil_client(client, pupil).get(f"/candidatures/{accepted.id}/retirer"))
    assert "Décliner la proposition ?" in text
    assert "La place que Usine A te réservait" in text and "sera libérée" in text


def test_confirmation_of_a_finished_application_goes_back_with_why(client, pupil):
    refused = application_in(pupil, published_period(), S.REFUSED)
    db.session.commit()
    pupil_client(client, pupil)
    response = client.get(f"/candidatures/{refused.id}/retirer")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/candidatures#candidature-{refused.id}")
    assert "n'est plus possible" in words(client.get("/candidatures"))
    assert client.get(f"/candidatures/{refused.id}/choisir").status_code == 303


def test_another_pupils_confirmation_is_not_found(client, pupil, klass):
    mine = application_in(pupil, published_period(), S.ACCEPTED)
    other = f.pupil(klass, first_name="Tom")
    db.session.commit()
    login(client, other.user)
    assert client.get(f"/candidatures/{mine.id}/choisir").status_code == 404
    assert client.get(f"/candidatures/{mine.id}/retirer").status_code == 404


# --- Company: accept and refuse ------------------------------------------------------------------


@pytest.fixture
def waiting(app, pupil):
    application = application_in(pupil, published_period(seats=4), S.SUBMITTED)
    db.session.commit()
    return application


def company_client(client, application):
    login(client, company_user_of(application.period.offer.company))
    return client


def test_accept_asks_first_with_the_seat_and_the_delay(client, waiting):
    company_client(client, waiting)
    url = f"/entreprise/candidatures/{waiting.id}/accepter"
    page = client.get(url)
    text = words(page)
    assert "Accepter la candidature d'Inès M. ?" in text
    assert (
        "Une place de la période du lundi 11 janvier 2027 au vendredi 15 janvier 2027 lui "
        "sera réservée (ensuite: 3 places restantes)."
    ) in text
    assert "Inès M. aura 7 jours pour confirmer son choix" in text
    form = post_form(page)
    assert f'action="{url}"' in form and f'name="answer-{waiting.id}-message"' in form
    assert 'name="answer-' in form and "csrf_token" in form
    done = client.post(url, data={f"answer-{waiting.id}-message": "À bientôt à l'atelier !"})
    assert done.status_code == 303
    db.session.expire_all()
    accepted = db.session.get(Application, waiting.id)
    assert accepted.status == S.ACCEPTED and accepted.answer_message == "À bientôt à l'atelier !"


def test_refuse_asks_first_and_its_htmx_panel_swaps_the_card(client, waiting):
    company_client(client, waiting)
    url = f"/entreprise/candidatures/{waiting.id}/refuser"
    panel = client.get(url, headers=HX).get_data(as_text=True)
    assert "Refuser la candidature d'Inès M. ?" in unescape(panel)
    assert f'hx-post="{url}" hx-target="closest .application-card"' in panel
    card = client.post(url, data={}, headers=HX)
    assert card.status_code == 200
    assert "Candidature refusée." in card.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, waiting.id).status == S.REFUSED


def test_accept_and_refuse_are_separate_links_on_the_card(client, waiting):
    html = company_client(client, waiting).get("/entreprise/candidatures").get_data(as_text=True)
    accept = f"/entreprise/candidatures/{waiting.id}/accepter"
    refuse = f"/entreprise/candidatures/{waiting.id}/refuser"
    assert f'id="accepter-{waiting.id}"' in html and f'id="refuser-{waiting.id}"' in html
    assert f'href="{accept}"' in html and f'href="{refuse}"' in html
    assert f'action="{accept}"' not in html  # no one-tap answer left


def test_another_companys_confirmation_is_not_found(client, waiting):
    login(client, f.user(Role.COMPANY))
    assert client.get(f"/entreprise/candidatures/{waiting.id}/accepter").status_code == 404
    assert client.get(f"/entreprise/candidatures/{waiting.id}/refuser").status_code == 404


def test_answered_application_has_no_confirmation(client, pupil):
    accepted = application_in(pupil, published_period(), S.ACCEPTED)
    db.session.commit()
    company_client(client, accepted)
    response = client.get(f"/entreprise/candidatures/{accepted.id}/refuser")
    assert response.status_code == 303


# --- Company: close an offer ---------------------------------------------------------------------


def test_close_offer_asks_first_and_says_what_stops(client, waiting):
    offer = waiting.period.offer
    company_client(client, waiting)
    url = f"/entreprise/offres/{offer.id}/fermer"
    page = client.get(url)
    text = words(page)
    assert f"Fermer l'offre « {offer.title} » ?" in text
    assert "Ne plus recevoir de candidatures" in text
    assert "1 candidature déjà reçue attend votre réponse: elle reste à traiter." in text
    assert f'action="{url}"' in post_form(page)
    dashboard = client.get("/entreprise/").get_data(as_text=True)
    assert f'href="{url}" hx-get="{url}"' in dashboard and f'action="{url}"' not in dashboard
    assert client.post(url).status_code == 303
    db.session.refresh(offer)
    assert offer.status == OfferStatus.CLOSED
    # Closed: nothing left to confirm.
    assert client.get(url).status_code == 303


def test_close_offer_htmx_panel_swaps_the_row(client, waiting):
    offer = waiting.period.offer
    company_client(client, waiting)
    url = f"/entreprise/offres/{offer.id}/fermer"
    panel = client.get(url, headers=HX).get_data(as_text=True)
    assert f'hx-post="{url}" hx-target="closest tr"' in panel
    row = client.post(url, headers=HX).get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="offre-{offer.id}"')
    assert "Offre fermée" in row


def test_another_companys_offer_close_confirmation_is_not_found(client, waiting):
    login(client, f.user(Role.COMPANY))
    offer_id = waiting.period.offer_id
    assert client.get(f"/entreprise/offres/{offer_id}/fermer").status_code == 404


# --- Company: teachers' proposals ----------------------------------------------------------------


@pytest.fixture
def proposal(app, pupil, teacher):
    from capindustrie.applications import proposals

    application = proposals._create(pupil, published_period(), teacher, datetime(2026, 11, 24, 9))
    db.session.commit()
    return application


def test_proposal_answers_ask_first(client, proposal):
    company_client(client, proposal)
    accept = f"/entreprise/propositions/{proposal.id}/accepter"
    decline = f"/entreprise/propositions/{proposal.id}/refuser"
    page = client.get(accept)
    assert "Accepter la proposition pour Inès M. ?" in words(page)
    assert f'action="{accept}"' in post_form(page)
    panel = client.get(decline, headers=HX).get_data(as_text=True)
    assert "Refuser la proposition pour Inès M. ?" in unescape(panel)
    assert f'hx-post="{decline}" hx-target="#company-proposals"' in panel
    listing = client.get("/entreprise/propositions").get_data(as_text=True)
    assert f'href="{accept}"' in listing and f'action="{accept}"' not in listing
    assert client.post(decline, headers=HX).status_code == 200
    db.session.expire_all()
    assert db.session.get(Application, proposal.id).status == S.REFUSED
    assert client.get(accept).status_code == 303  # answered: nothing left to confirm


def test_another_companys_proposal_confirmation_is_not_found(client, proposal):
    login(client, f.user(Role.COMPANY))
    assert client.get(f"/entreprise/propositions/{proposal.id}/accepter").status_code == 404
