"""The company space: its dashboard and the actions on its offers, its profile, its colleagues.

A company sees and touches only its own offers: every action route answers 404 for another
company's offer, and the company routes refuse every other role.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from capindustrie.companies import services
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    Company,
    CompanyStatus,
    Filiere,
    Level,
    Offer,
    OfferStatus,
    OfferTransition,
    OutboxMessage,
    Period,
    ProgramDay,
    Role,
    SizeBand,
    User,
)
from tests import factories
from tests.factories import login

TODAY = date.today()
# A Monday a few weeks ahead: periods "à venir" whatever day the suite runs.
NEXT_WEEK = TODAY + timedelta(days=28 - TODAY.weekday())




def make_offer(company: Company, title: str = "Découverte de la chaudronnerie",
               status: OfferStatus = OfferStatus.PUBLISHED, periods=((NEXT_WEEK, 5, 0),),
               for_2nde: bool = False) -> Offer:
    """`periods`: (monday, seats, seats_taken) tuples, 3e weeks."""
    offer = Offer(
        company=company, title=title, filiere=company.filiere, for_3e=not for_2nde,
        for_2nde=for_2nde, status=status,
    )
    offer.program_days = [
        ProgramDay(day_number=n, title=f"Jour {n} à l'atelier", activities="Observation du poste.")
        for n in range(1, (10 if for_2nde else 5) + 1)
    ]
    offer.periods = [
        Period(level=Level.TROISIEME, start_date=monday, end_date=monday + timedelta(days=4),
               seats=seats, seats_taken=taken)
        for monday, seats, taken in periods
    ]
    db.session.add(offer)
    db.session.commit()
    return offer


@pytest.fixture
def company_user(app):
    user = factories.user(Role.COMPANY, first_name="Nadia", last_name="Benali")
    db.session.commit()
    return user


@pytest.fixture
def company_client(client, company_user):
    login(client, company_user)
    return client


def other_company_offer() -> Offer:
    other = factories.company(name="Concurrent SA")
    return make_offer(other, title="Offre secrète du concurrent")


def transitions(offer: Offer) -> list[tuple]:
    rows = db.session.scalars(
        select(OfferTransition).where(OfferTransition.offer_id == offer.id)
        .order_by(OfferTransition.id)
    )
    return [(t.from_status, t.to_status, t.actor_id) for t in rows]


def period_blocks(html: str) -> list[str]:
    return html.split('class="period-block"')[1:]


# --- Dashboard ---------------------------------------------------------------------------------


def test_dashboard_lists_only_the_company_offers(company_client, company_user):
    make_offer(company_user.company, title="Atelier de chaudronnerie")
    other_company_offer()

    response = company_client.get("/entreprise/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert company_user.company.name in html
    assert "Atelier de chaudronnerie" in html and "Publiée" in html
    assert "Offre secrète du concurrent" not in html


def test_dashboard_counts_applications_per_period(company_client, company_user):
    offer = make_offer(
        company_user.company, periods=((NEXT_WEEK, 10, 3), (NEXT_WEEK + timedelta(days=7), 4, 0))
    )
    first, second = offer.periods
    klass = factories.school_class(factories.user(Role.TEACHER))
    per_period = {
        first: [ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED,
                ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED,
                ApplicationStatus.VALIDATED, ApplicationStatus.REFUSED,
                ApplicationStatus.WITHDRAWN],
        second: [ApplicationStatus.SUBMITTED, ApplicationStatus.EXPIRED],
    }
    pupils = [factories.pupil(klass, first_name=f"Élève{n}") for n in range(7)]
    for period, statuses in per_period.items():
        for pupil, status in zip(pupils, statuses, strict=False):
            db.session.add(
                Application(pupil=pupil, period=period, status=status, message="Bonjour")
            )
    db.session.commit()

    blocks = period_blocks(company_client.get("/entreprise/").get_data(as_text=True))

    assert len(blocks) == 2
    assert "Candidatures en attente : 2" in blocks[0]
    assert "Candidatures acceptées : 3" in blocks[0]
    assert "Places attribuées : 3" in blocks[0] and "Places restantes : 7" in blocks[0]
    assert "Candidatures en attente : 1" in blocks[1]
    assert "Candidatures acceptées : 0" in blocks[1]
    assert "Places restantes : 4" in blocks[1]


def test_dashboard_tells_a_pending_company_and_a_rejected_one_why(company_client, company_user):
    company_user.company.status = CompanyStatus.PENDING
    db.session.commit()
    html = company_client.get("/entreprise/").get_data(as_text=True)
    assert "en cours de validation par le Département" in html

    company_user.company.status = CompanyStatus.REJECTED
    company_user.company.rejection_reason = "SIRET d'un établissement fermé."
    db.session.commit()
    html = company_client.get("/entreprise/").get_data(as_text=True)
    assert "n'a pas été validée" in html and "SIRET d&#39;un établissement fermé." in html


def test_dashboard_offers_the_actions_the_lifecycle_allows(company_client, company_user):
    company = company_user.company
    published = make_offer(company, title="Offre publiée")
    closed = make_offer(company, title="Offre fermée", status=OfferStatus.CLOSED)
    draft = make_offer(company, title="Offre brouillon", status=OfferStatus.DRAFT)

    html = company_client.get("/entreprise/").get_data(as_text=True)

    assert f"/entreprise/offres/{published.id}/fermer" in html
    assert f"/entreprise/offres/{published.id}/rouvrir" not in html
    assert f"/entreprise/offres/{closed.id}/rouvrir" in html
    assert f"/entreprise/offres/{draft.id}/fermer" not in html
    assert f"/entreprise/offres/{draft.id}/etape/1" in html
    assert f"/offres/{published.id}\"" in html  # the public page of a published offer
    assert 'href="/entreprise/offres/nouvelle"' in html


# --- Close and reopen --------------------------------------------------------------------------


def test_close_a_published_offer_records_the_transition(company_client, company_user):
    offer = make_offer(company_user.company)

    response = company_client.post(f"/entreprise/offres/{offer.id}/fermer")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/entreprise/#offre-{offer.id}")
    db.session.refresh(offer)
    assert offer.status == OfferStatus.CLOSED
    assert transitions(offer)[-1] == (OfferStatus.PUBLISHED, OfferStatus.CLOSED, company_user.id)
    assert "Offre fermée" in company_client.get("/entreprise/").get_data(as_text=True)


def test_close_over_htmx_answers_the_offer_row(company_client, company_user):
    offer = make_offer(company_user.company)

    response = company_client.post(
        f"/entreprise/offres/{offer.id}/fermer", headers={"HX-Request": "true"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="offre-{offer.id}"')
    assert "<html" not in html and "Fermée" in html and "Rouvrir" in html


def test_reopen_a_closed_offer_with_a_free_future_seat(company_client, company_user):
    offer = make_offer(company_user.company, status=OfferStatus.CLOSED)

    response = company_client.post(f"/entreprise/offres/{offer.id}/rouvrir")

    assert response.status_code == 303
    db.session.refresh(offer)
    assert offer.status == OfferStatus.PUBLISHED
    assert transitions(offer)[-1] == (OfferStatus.CLOSED, OfferStatus.PUBLISHED, company_user.id)


def test_reopen_refused_when_no_future_seat_is_free(company_client, company_user):
    offer = make_offer(
        company_user.company, status=OfferStatus.CLOSED, periods=((NEXT_WEEK, 3, 3),)
    )

    response = company_client.post(f"/entreprise/offres/{offer.id}/rouvrir")

    assert response.status_code == 422
    assert "Aucune place n&#39;est libre sur une période à venir" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.status == OfferStatus.CLOSED
    assert transitions(offer) == []


def test_close_refused_for_a_draft(company_client, company_user):
    offer = make_offer(company_user.company, status=OfferStatus.DRAFT)

    response = company_client.post(
        f"/entreprise/offres/{offer.id}/fermer", headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    assert "Impossible de passer l&#39;offre de « Brouillon » à « Fermée »" in response.get_data(
        as_text=True
    )
    db.session.refresh(offer)
    assert offer.status == OfferStatus.DRAFT


def test_close_without_csrf_token_is_refused(company_client, company_user):
    offer = make_offer(company_user.company)

    response = company_client.post(f"/entreprise/offres/{offer.id}/fermer", csrf=False)

    assert response.status_code == 400
    db.session.refresh(offer)
    assert offer.status == OfferStatus.PUBLISHED


# --- Duplicate ---------------------------------------------------------------------------------


def test_duplicate_a_3e_offer_for_2nde(company_client, company_user):
    offer = make_offer(company_user.company, title="Maintenance industrielle")

    response = company_client.post(
        f"/entreprise/offres/{offer.id}/dupliquer", data={f"duplicate-{offer.id}-levels": "2nde"}
    )

    copy = db.session.scalar(select(Offer).where(Offer.id != offer.id))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/entreprise/offres/{copy.id}/etape/1")
    assert copy.company_id == offer.company_id and copy.status == OfferStatus.DRAFT
    assert (copy.for_3e, copy.for_2nde) == (False, True)
    assert len(copy.program_days) == 10 and copy.periods == []
    # The company's own days come first; the template completes the fortnight.
    assert [d.title for d in copy.program_days[:5]] == [d.title for d in offer.program_days]
    assert transitions(copy) == [(None, OfferStatus.DRAFT, company_user.id)]


def test_duplicate_with_the_same_levels(company_client, company_user):
    offer = make_offer(company_user.company, status=OfferStatus.ARCHIVED)

    response = company_client.post(
        f"/entreprise/offres/{offer.id}/dupliquer", data={f"duplicate-{offer.id}-levels": "same"}
    )

    assert response.status_code == 303
    copy = db.session.scalar(select(Offer).where(Offer.id != offer.id))
    assert (copy.for_3e, copy.for_2nde) == (True, False) and len(copy.program_days) == 5


def test_duplicate_with_an_unknown_level_is_refused(company_client, company_user):
    offer = make_offer(company_user.company)

    response = company_client.post(
        f"/entreprise/offres/{offer.id}/dupliquer", data={f"duplicate-{offer.id}-levels": "CAP"}
    )

    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Offer.id))) == 1


# --- Seats -------------------------------------------------------------------------------------


def seats_url(offer: Offer) -> str:
    return f"/entreprise/offres/{offer.id}/periodes/{offer.periods[0].id}/places"


def test_change_seats(company_client, company_user):
    offer = make_offer(company_user.company, periods=((NEXT_WEEK, 5, 2),))
    period = offer.periods[0]

    response = company_client.post(seats_url(offer), data={f"period-{period.id}-seats": "8"})

    assert response.status_code == 303
    db.session.refresh(period)
    assert period.seats == 8


def test_change_seats_over_htmx_swaps_the_row(company_client, company_user):
    offer = make_offer(company_user.company, periods=((NEXT_WEEK, 5, 2),))
    period = offer.periods[0]

    response = company_client.post(
        seats_url(offer), data={f"period-{period.id}-seats": "12"}, headers={"HX-Request": "true"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="offre-{offer.id}"')
    assert 'value="12"' in html and "Places restantes : 10" in html


def test_seats_cannot_go_below_the_seats_taken(company_client, company_user):
    offer = make_offer(company_user.company, periods=((NEXT_WEEK, 5, 3),))
    period = offer.periods[0]

    response = company_client.post(seats_url(offer), data={f"period-{period.id}-seats": "2"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Impossible de descendre sous les 3 places déjà attribuées." in html
    assert f'id="period-{period.id}-seats-erreur"' in html  # beside its field
    db.session.refresh(period)
    assert period.seats == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Une période compte au moins 1 place."),
        ("21", "Une période compte au plus 20 places."),
        ("-3", "Une période compte au moins 1 place."),
        ("", "Indiquez un nombre de places."),
        ("beaucoup", "Indiquez un nombre entier, par exemple 5."),
    ],
)
def test_seats_out_of_range_are_refused(company_client, company_user, value, message):
    offer = make_offer(company_user.company)
    period = offer.periods[0]

    response = company_client.post(
        seats_url(offer), data={f"period-{period.id}-seats": value}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(period)
    assert period.seats == 5


def test_seats_down_to_the_seats_taken_closes_the_offer(company_client, company_user):
    offer = make_offer(company_user.company, periods=((NEXT_WEEK, 5, 3),))
    period = offer.periods[0]

    response = company_client.post(seats_url(offer), data={f"period-{period.id}-seats": "3"})

    assert response.status_code == 303
    db.session.refresh(offer)
    assert period.seats == 3 and offer.status == OfferStatus.CLOSED


def test_seats_of_a_past_period_do_not_change(company_client, company_user):
    offer = make_offer(company_user.company, periods=((TODAY - timedelta(days=30), 5, 0),))
    period = offer.periods[0]

    response = company_client.post(seats_url(offer), data={f"period-{period.id}-seats": "8"})

    assert response.status_code == 422
    assert "Cette période est terminée" in response.get_data(as_text=True)
    db.session.refresh(period)
    assert period.seats == 5


def test_a_period_of_another_offer_is_not_found(company_client, company_user):
    mine = make_offer(company_user.company)
    theirs = other_company_offer()
    period = theirs.periods[0]

    response = company_client.post(
        f"/entreprise/offres/{mine.id}/periodes/{period.id}/places",
        data={f"period-{period.id}-seats": "1"},
    )

    assert response.status_code == 404
    db.session.refresh(period)
    assert period.seats == 5


# --- Ownership and roles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("fermer", {}),
        ("rouvrir", {}),
        ("dupliquer", {"levels": "same"}),
        ("periodes/{period}/places", {"seats": "1"}),
    ],
)
def test_another_company_offer_is_not_found(company_client, action, data):
    offer = other_company_offer()
    period = offer.periods[0]
    prefix = f"period-{period.id}" if "places" in action else f"duplicate-{offer.id}"

    response = company_client.post(
        f"/entreprise/offres/{offer.id}/" + action.format(period=period.id),
        data={f"{prefix}-{k}": v for k, v in data.items()},
    )

    assert response.status_code == 404
    db.session.refresh(offer)
    assert offer.status == OfferStatus.PUBLISHED and offer.periods[0].seats == 5
    assert db.session.scalar(select(func.count(Offer.id))) == 1


COMPANY_PAGES = ["/entreprise/", "/entreprise/profil", "/entreprise/collegues",
                 "/entreprise/profil/communes?postcode=77000"]


@pytest.mark.parametrize("role", [Role.PUPIL, Role.TEACHER, Role.STAFF])
@pytest.mark.parametrize("url", COMPANY_PAGES)
def test_other_roles_are_refused(client, role, url):
    if role == Role.PUPIL:
        user = factories.pupil(factories.school_class(factories.user(Role.TEACHER))).user
    else:
        user = factories.user(role)
    db.session.commit()
    login(client, user)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.PUPIL, Role.TEACHER, Role.STAFF])
def test_other_roles_cannot_close_an_offer(client, role):
    offer = other_company_offer()
    user = factories.user(role) if role != Role.PUPIL else factories.pupil(
        factories.school_class(factories.user(Role.TEACHER))).user
    db.session.commit()
    login(client, user)

    assert client.post(f"/entreprise/offres/{offer.id}/fermer").status_code == 403
    db.session.refresh(offer)
    assert offer.status == OfferStatus.PUBLISHED


@pytest.mark.parametrize("url", COMPANY_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_anonymous_post_is_sent_to_the_login_page(client):
    offer = other_company_offer()
    response = client.post(f"/entreprise/offres/{offer.id}/fermer")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


# --- Profile -----------------------------------------------------------------------------------


def profile_data(**overrides) -> dict:
    data = {
        "name": "Chaudronnerie de la Brie",
        "filiere": Filiere.MATERIALS.value,
        "address": "12 rue des Forges",
        "postcode": "77090",
        "size_band": SizeBand.SMALL.value,
        "presentation": "Nous fabriquons des cuves en inox pour l'agroalimentaire.",
        "website": "https://www.chaudronnerie-brie.fr",
    }
    data.update(overrides)
    return data


def test_profile_page_shows_the_siret_read_only(company_client, company_user):
    html = company_client.get("/entreprise/profil").get_data(as_text=True)
    assert company_user.company.siret in html
    assert 'name="siret"' not in html
    assert "10 à 49 salariés" in html and "Industrie des matériaux" in html


def test_profile_edit(company_client, company_user):
    company = company_user.company
    siret = company.siret

    response = company_client.post(
        "/entreprise/profil", data=profile_data(siret="11111111111111")
    )

    assert response.status_code == 303
    db.session.refresh(company)
    assert company.name == "Chaudronnerie de la Brie"
    assert company.filiere == Filiere.MATERIALS
    assert (company.address, company.postcode, company.commune_insee) == (
        "12 rue des Forges", "77090", "77121"
    )
    assert company.size_band == SizeBand.SMALL
    assert company.website == "https://www.chaudronnerie-brie.fr"
    assert company.siret == siret


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "www.exemple.fr", "Indiquez une adresse web complète"),
        ("website", "ftp://exemple.fr/", "doit commencer par https:// ou http://"),
        ("website", "javascript://exemple.fr/%0Aalert(1)", "doit commencer par https:// ou http://"),
        ("postcode", "77999", "ne correspond à aucune commune de Seine-et-Marne"),
        ("postcode", "7700", "Le code postal compte 5 chiffres"),
        ("name", "", "Ce champ est obligatoire."),
        ("presentation", "x" * 2001, "Ce texte dépasse 2000 caractères."),
        ("filiere", "chimie", "Choisissez une valeur dans la liste."),
    ],
)
def test_profile_invalid_input_saves_nothing(company_client, company_user, field, value, message):
    company = company_user.company
    before = (company.name, company.website, company.postcode, company.filiere)

    response = company_client.post("/entreprise/profil", data=profile_data(**{field: value}))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(company)
    assert (company.name, company.website, company.postcode, company.filiere) == before


def test_profile_postcode_shared_by_several_communes_asks_which(company_client, company_user):
    response = company_client.post("/entreprise/profil", data=profile_data(postcode="77100"))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Plusieurs communes ont ce code postal : choisissez la vôtre." in html
    assert ">Meaux<" in html and ">Nanteuil-lès-Meaux<" in html

    response = company_client.post(
        "/entreprise/profil", data=profile_data(postcode="77100", commune="77330")
    )
    assert response.status_code == 303
    assert company_user.company.commune_insee == "77330"


def test_profile_refuses_a_commune_of_another_postcode(company_client, company_user):
    response = company_client.post(
        "/entreprise/profil", data=profile_data(postcode="77000", commune="77284")  # Meaux
    )
    assert response.status_code == 422
    assert company_user.company.postcode is None


def test_postcode_communes_fragment(company_client):
    response = company_client.get(
        "/entreprise/profil/communes?postcode=77100", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="commune-field"' in html
    assert [name for name in ("Mareuil-lès-Meaux", "Meaux", "Nanteuil-lès-Meaux") if name in html]


# --- Colleagues and invitations ----------------------------------------------------------------


def invite(client, email: str):
    return client.post("/entreprise/collegues", data={"email": email})


def invitation_token_from_outbox() -> str:
    message = db.session.scalar(select(OutboxMessage))
    match = re.search(r"https?://[^/\s]+/invitation/(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def accept(client, token: str, **overrides):
    data = {"first_name": "Hugo", "last_name": "Lefèvre",
            "password": "Tuyauterie-Inox-2027", "confirmation": "Tuyauterie-Inox-2027"}
    data.update(overrides)
    return client.post(f"/invitation/{token}", data=data)


def test_colleagues_page_lists_only_the_company_users(company_client, company_user):
    factories.user(Role.COMPANY, email="collegue@exemple.fr", company_obj=company_user.company)
    factories.user(Role.COMPANY, email="ailleurs@concurrent.fr")
    db.session.commit()

    html = company_client.get("/entreprise/collegues").get_data(as_text=True)

    assert company_user.email in html and "collegue@exemple.fr" in html
    assert "ailleurs@concurrent.fr" not in html
    assert "Jamais" in html


def test_invite_then_accept_creates_the_colleague_in_the_company(app, company_client, company_user):
    company = company_user.company

    response = invite(company_client, "Hugo.Lefevre@Exemple.fr")

    assert response.status_code == 303
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "hugo.lefevre@exemple.fr"
    assert message.subject == f"Invitation à rejoindre {company.name} sur Cap Industrie"
    assert "Nadia Benali" in message.body and "7 jours" in message.body
    token = invitation_token_from_outbox()

    visitor = app.test_client()
    page = visitor.get(f"/invitation/{token}")
    assert page.status_code == 200 and "hugo.lefevre@exemple.fr" in page.get_data(as_text=True)

    response = accept(visitor, token)

    assert response.status_code == 303 and response.headers["Location"].endswith("/entreprise/")
    user = db.session.scalar(select(User).where(User.email == "hugo.lefevre@exemple.fr"))
    assert (user.role, user.company_id, user.first_name) == (Role.COMPANY, company.id, "Hugo")
    # Logged in as the new colleague, on the company's dashboard.
    dashboard = visitor.get("/entreprise/")
    assert dashboard.status_code == 200 and company.name in dashboard.get_data(as_text=True)

    # The same link a second time: the e-mail is now registered.
    again = app.test_client().get(f"/invitation/{token}")
    assert again.status_code == 400
    assert "déjà été utilisée" in again.get_data(as_text=True)
    assert accept(app.test_client(), token, first_name="Intrus").status_code == 400
    assert db.session.scalar(select(func.count(User.id)).where(User.company_id == company.id)) == 2


def test_accept_with_a_bad_password_creates_nothing(app, company_client):
    invite(company_client, "hugo@exemple.fr")
    token = invitation_token_from_outbox()
    visitor = app.test_client()

    mismatch = accept(visitor, token, confirmation="Autre-Chose-2027!")
    too_short = accept(visitor, token, password="court", confirmation="court")

    assert mismatch.status_code == 422
    assert "Les deux mots de passe ne correspondent pas." in mismatch.get_data(as_text=True)
    assert too_short.status_code == 422
    assert "au moins 10 caractères" in too_short.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "hugo@exemple.fr")) is None


def test_invite_an_already_registered_email_is_refused(company_client):
    factories.user(Role.TEACHER, email="prof.dupont@ac-creteil.fr")
    db.session.commit()

    response = invite(company_client, "Prof.Dupont@ac-creteil.fr")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Un compte Cap Industrie existe déjà avec cette adresse" in html
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_invite_an_invalid_email_is_refused(company_client):
    response = invite(company_client, "pas-une-adresse")
    assert response.status_code == 422
    assert "Adresse e-mail invalide" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_expired_invitation_is_refused(make_app):
    expired_app = make_app(INVITATION_MAX_AGE=-1)
    with expired_app.app_context():
        company = factories.company()
        db.session.commit()
        with expired_app.test_request_context():
            token = services.invitation_token(company, "tard@exemple.fr")
        client = expired_app.test_client()

        page = client.get(f"/invitation/{token}")
        accepted = accept(client, token)

        assert page.status_code == 400
        assert "Cette invitation a expiré" in page.get_data(as_text=True)
        assert accepted.status_code == 400
        assert db.session.scalar(select(User).where(User.email == "tard@exemple.fr")) is None


@pytest.mark.parametrize("tamper", ["garbage", "swap-company"])
def test_forged_invitation_is_refused(app, company_user, tamper):
    if tamper == "garbage":
        token = "eyJjb21wYW55X2lkIjoxfQ.forged.signature"
    else:
        # A token signed with another key (or salt) cannot name a company.
        from itsdangerous import URLSafeTimedSerializer

        token = URLSafeTimedSerializer("another-key", salt="company-invitation").dumps(
            {"company_id": company_user.company_id, "email": "intrus@exemple.fr"}
        )

    response = accept(app.test_client(), token)

    assert response.status_code == 400
    assert "Ce lien d&#39;invitation n&#39;est pas valide" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "intrus@exemple.fr")) is None


def test_menu_links_for_a_company_user(company_client):
    html = company_client.get("/entreprise/").get_data(as_text=True)
    for label in ("Mes offres", "Mon entreprise", "Collègues"):
        assert f">{label}</a>" in html


def test_application_counts_ignore_periods_without_applications(app, company_user):
    offer = make_offer(company_user.company)
    counts = services.application_counts([offer])
    assert counts == {offer.periods[0].id: services.PeriodCounts(pending=0, accepted=0)}


def test_profile_head_office_outside_the_departement_is_kept_without_commune(
    company_client, company_user
):
    response = company_client.post(
        "/entreprise/profil", data=profile_data(address="8 rue de Rivoli", postcode="75001")
    )
    assert response.status_code == 303
    db.session.refresh(company_user.company)
    company = company_user.company
    assert (company.address, company.postcode, company.commune_insee) == (
        "8 rue de Rivoli", "75001", None
    )
