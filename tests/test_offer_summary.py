"""« L'offre en quelques mots » (Offer.summary), asked at step 1 of the wizard: required, 80 to
500 characters of plain text, prefilled from the filière's template, editable later with the
same rule as every other field (a published offer goes back to review when it changes)."""

import html
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import Filiere, Level, Offer, OfferStatus, Role
from capindustrie.offers.program_templates import TEMPLATE_SUMMARIES, summary_template
from tests import factories as f
from tests.factories import login

SUMMARY = (
    "Voir comment on fabrique un médicament : la salle de pesée, la ligne de conditionnement "
    "et le laboratoire qui contrôle chaque lot."
)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def company_user(app):
    user = f.user(
        Role.COMPANY, company_obj=f.company("Laboratoires de la Brie", Filiere.HEALTH_PHARMA)
    )
    db.session.commit()
    return user


@pytest.fixture
def company_client(client, company_user):
    login(client, company_user)
    return client


def step1(**changes) -> dict:
    data = {
        "title": "Découvrir la pharmacie industrielle",
        "filiere": "sante_pharmaceutique",
        "for_3e": "y",
        "summary": SUMMARY,
        "direction": "next",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def offers_count() -> int:
    return db.session.scalar(select(func.count(Offer.id)))


def test_every_template_has_a_summary_the_wizard_accepts():
    for filiere in Filiere:
        for level in Level:
            text = summary_template(filiere, level)
            assert 80 <= len(text) <= 500, (filiere, level)
    assert len(set(TEMPLATE_SUMMARIES.values())) == len(Filiere) * len(Level)
    assert "médicament" in summary_template(Filiere.HEALTH_PHARMA, Level.TROISIEME)
    assert "Deux semaines" in summary_template(Filiere.HEALTH_PHARMA, Level.SECONDE)


def test_new_offer_form_is_prefilled_with_the_company_filiere_summary(company_client):
    page = company_client.get("/entreprise/offres/nouvelle").get_data(as_text=True)
    assert "L&#39;offre en quelques mots" in page
    expected = summary_template(Filiere.HEALTH_PHARMA, Level.TROISIEME)
    assert f"{expected}</textarea>" in html.unescape(page)


def test_the_summary_is_saved_with_step_one(company_client):
    response = company_client.post("/entreprise/offres/nouvelle", data=step1())
    assert response.status_code == 303
    offer = db.session.scalar(select(Offer))
    assert offer.summary == SUMMARY
    # The saved text, not the template, is what step 1 shows afterwards.
    page = company_client.get(f"/entreprise/offres/{offer.id}/etape/1").get_data(as_text=True)
    assert SUMMARY.replace("'", "&#39;") in page


def test_an_untouched_template_summary_follows_the_level_and_filiere_chosen(company_client):
    prefilled = summary_template(Filiere.HEALTH_PHARMA, Level.TROISIEME)
    data = step1(summary=prefilled, filiere="logistique", for_3e=None, for_2nde="y")
    assert company_client.post("/entreprise/offres/nouvelle", data=data).status_code == 303
    offer = db.session.scalar(select(Offer))
    assert offer.summary == summary_template(Filiere.LOGISTICS, Level.SECONDE)


@pytest.mark.parametrize(
    "summary, message",
    [
        ("", "Ce champ est obligatoire."),
        ("   \r\n  ", "Ce champ est obligatoire."),
        ("Trop court pour donner envie.", "Au moins 80 caractères"),
        ("a" * 501, "Ce texte dépasse 500 caractères."),
        (SUMMARY + "\x00", "caractère de contrôle"),
    ],
)
def test_a_bad_summary_is_refused_in_french_and_nothing_is_created(
    company_client, summary, message
):
    response = company_client.post("/entreprise/offres/nouvelle", data=step1(summary=summary))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert offers_count() == 0


def test_500_characters_with_line_breaks_counted_once_are_accepted(company_client):
    text = ("x" * 99 + "\r\n") * 5  # 500 characters as the browser counts them
    assert (
        company_client.post("/entreprise/offres/nouvelle", data=step1(summary=text)).status_code
        == 303
    )
    assert db.session.scalar(select(Offer)).summary == text.strip()


def test_html_in_the_summary_is_shown_as_text(company_client):
    text = SUMMARY + " <script>alert(1)</script>"
    company_client.post("/entreprise/offres/nouvelle", data=step1(summary=text))
    offer = db.session.scalar(select(Offer))
    page = company_client.get(f"/entreprise/offres/{offer.id}/etape/6").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_offer_without_summary_cannot_be_submitted(company_client, company_user):
    offer = f.complete_offer(company_user.company)
    offer.summary = None
    db.session.commit()
    response = company_client.post(
        f"/entreprise/offres/{offer.id}/etape/6", data={"direction": "submit"}
    )
    assert response.status_code == 422
    assert "Étape 1 : l&#39;offre en quelques mots." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.DRAFT


def test_editing_the_summary_of_a_published_offer_sends_it_back_to_review(
    company_client, company_user
):
    offer = f.complete_offer(company_user.company, status=OfferStatus.PUBLISHED)
    db.session.commit()
    same = step1(title=offer.title, filiere=offer.filiere.value, summary=offer.summary)
    company_client.post(f"/entreprise/offres/{offer.id}/etape/1", data=same)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.PUBLISHED

    company_client.post(f"/entreprise/offres/{offer.id}/etape/1", data={**same, "summary": SUMMARY})
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert offer.status == OfferStatus.SUBMITTED and offer.summary == SUMMARY
    public = company_client.get(f"/entreprise/offres/{offer.id}/etape/6").get_data(as_text=True)
    assert SUMMARY.replace("'", "&#39;") in public


def test_another_company_cannot_edit_the_summary(client, company_user):
    offer = f.complete_offer(company_user.company)
    db.session.commit()
    before = offer.summary
    login(client, f.user(Role.COMPANY, email="autre@exemple.fr"))
    response = client.post(f"/entreprise/offres/{offer.id}/etape/1", data=step1())
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).summary == before
