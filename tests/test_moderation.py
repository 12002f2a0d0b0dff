"""Staff moderation over HTTP: the queue, decisions on offers and companies (e-mailed through the
outbox), the filterable offer list (HTMX fragment and plain page), and who may reach it."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import (
    Commune,
    Company,
    CompanyStatus,
    Filiere,
    GeoPrecision,
    Level,
    Offer,
    OfferStatus,
    OfferTransition,
    OutboxMessage,
    Period,
    ProgramDay,
    Role,
    utcnow,
)
from tests import factories as f
from tests.factories import login

S = OfferStatus
MEAUX, MELUN = "77284", "77288"
HX = {"HX-Request": "true"}




def next_monday(weeks_ahead: int = 8) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def make_offer(
    company: Company,
    *,
    status: OfferStatus = S.SUBMITTED,
    insee: str = MEAUX,
    title: str = "Découvrir la maintenance industrielle",
    filiere: Filiere | None = None,
    submitted_at: datetime | None = None,
) -> Offer:
    """A complete 3e offer, built with the models; its site is the commune's town hall."""
    commune = db.session.get(Commune, insee)
    start = next_monday()
    offer = Offer(
        company=company,
        title=title,
        filiere=filiere or company.filiere,
        for_3e=True,
        status=status,
        observation_commitment_at=utcnow(),
        site_address="2 rue des Ateliers",
        site_postcode=commune.postcodes.split()[0],
        site_commune_insee=insee,
        latitude=commune.latitude_townhall,
        longitude=commune.longitude_townhall,
        geo_precision=GeoPrecision.COMMUNE,
        tutor_name="Sam Leroy",
        tutor_role="Technicien de maintenance",
        tutor_email="sam.leroy@usine.example",
        tutor_phone="+33164123456",
        day_start=time(9),
        day_end=time(16),
        break_start=time(12),
        break_end=time(13),
    )
    offer.periods = [
        Period(level=Level.TROISIEME, start_date=start, end_date=start + timedelta(days=4), seats=3)
    ]
    offer.program_days = [
        ProgramDay(day_number=n, title=f"Jour {n}", activities="Visite de l'atelier.\nQuestions.")
        for n in range(1, 6)
    ]
    db.session.add(offer)
    db.session.flush()
    if status != S.DRAFT:
        db.session.add(
            OfferTransition(
                offer=offer,
                from_status=S.DRAFT,
                to_status=S.SUBMITTED,
                created_at=submitted_at or utcnow(),
            )
        )
    db.session.flush()
    return offer


@pytest.fixture
def staff(app):
    return f.user(Role.STAFF, first_name="Dominique", last_name="Agent")


@pytest.fixture
def staff_client(client, staff):
    login(client, staff)
    return client


def company_with_user(status=CompanyStatus.APPROVED, **kwargs):
    company = f.company(status=status, **kwargs)
    member = f.user(Role.COMPANY, company_obj=company, email=f"contact{company.id}@usine.example")
    return company, member


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# --- The queue ----------------------------------------------------------------------------------


def test_queue_lists_submitted_offers_oldest_first_and_pending_companies(staff_client):
    company, _ = company_with_user()
    newer = make_offer(company, title="Offre récente", submitted_at=datetime(2026, 11, 20, 9))
    older = make_offer(company, title="Offre ancienne", submitted_at=datetime(2026, 11, 2, 9))
    make_offer(company, title="Offre déjà publiée", status=S.PUBLISHED)
    pending = f.company(name="Chaudronnerie en attente", status=CompanyStatus.PENDING)
    f.company(name="Usine déjà validée")
    db.session.commit()

    html = staff_client.get("/moderation/").get_data(as_text=True)

    assert html.index(older.title) < html.index(newer.title)
    assert "Offre déjà publiée" not in html
    assert "Chaudronnerie en attente" in html and pending.siret in html
    assert "Usine déjà validée" not in html
    assert "<strong>2 offres à modérer</strong>" in html
    assert "<strong>1 entreprise à valider</strong>" in html
    assert "CA du Pays de Meaux" in html
    assert "lundi 2 novembre 2026" in html  # the submission date, from the transition log


# --- Decisions on offers -------------------------------------------------------------------------


def test_publish_records_the_staff_transition_and_emails_the_company(staff_client, staff):
    company, member = company_with_user()
    offer = make_offer(company)
    db.session.commit()

    response = staff_client.post(f"/moderation/offres/{offer.id}/publier")

    assert response.status_code == 303 and response.headers["Location"].endswith("/moderation/")
    offer = reload(offer)
    assert offer.status == S.PUBLISHED and offer.published_at is not None
    last = offer.transitions[-1]
    assert (last.from_status, last.to_status, last.actor_id) == (S.SUBMITTED, S.PUBLISHED, staff.id)
    [mail] = outbox()
    assert mail.to_address == member.email
    assert mail.subject == f"Votre offre « {offer.title} » est publiée"
    assert f"http://127.0.0.1:5000/offres/{offer.id}" in mail.body  # PUBLIC_BASE_URL, not Host
    assert "est publiée" in staff_client.get("/moderation/").get_data(as_text=True)  # flash


def test_every_company_user_is_emailed(staff_client):
    company, first = company_with_user()
    second = f.user(Role.COMPANY, company_obj=company, email="collegue@usine.example")
    offer = make_offer(company)
    db.session.commit()
    staff_client.post(f"/moderation/offres/{offer.id}/publier")
    assert sorted(m.to_address for m in outbox()) == sorted([first.email, second.email])


@pytest.mark.parametrize("reason", ["", "   ", "Trop bref", "x" * 2001])
def test_reject_without_a_valid_reason_is_422_and_changes_nothing(staff_client, reason):
    company, _ = company_with_user()
    offer = make_offer(company)
    db.session.commit()

    response = staff_client.post(
        f"/moderation/offres/{offer.id}/refuser", data={"reject-reason": reason}
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "motif" in html.lower() and (
        "10 caractères" in html or "2000 caractères" in html or "Indiquez le motif" in html
    )
    offer = reload(offer)
    assert offer.status == S.SUBMITTED and offer.rejection_reason is None
    assert len(offer.transitions) == 1 and outbox() == []


def test_reject_with_a_reason_stores_and_emails_it(staff_client, staff):
    company, member = company_with_user()
    offer = make_offer(company)
    db.session.commit()
    reason = "Le programme du jour 3 prévoit l'utilisation d'une presse : interdit aux mineurs."

    response = staff_client.post(
        f"/moderation/offres/{offer.id}/refuser", data={"reject-reason": f"  {reason}  "}
    )

    assert response.status_code == 303
    offer = reload(offer)
    assert offer.status == S.REJECTED and offer.rejection_reason == reason
    last = offer.transitions[-1]
    assert (last.to_status, last.actor_id, last.message) == (S.REJECTED, staff.id, reason)
    [mail] = outbox()
    assert mail.to_address == member.email
    assert mail.subject == f"Votre offre « {offer.title} » n'a pas été acceptée"
    assert reason in mail.body and "http://127.0.0.1:5000/entreprise/" in mail.body


def test_publishing_an_offer_of_a_pending_company_is_refused(staff_client):
    company, _ = company_with_user(status=CompanyStatus.PENDING)
    offer = make_offer(company)
    db.session.commit()

    response = staff_client.post(f"/moderation/offres/{offer.id}/publier")

    assert response.status_code == 422
    assert "L&#39;entreprise n&#39;est pas encore validée" in response.get_data(as_text=True)
    assert reload(offer).status == S.SUBMITTED and outbox() == []


@pytest.mark.parametrize("status", [S.DRAFT, S.PUBLISHED, S.REJECTED])
def test_decisions_on_an_offer_not_in_review_are_refused(staff_client, status):
    company, _ = company_with_user()
    offer = make_offer(company, status=status)
    db.session.commit()
    publish = staff_client.post(f"/moderation/offres/{offer.id}/publier")
    reject = staff_client.post(
        f"/moderation/offres/{offer.id}/refuser",
        data={"reject-reason": "Un motif suffisamment long."},
    )
    assert publish.status_code == reject.status_code == 422
    assert "Impossible de passer l&#39;offre" in publish.get_data(as_text=True)
    assert reload(offer).status == status and outbox() == []


def test_htmx_decision_answers_hx_redirect_or_the_decision_fragment(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)
    db.session.commit()

    refused = staff_client.post(
        f"/moderation/offres/{offer.id}/refuser", data={"reject-reason": ""}, headers=HX
    )
    assert refused.status_code == 422
    fragment = refused.get_data(as_text=True)
    assert "<html" not in fragment and 'id="decision"' in fragment

    done = staff_client.post(f"/moderation/offres/{offer.id}/publier", headers=HX)
    assert done.status_code == 200 and done.headers["HX-Redirect"] == "/moderation/"


def test_decision_without_csrf_token_is_refused(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)
    db.session.commit()
    response = staff_client.post(f"/moderation/offres/{offer.id}/publier", csrf=False)
    assert response.status_code == 400
    assert reload(offer).status == S.SUBMITTED


def test_offer_detail_shows_content_tutor_and_log(staff_client, staff):
    company, member = company_with_user()
    offer = make_offer(company, title="Offre <b>grasse</b>")
    db.session.add(
        OfferTransition(
            offer=offer,
            actor_id=member.id,
            from_status=S.SUBMITTED,
            to_status=S.DRAFT,
            message="Reprise <i>pour</i> correction",
        )
    )
    offer.status = S.SUBMITTED
    db.session.commit()

    response = staff_client.get(f"/moderation/offres/{offer.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "sam.leroy@usine.example" in html and "01 64 12 34 56" in html  # staff sees the tutor
    assert "Offre &lt;b&gt;grasse&lt;/b&gt;" in html and "<b>grasse" not in html
    assert "Reprise &lt;i&gt;pour&lt;/i&gt; correction" in html
    assert member.display_name in html and "En attente de modération" in html
    assert 'name="reject-reason"' in html and ">Publier</button>" in html


def test_unknown_offer_or_company_is_404(staff_client):
    assert staff_client.get("/moderation/offres/999999").status_code == 404
    assert staff_client.get("/moderation/entreprises/999999").status_code == 404
    assert staff_client.post("/moderation/offres/999999/publier").status_code == 404


# --- Decisions on companies ----------------------------------------------------------------------


def test_company_detail_shows_siret_and_users(staff_client):
    company, member = company_with_user(status=CompanyStatus.PENDING)
    db.session.commit()
    html = staff_client.get(f"/moderation/entreprises/{company.id}").get_data(as_text=True)
    assert company.siret in html and member.email in html and member.display_name in html
    assert "Melun" in html and ">Valider</button>" in html


def test_company_approval_emails_its_users(staff_client):
    company, member = company_with_user(status=CompanyStatus.PENDING)
    db.session.commit()

    response = staff_client.post(f"/moderation/entreprises/{company.id}/valider")

    assert response.status_code == 303
    assert reload(company).status == CompanyStatus.APPROVED
    [mail] = outbox()
    assert mail.to_address == member.email and "validée" in mail.subject


def test_company_rejection_needs_a_reason_then_stores_and_emails_it(staff_client):
    company, member = company_with_user(status=CompanyStatus.PENDING)
    db.session.commit()

    empty = staff_client.post(
        f"/moderation/entreprises/{company.id}/refuser", data={"reject-reason": "  "}
    )
    assert empty.status_code == 422 and "Indiquez le motif" in empty.get_data(as_text=True)
    assert reload(company).status == CompanyStatus.PENDING and outbox() == []

    reason = "Ce SIRET correspond à un commerce de détail, pas à un site industriel."
    response = staff_client.post(
        f"/moderation/entreprises/{company.id}/refuser", data={"reject-reason": reason}
    )
    assert response.status_code == 303
    company = reload(company)
    assert company.status == CompanyStatus.REJECTED and company.rejection_reason == reason
    [mail] = outbox()
    assert mail.to_address == member.email and reason in mail.body
    assert "n'a pas été acceptée" in mail.subject
    # The sender takes no replies: the message must not ask for one.
    assert "répondez" not in mail.body.lower()


def test_an_approved_company_cannot_be_approved_or_refused_again(staff_client):
    company, _ = company_with_user()
    db.session.commit()
    again = staff_client.post(f"/moderation/entreprises/{company.id}/valider")
    refuse = staff_client.post(
        f"/moderation/entreprises/{company.id}/refuser",
        data={"reject-reason": "Un motif suffisamment long."},
    )
    assert again.status_code == refuse.status_code == 422
    assert "déjà validée" in again.get_data(as_text=True)
    assert reload(company).status == CompanyStatus.APPROVED and outbox() == []


def test_approving_the_company_then_publishing_its_offer_works(staff_client):
    company, _ = company_with_user(status=CompanyStatus.PENDING)
    offer = make_offer(company)
    db.session.commit()
    assert staff_client.post(f"/moderation/offres/{offer.id}/publier").status_code == 422
    assert staff_client.post(f"/moderation/entreprises/{company.id}/valider").status_code == 303
    assert staff_client.post(f"/moderation/offres/{offer.id}/publier").status_code == 303
    assert reload(offer).status == S.PUBLISHED


# --- The filterable list -------------------------------------------------------------------------


def result_titles(html: str) -> set[str]:
    return set(re.findall(r'/moderation/offres/\d+">([^<]+)</a>', html))


@pytest.fixture
def listed(app):
    """Offers across statuses, filières and two EPCIs (Meaux and Melun)."""
    company, _ = company_with_user(filiere=Filiere.AERONAUTICS)
    make_offer(company, title="Meaux aéro soumise", insee=MEAUX)
    make_offer(
        company,
        title="Meaux logistique publiée",
        insee=MEAUX,
        status=S.PUBLISHED,
        filiere=Filiere.LOGISTICS,
    )
    make_offer(company, title="Melun aéro publiée", insee=MELUN, status=S.PUBLISHED)
    make_offer(company, title="Melun aéro brouillon", insee=MELUN, status=S.DRAFT)
    db.session.commit()
    return {
        c.insee: c.epci_siren
        for c in (db.session.get(Commune, MEAUX), db.session.get(Commune, MELUN))
    }


def test_list_without_filters_shows_every_offer(staff_client, listed):
    html = staff_client.get("/moderation/offres").get_data(as_text=True)
    assert len(result_titles(html)) == 4 and "<html" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("statut=published", {"Meaux logistique publiée", "Melun aéro publiée"}),
        ("filiere=logistique", {"Meaux logistique publiée"}),
        ("statut=published&filiere=aeronautique", {"Melun aéro publiée"}),
    ],
)
def test_list_filters_by_status_and_filiere(staff_client, listed, query, expected):
    html = staff_client.get(f"/moderation/offres?{query}").get_data(as_text=True)
    assert result_titles(html) == expected


def test_list_filters_by_epci_of_the_site_commune(staff_client, listed):
    assert listed[MEAUX] != listed[MELUN]
    meaux = staff_client.get(f"/moderation/offres?epci={listed[MEAUX]}").get_data(as_text=True)
    melun = staff_client.get(f"/moderation/offres?epci={listed[MELUN]}&statut=draft")
    assert result_titles(meaux) == {"Meaux aéro soumise", "Meaux logistique publiée"}
    assert result_titles(melun.get_data(as_text=True)) == {"Melun aéro brouillon"}


def test_htmx_filter_request_gets_only_the_results_fragment(staff_client, listed):
    response = staff_client.get("/moderation/offres?statut=draft", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="offer-results">')
    assert result_titles(html) == {"Melun aéro brouillon"}
    assert "HX-Request" in response.headers["Vary"]


def test_filter_form_works_with_and_without_javascript(staff_client, listed):
    html = staff_client.get("/moderation/offres").get_data(as_text=True)
    form = re.search(r'<form method="get"[^>]*>', html).group(0)
    assert 'hx-trigger="change"' in form and 'hx-target="#offer-results"' in form
    assert 'hx-push-url="true"' in form and 'action="/moderation/offres"' in form
    assert '<button type="submit">Filtrer</button>' in html


def test_list_is_paginated_by_25(staff_client):
    company, _ = company_with_user()
    for n in range(30):
        make_offer(company, title=f"Offre numéro {n:02d}", status=S.PUBLISHED)
    db.session.commit()

    first = staff_client.get("/moderation/offres?statut=published").get_data(as_text=True)
    second = staff_client.get("/moderation/offres?statut=published&page=2").get_data(as_text=True)

    assert len(result_titles(first)) == 25 and len(result_titles(second)) == 5
    assert result_titles(first).isdisjoint(result_titles(second))
    assert "page=2" in first and "statut=published" in first  # the next link keeps the filter
    assert "page 2 sur 2" in second


@pytest.mark.parametrize(
    "query",
    [
        "statut=bogus",
        "filiere=%3Cscript%3E",
        "epci=999999999",
        "statut=published&page=abc",
        "page=-3",
        "page=99999",
        "statut=&filiere=&epci=",
        "statut=a&statut=b",
    ],
)
def test_unknown_filter_values_never_500(staff_client, listed, query):
    response = staff_client.get(f"/moderation/offres?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html


def test_unknown_filter_value_is_reported_and_ignored(staff_client, listed):
    html = staff_client.get("/moderation/offres?statut=bogus").get_data(as_text=True)
    assert "Valeur inconnue, ignorée" in html
    assert len(result_titles(html)) == 4


# --- Who may moderate ----------------------------------------------------------------------------

ROUTES = [
    ("get", "/moderation/"),
    ("get", "/moderation/offres"),
    ("get", "/moderation/offres/{offer}"),
    ("post", "/moderation/offres/{offer}/publier"),
    ("post", "/moderation/offres/{offer}/refuser"),
    ("get", "/moderation/entreprises/{company}"),
    ("post", "/moderation/entreprises/{company}/valider"),
    ("post", "/moderation/entreprises/{company}/refuser"),
]


@pytest.fixture
def targets(app):
    company, _ = company_with_user(status=CompanyStatus.PENDING)
    offer = make_offer(company)
    db.session.commit()
    return {"offer": offer.id, "company": company.id}


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_is_sent_to_login(client, targets, method, url):
    response = getattr(client, method)(url.format(**targets), data={"reject-reason": "x" * 20})
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.COMPANY, Role.TEACHER, Role.PUPIL])
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_other_roles_are_forbidden(client, targets, role, method, url):
    if role == Role.COMPANY:
        # Even a user of the very company under review.
        user = f.user(role, company_obj=db.session.get(Company, targets["company"]))
    else:
        user = f.user(role)
    login(client, user)
    response = getattr(client, method)(url.format(**targets), data={"reject-reason": "x" * 20})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.get(Offer, targets["offer"]).status == S.SUBMITTED
    assert db.session.get(Company, targets["company"]).status == CompanyStatus.PENDING


def test_staff_menu_has_the_moderation_link(staff_client):
    html = staff_client.get("/").get_data(as_text=True)
    assert '<a href="/moderation/">Modération</a>' in html
