"""The offer wizard over HTTP: each step saves, refuses bad input in French, and checks
ownership. The clock is frozen on 25 November 2026 so the period rules are stable."""

import html
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import Level, Offer, OfferStatus, OfferTransition, Period, Role
from tests import factories as f
from tests.factories import login

TODAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(TODAY, tick=True):
        yield




@pytest.fixture
def company_user(app):
    user = f.user(Role.COMPANY)
    db.session.commit()
    return user


@pytest.fixture
def company_client(client, company_user):
    login(client, company_user)
    return client


SUMMARY = (
    "Suivre une commande de la réception à la livraison : le quai, le stockage, la "
    "préparation et le transport, avec l'équipe de l'entrepôt."
)


def step_url(offer_id, step):
    return f"/entreprise/offres/{offer_id}/etape/{step}"


def new_offer(client, levels=("3e",), filiere="logistique", title="Découvrir la logistique") -> int:
    data = {"title": title, "filiere": filiere, "summary": SUMMARY, "direction": "next"}
    data.update({f"for_{lvl}": "y" for lvl in levels})
    response = client.post("/entreprise/offres/nouvelle", data=data)
    assert response.status_code == 303
    return int(response.headers["Location"].split("/")[-3])


def program_data(days, commitment=True):
    data = {}
    for n, day in enumerate(days):
        for key, value in day.items():
            data[f"days-{n}-{key}"] = value or ""
    if commitment:
        data["commitment"] = "y"
    return data


def fill_offer(client, offer_id, levels=("3e",)):
    """Steps 1 to 5 with good data, as a company would."""
    data = {
        "title": "Découvrir la maintenance",
        "filiere": "industrie_du_futur",
        "summary": SUMMARY,
        "direction": "next",
    }
    data.update({f"for_{lvl}": "y" for lvl in levels})
    assert client.post(step_url(offer_id, 1), data=data).status_code == 303
    days = f.db.session.get(Offer, offer_id).program_days
    payload = program_data(
        [
            {
                "title": d.title,
                "activities": d.activities,
                "with_whom": d.with_whom,
                "safety": d.safety,
            }
            for d in days
        ]
    )
    assert client.post(step_url(offer_id, 2), data=payload).status_code == 303
    site = {"site_address": "12 rue des Fabriques", "site_postcode": "77100"}
    assert client.post(step_url(offer_id, 3), data=site).status_code == 303
    periods = {
        "periods-0-level": "3e",
        "periods-0-start_date": "2027-01-11",
        "periods-0-end_date": "2027-01-15",
        "periods-0-seats": "3",
    }
    assert client.post(step_url(offer_id, 4), data=periods).status_code == 303
    assert client.post(step_url(offer_id, 5), data=PRACTICAL).status_code == 303


PRACTICAL = {
    "tutor_name": "Sam Leroy",
    "tutor_role": "Responsable maintenance",
    "tutor_email": "sam.leroy@exemple.fr",
    "tutor_phone": "01 64 00 00 00",
    "day_start": "09:00",
    "day_end": "16:30",
    "break_start": "12:00",
    "break_end": "13:00",
    "dress_code": "Pantalon long",
    "meals": "Restaurant d'entreprise",
}


def test_new_offer_starts_with_step_one_and_is_recorded(company_client, company_user):
    page = company_client.get("/entreprise/offres/nouvelle")
    assert page.status_code == 200 and "Étape 1 sur 6" in page.get_data(as_text=True)
    offer_id = new_offer(company_client)
    offer = db.session.get(Offer, offer_id)
    assert offer.status == OfferStatus.DRAFT and offer.company_id == company_user.company_id
    assert [t.to_status for t in offer.transitions] == [OfferStatus.DRAFT]
    assert len(offer.program_days) == 5


def test_step1_needs_a_level_and_creates_nothing_when_invalid(company_client):
    response = company_client.post(
        "/entreprise/offres/nouvelle",
        data={"title": "Titre valable", "filiere": "logistique", "summary": SUMMARY},
    )
    assert response.status_code == 422
    assert "Choisissez au moins un niveau" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Offer.id))) == 0


def test_step1_refuses_a_too_short_title_on_an_existing_offer(company_client):
    offer_id = new_offer(company_client)
    response = company_client.post(
        step_url(offer_id, 1),
        data={"title": "Ab", "filiere": "logistique", "summary": SUMMARY, "for_3e": "y"},
    )
    assert response.status_code == 422 and "Entre 5 et 160" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).title == "Découvrir la logistique"


def test_step1_fills_the_program_from_the_filiere_template(company_client):
    offer_id = new_offer(company_client, levels=("2nde",))
    db.session.expire_all()
    offer = db.session.get(Offer, offer_id)
    assert len(offer.program_days) == 10
    page = company_client.get(step_url(offer_id, 2)).get_data(as_text=True)
    assert offer.program_days[0].title in page and "D. 4153-15" in page


def test_program_needs_the_observation_commitment(company_client):
    offer_id = new_offer(company_client)
    company_client.post(
        step_url(offer_id, 1),
        data={"title": "Titre valable", "filiere": "logistique", "summary": SUMMARY, "for_3e": "y"},
    )
    db.session.expire_all()
    days = [
        {"title": d.title, "activities": d.activities}
        for d in db.session.get(Offer, offer_id).program_days
    ]
    response = company_client.post(step_url(offer_id, 2), data=program_data(days, commitment=False))
    assert response.status_code == 422
    assert "observation uniquement" in response.get_data(as_text=True)
    tampered = program_data(days[:3])
    assert company_client.post(step_url(offer_id, 2), data=tampered).status_code == 422


def test_html_in_the_program_is_escaped(company_client):
    offer_id = new_offer(company_client, title="<script>alert(1)</script> atelier")
    page = company_client.get(step_url(offer_id, 2)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_site_falls_back_to_the_commune_and_refuses_unknown_postcodes(company_client):
    offer_id = new_offer(company_client)
    bad = company_client.post(
        step_url(offer_id, 3), data={"site_address": "1 rue X", "site_postcode": "77999"}
    )
    assert bad.status_code == 422 and "Commune introuvable" in bad.get_data(as_text=True)
    good = company_client.post(
        step_url(offer_id, 3), data={"site_address": "2 rue de la Gare", "site_postcode": "77000"}
    )
    assert good.status_code == 303
    db.session.expire_all()
    offer = db.session.get(Offer, offer_id)
    assert offer.site_commune.name == "Melun" and offer.geo_precision.value == "commune"
    assert (offer.latitude, offer.longitude) == (
        offer.site_commune.latitude_townhall,
        offer.site_commune.longitude_townhall,
    )
    page = company_client.get(step_url(offer_id, 3)).get_data(as_text=True)
    assert "commune (point de la mairie)" in page


@pytest.mark.parametrize(
    "row, message",
    [
        (
            {"level": "3e", "start_date": "2026-11-02", "end_date": "2026-11-06", "seats": "2"},
            "après aujourd",
        ),
        (
            {"level": "3e", "start_date": "2027-01-13", "end_date": "2027-01-19", "seats": "2"},
            "dans deux semaines différentes",
        ),
        (
            {"level": "3e", "start_date": "2027-01-11", "end_date": "2027-01-15", "seats": "21"},
            "au plus 20 places",
        ),
        (
            {"level": "3e", "start_date": "2027-01-11", "end_date": "2027-01-15", "seats": "0"},
            "au moins 1 place",
        ),
        (
            {"level": "2nde", "start_date": "2027-06-07", "end_date": "2027-06-18", "seats": "2"},
            "pas proposée aux élèves de 2nde",
        ),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_saved(company_client, row, message):
    offer_id = new_offer(company_client)
    company_client.post(
        step_url(offer_id, 1),
        data={"title": "Titre valable", "filiere": "logistique", "summary": SUMMARY, "for_3e": "y"},
    )
    data = {f"periods-0-{k}": v for k, v in row.items()}
    response = company_client.post(step_url(offer_id, 4), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Period.id)).where(Period.offer_id == offer_id)) == 0


def test_seconde_period_must_be_the_national_fortnight(company_client):
    offer_id = new_offer(company_client)
    company_client.post(
        step_url(offer_id, 1),
        data={"title": "Titre valable", "filiere": "logistique", "summary": SUMMARY,
              "for_2nde": "y"},
    )
    wrong = {
        "periods-0-level": "2nde",
        "periods-0-start_date": "2027-06-07",
        "periods-0-end_date": "2027-06-18",
        "periods-0-seats": "2",
    }
    response = company_client.post(step_url(offer_id, 4), data=wrong)
    assert response.status_code == 422 and "14 juin 2027" in response.get_data(as_text=True)
    right = {
        "periods-0-level": "2nde",
        "periods-0-start_date": "2027-06-14",
        "periods-0-end_date": "2027-06-25",
        "periods-0-seats": "2",
    }
    assert company_client.post(step_url(offer_id, 4), data=right).status_code == 303


def test_overlapping_periods_are_refused(company_client):
    offer_id = new_offer(company_client)
    company_client.post(
        step_url(offer_id, 1),
        data={"title": "Titre valable", "filiere": "logistique", "summary": SUMMARY, "for_3e": "y"},
    )
    data = {}
    for n in range(2):
        data.update(
            {
                f"periods-{n}-level": "3e",
                f"periods-{n}-start_date": "2027-01-11",
                f"periods-{n}-end_date": "2027-01-15",
                f"periods-{n}-seats": "2",
            }
        )
    response = company_client.post(step_url(offer_id, 4), data=data)
    assert response.status_code == 422 and "se chevauchent" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({"day_start": "08:00", "day_end": "16:30"}, "7 h"),
        ({"day_start": "05:30"}, "aucune présence la nuit"),
        (
            {"day_start": "07:00", "day_end": "17:30", "break_start": "10:00",
             "break_end": "13:30"},
            "14 heures consécutives de repos",
        ),
        ({"break_start": "", "break_end": "", "day_start": "09:00", "day_end": "14:30"}, "pause"),
        ({"tutor_phone": "12345"}, "Numéro de téléphone français"),
        ({"tutor_email": "pas-un-email"}, "Adresse e-mail invalide"),
    ],
)
def test_practical_step_names_the_broken_rule(company_client, changes, rule):
    offer_id = new_offer(company_client)
    response = company_client.post(step_url(offer_id, 5), data={**PRACTICAL, **changes})
    assert response.status_code == 422
    assert rule in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).tutor_name is None


def test_complete_wizard_submits_the_offer(company_client):
    offer_id = new_offer(company_client)
    fill_offer(company_client, offer_id)
    review = company_client.get(step_url(offer_id, 6)).get_data(as_text=True)
    assert "Sam Leroy" in review and "Melun" not in review and "Fontainebleau" not in review
    response = company_client.post(step_url(offer_id, 6), data={"direction": "submit"})
    assert response.status_code == 303
    db.session.expire_all()
    offer = db.session.get(Offer, offer_id)
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.tutor_phone == "+33164000000"
    assert offer.periods[0].level == Level.TROISIEME


def test_incomplete_offer_is_not_submitted(company_client):
    offer_id = new_offer(company_client)
    response = company_client.post(step_url(offer_id, 6), data={"direction": "submit"})
    assert response.status_code == 422
    assert "Étape 5" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).status == OfferStatus.DRAFT


def test_editing_a_published_offer_sends_it_back_to_review(company_client, company_user):
    offer = f.complete_offer(company_user.company, status=OfferStatus.PUBLISHED)
    db.session.commit()
    same = {"title": offer.title, "filiere": offer.filiere.value, "summary": offer.summary,
            "for_3e": "y"}
    assert company_client.post(step_url(offer.id, 1), data=same).status_code == 303
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.PUBLISHED
    changed = {**same, "title": "Un tout autre programme"}
    company_client.post(step_url(offer.id, 1), data=changed)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == OfferStatus.SUBMITTED
    last = db.session.scalars(
        select(OfferTransition)
        .where(OfferTransition.offer_id == offer.id)
        .order_by(OfferTransition.id.desc())
    ).first()
    assert (last.from_status, last.to_status) == (OfferStatus.PUBLISHED, OfferStatus.SUBMITTED)


def test_htmx_step_answers_the_next_fragment_and_pushes_its_url(company_client):
    offer_id = new_offer(company_client)
    data = {"title": "Titre valable", "filiere": "logistique", "summary": SUMMARY, "for_3e": "y",
            "direction": "next"}
    response = company_client.post(step_url(offer_id, 1), data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="wizard"' in body and "Étape 2 sur 6" in body
    assert body.count('class="program-day"') == 5  # the saved program, not the posted step
    assert response.headers["HX-Push-Url"].endswith(step_url(offer_id, 2))


def test_back_button_saves_and_goes_to_the_previous_step(company_client):
    offer_id = new_offer(company_client)
    response = company_client.post(
        step_url(offer_id, 3),
        data={
            "site_address": "1 place de l'Hôtel de Ville",
            "site_postcode": "77100",
            "direction": "back",
        },
    )
    assert response.headers["Location"].endswith(step_url(offer_id, 2))
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).site_commune.name == "Meaux"


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6])
def test_another_companys_offer_is_not_found(client, step):
    foreign = f.complete_offer()
    intruder = f.user(Role.COMPANY)
    db.session.commit()
    login(client, intruder)
    assert client.get(step_url(foreign.id, step)).status_code == 404
    assert client.post(step_url(foreign.id, step), data={"direction": "next"}).status_code == 404


@pytest.mark.parametrize("role", [Role.PUPIL, Role.TEACHER, Role.STAFF])
def test_other_roles_cannot_use_the_wizard(client, role):
    offer = f.complete_offer()
    user = f.user(role)
    db.session.commit()
    login(client, user)
    assert client.post("/entreprise/offres/nouvelle").status_code == 403
    assert client.get(step_url(offer.id, 1)).status_code == 403


def test_template_choices_must_be_made_before_submission(company_client):
    # The agri-food template lists raw materials for the company to choose from.
    offer_id = new_offer(company_client, filiere="agriculture_agroalimentaire")
    fill_offer(company_client, offer_id)
    offer = db.session.get(Offer, offer_id)
    days = [
        {"title": d.title, "activities": d.activities, "with_whom": d.with_whom,
         "safety": d.safety}
        for d in offer.program_days
    ]
    days[0]["activities"] = (
        "Visite du site : réception des matières premières ([À choisir : lait / céréales]), "
        "fabrication, conditionnement."
    )
    assert company_client.post(step_url(offer_id, 2), data=program_data(days)).status_code == 303

    refused = company_client.post(step_url(offer_id, 6), data={"direction": "submit"})

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "remplacez les passages « [À choisir : …] » du programme" in page
    assert "(jour 1)" in page
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).status == OfferStatus.DRAFT

    days[0]["activities"] = days[0]["activities"].replace("[À choisir : lait / céréales]", "lait")
    assert company_client.post(step_url(offer_id, 2), data=program_data(days)).status_code == 303
    accepted = company_client.post(step_url(offer_id, 6), data={"direction": "submit"})
    assert accepted.status_code == 303
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).status == OfferStatus.SUBMITTED


# --- Less typing (issue 17): prefilled from the company and the signed-in user -----------------


def test_new_offer_is_prefilled_with_the_filieres_model_title_and_summary(company_client):
    from capindustrie.offers.program_templates import TEMPLATE_TITLES

    page = html.unescape(company_client.get("/entreprise/offres/nouvelle").get_data(as_text=True))
    title = TEMPLATE_TITLES[(f.Filiere.FUTURE_INDUSTRY, Level.TROISIEME)]
    assert f'value="{title}"' in page
    # A model title left as is follows the filière chosen with it.
    other = TEMPLATE_TITLES[(f.Filiere.LOGISTICS, Level.TROISIEME)]
    offer_id = new_offer(company_client, filiere="logistique", title=title)
    assert db.session.get(Offer, offer_id).title == other


def test_site_is_prefilled_with_the_company_address(company_client, company_user):
    company = company_user.company
    company.address, company.postcode, company.commune_insee = "4 rue des Forges", "77000", "77288"
    db.session.commit()
    offer_id = new_offer(company_client)
    page = company_client.get(step_url(offer_id, 3)).get_data(as_text=True)
    assert 'value="4 rue des Forges"' in page and 'value="77000"' in page


def test_tutor_is_prefilled_with_the_signed_in_user(company_client, company_user):
    offer_id = new_offer(company_client)
    page = company_client.get(step_url(offer_id, 5)).get_data(as_text=True)
    assert f'value="{company_user.display_name}"' in page
    assert f'value="{company_user.email}"' in page


def test_steps_not_reached_yet_look_locked_and_are_not_links(company_client):
    offer_id = new_offer(company_client)
    page = company_client.get(step_url(offer_id, 2)).get_data(as_text=True)
    assert page.count('class="step-locked"') == 4  # steps 3 to 6
    assert step_url(offer_id, 4) not in page and "pas encore accessible" in page
    assert step_url(offer_id, 1) in page


def test_the_commitment_checkbox_sits_in_the_commitment_box(company_client):
    offer_id = new_offer(company_client)
    page = company_client.get(step_url(offer_id, 2)).get_data(as_text=True)
    # Between the commitment's text and the first day of the programme, not after the days.
    box = page.split('class="notice commitment"', 1)[1].split("Jour 1", 1)[0]
    assert "observation" in box.lower() and 'name="commitment"' in box


def test_registration_says_how_long_the_check_takes_and_whom_to_ask(client):
    page = html.unescape(client.get("/inscription/entreprise").get_data(as_text=True))
    assert "3 jours ouvrés au plus" in page and "mailto:cap-industrie@departement77.fr" in page


def test_week_chips_offer_only_valid_weeks_and_add_a_row_without_saving(company_client):
    offer_id = new_offer(company_client)
    page = html.unescape(company_client.get(step_url(offer_id, 4)).get_data(as_text=True))
    # From the first Monday after 25 November 2026 to the end of May, Monday–Friday.
    assert 'value="3e/2026-11-30/2026-12-04"' in page and "+ semaine du 30 novembre" in page
    assert 'value="3e/2027-05-24/2027-05-28"' in page
    assert "2026-11-23" not in page  # started already
    assert "2nde/" not in page  # a 3e-only offer
    response = company_client.post(
        step_url(offer_id, 4),
        data={"add_week": "3e/2027-01-11/2027-01-15", "periods-0-level": ""},
    )
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Semaine du 11 janvier ajoutée" in page
    assert 'value="2027-01-11"' in page and 'value="2027-01-15"' in page
    assert db.session.scalar(select(func.count()).select_from(Period)) == 0  # not saved yet
    # One chip per week, 30 November to 24 May (a week with a public holiday included).
    page = company_client.get(step_url(offer_id, 4)).get_data(as_text=True)
    assert page.count('name="add_week"') == 26 and 'value="3e/2027-03-29/2027-04-02"' in page


def test_a_forged_week_is_refused_in_french(company_client):
    offer_id = new_offer(company_client)
    for forged in ("3e/2027-01-12/2027-01-16", "2nde/2027-06-14/2027-06-25", "x\x00"):
        response = company_client.post(step_url(offer_id, 4), data={"add_week": forged})
        assert response.status_code == 422
        assert "pas possible pour cette offre" in html.unescape(response.get_data(as_text=True))


def test_a_seconde_offer_is_offered_the_fortnight_and_its_weeks(company_client):
    offer_id = new_offer(company_client, levels=("2nde",))
    page = company_client.get(step_url(offer_id, 4)).get_data(as_text=True)
    for key in ("2nde/2027-06-14/2027-06-25", "2nde/2027-06-14/2027-06-18",
                "2nde/2027-06-21/2027-06-25"):
        assert f'value="{key}"' in page
    assert 'value="3e/' not in page


def test_schedule_warnings_are_shown_on_arrival_at_step_5(company_client, monkeypatch):
    from capindustrie.offers import rules

    offer_id = new_offer(company_client)
    fill_offer(company_client, offer_id)
    original = rules.check_schedule

    def with_warning(*args, **kwargs):
        check = original(*args, **kwargs)
        check.warnings.append("Une journée de plus de 7 heures fatigue un élève de 14 ans.")
        return check

    monkeypatch.setattr(rules, "check_schedule", with_warning)
    page = html.unescape(company_client.get(step_url(offer_id, 5)).get_data(as_text=True))
    assert "fatigue un élève de 14 ans" in page
