"""Issue 9: every error where it belongs. The error summary links each message to its field;
the wizard's hours errors sit beside the field at fault (arrival, departure, break), not all
under « Arrivée »; step 6 says once what is missing, with links to the steps."""

import re
from datetime import UTC, datetime, time
from html import unescape

import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from capindustrie.extensions import db
from capindustrie.formerrors import error_entries
from capindustrie.models import Role
from capindustrie.offers import forms as offer_forms
from capindustrie.offers.rules import check_schedule
from capindustrie.search.forms import PupilSearchForm
from tests import factories as f
from tests.factories import login

TODAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HOURS = ("day_start", "day_end", "break_start", "break_end")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def company_client(client):
    user = f.user(Role.COMPANY)
    db.session.commit()
    login(client, user)
    return client, user


def summary_links(html: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return re.findall(r'<a href="#([^"]*)">([^<]*)</a>', block.group(0))


def field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="error-message" id="{field_id}-erreur">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


# --- The schedule rules name the field to correct ---------------------------------------------


def T(text):
    return time.fromisoformat(text) if text else None


@pytest.mark.parametrize(
    ("start", "end", "pause_start", "pause_end", "at_fault"),
    [
        ("08:00", "16:30", "12:00", "12:30", "day_end"),  # 7 h 30 a day
        ("05:30", "12:00", "10:00", "10:30", "day_start"),  # before 6 h
        ("14:00", "20:30", "17:00", "17:30", "day_end"),  # after 20 h
        ("16:00", "09:00", None, None, "day_end"),  # departure before arrival
        ("09:00", "14:30", None, None, "break_start"),  # 5 h 30 without a break
        ("08:00", "15:00", "12:00", "12:20", "break_end"),  # 20 min break
        ("08:00", "16:00", "12:30", "12:00", "break_end"),  # break ends before it starts
        ("08:00", "16:00", "07:30", "08:30", "break_start"),  # break starts before arrival
        ("08:00", "16:00", "15:30", "16:30", "break_end"),  # break ends after departure
        ("08:00", "16:00", "12:00", None, "break_end"),  # break end missing
        ("08:00", "16:00", None, "12:00", "break_start"),  # break start missing
        ("08:00", "14:00", "12:31", "13:01", "break_start"),  # 4 h 31 before the break
        ("09:00", "16:00", "10:00", "10:30", "break_end"),  # 5 h 30 after the break
    ],
)
def test_each_schedule_refusal_names_the_field_at_fault(
    start, end, pause_start, pause_end, at_fault
):
    check = check_schedule(T(start), T(end), T(pause_start), T(pause_end), 5)
    assert not check.ok
    grouped = check.errors_by_field()
    assert list(grouped) == [at_fault], grouped
    assert grouped[at_fault] == check.errors


def test_a_refusal_about_the_whole_week_names_no_field():
    check = check_schedule(T("08:00"), T("14:00"), T("12:00"), T("12:30"), 6)
    assert check.errors_by_field() == {None: check.errors}


# --- Step 5 over HTTP: beside the field, and in the summary under that field's label ----------

PRACTICAL = {
    "tutor_name": "Sam Leroy",
    "tutor_role": "Technicien",
    "tutor_email": "sam.leroy@exemple.fr",
    "tutor_phone": "01 64 00 00 00",
    "day_start": "09:00",
    "day_end": "16:30",
    "break_start": "12:00",
    "break_end": "13:00",
    "direction": "next",
}


@pytest.mark.parametrize(
    ("changes", "field_id", "label", "fragment"),
    [
        ({"day_start": "08:00", "day_end": "16:30"}, "day_end", "Départ", "7 h 30 par jour"),
        (
            {
                "day_start": "05:30",
                "day_end": "12:30",
                "break_start": "09:00",
                "break_end": "09:30",
            },
            "day_start",
            "Arrivée",
            "Arrivée à 5 h 30",
        ),
        (
            {
                "day_end": "20:30",
                "day_start": "14:00",
                "break_start": "17:00",
                "break_end": "17:30",
            },
            "day_end",
            "Départ",
            "Départ à 20 h 30",
        ),
        (
            {"break_start": "", "break_end": "", "day_end": "14:30"},
            "break_start",
            "Début de la pause",
            "sans pause",
        ),
        (
            {"day_end": "15:30", "break_start": "12:00", "break_end": "12:20"},
            "break_end",
            "Fin de la pause",
            "Pause de 20 min",
        ),
    ],
)
def test_step5_puts_each_hours_error_beside_its_field(
    company_client, changes, field_id, label, fragment
):
    client, user = company_client
    offer = f.complete_offer(user.company)
    offer.wizard_step = 6
    db.session.commit()
    response = client.post(f"/entreprise/offres/{offer.id}/etape/5", data={**PRACTICAL, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert fragment in (field_error(html, field_id) or "")
    for other in HOURS:
        if other != field_id:
            assert field_error(html, other) is None, other
    links = summary_links(html)
    assert any(
        target == field_id and text.startswith(f"{label} : ") and fragment in text
        for target, text in links
    ), links
    # The field itself says it is at fault, for screen readers.
    assert re.search(
        rf'<input[^>]*aria-describedby="{field_id}-erreur"[^>]*aria-invalid="true"[^>]*'
        rf'id="{field_id}"',
        html,
    ) or re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html)


# --- The summary's entries ----------------------------------------------------------------------


def test_summary_entries_link_list_rows_and_form_errors(app):
    with app.test_request_context(method="POST"):
        form = offer_forms.PeriodsForm(
            formdata=MultiDict(
                {"periods-0-level": "3e", "periods-0-seats": "x", "periods-1-level": ""}
            ),
            meta={"csrf": False},
        )
        form.validate()
        # Errors the routes add after validation (domain rules) are listed too.
        form.periods.entries[1].form.seats.errors = ["Une période compte au moins 1 place."]
        form.form_errors.append("Indiquez au moins une période.")
        entries = error_entries(form, anchor="formulaire-etape")
    assert [(e.target_id, e.label) for e in entries] == [
        ("periods-0-seats", "Période 1 — Places"),
        ("periods-1-seats", "Période 2 — Places"),
        ("formulaire-etape", ""),
    ]
    assert entries[-1].message == "Indiquez au moins une période."


def test_summary_entry_of_a_radio_field_goes_to_its_first_choice(app):
    with app.test_request_context(method="POST"):
        form = PupilSearchForm(meta={"csrf": False}, internship=(None, None))
        form.periode.choices = [("mes-dates", "Mes dates"), ("toutes", "Toutes")]
        form.periode.errors = ["Choix invalide."]
        entries = [e for e in error_entries(form) if e.message == "Choix invalide."]
    assert [e.target_id for e in entries] == ["periode-0"]


def test_form_errors_without_anchor_are_plain_text(app):
    with app.test_request_context(method="POST"):
        form = offer_forms.SubmitForm(meta={"csrf": False})
        form.form_errors.append("Erreur générale.")
        assert [(e.target_id, e.label) for e in error_entries(form)] == [(None, "")]


# --- Step 6: what is missing, once, with links to the steps ------------------------------------


def test_step6_says_once_what_is_missing_with_links_to_the_steps(company_client):
    client, user = company_client
    offer = f.complete_offer(user.company)
    offer.day_start = offer.day_end = None
    offer.tutor_phone = None
    offer.wizard_step = 6
    db.session.commit()
    url = f"/entreprise/offres/{offer.id}/etape/6"

    before = unescape(client.get(url).get_data(as_text=True))
    assert "Avant l'envoi, il manque" in before and "error-summary" not in before

    response = client.post(url, data={"direction": "submit"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert html.count("L'offre est incomplète") == 1
    assert html.count("Étape 5 : les horaires de la journée.") == 1
    assert "Avant l'envoi, il manque" not in html
    assert 'href="#"' not in html
    block = re.search(r'<div class="error-summary" id="offre-incomplete".*?</div>', html, re.S)
    assert block, "the refusal is not the error summary app.js focuses"
    links = re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', block.group(0))
    assert (f"/entreprise/offres/{offer.id}/etape/5", "Étape 5 : les horaires de la journée.") in [
        (href, text) for href, text in links
    ]
    assert len(html.split('class="error-summary"')) == 2, "a second summary repeats the refusal"


# --- Every refused form: the summary's links go to fields of the page ---------------------------


def dangling_summary_links(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    return [target for target, _ in summary_links(html) if target not in ids]


@pytest.mark.parametrize(
    "url",
    ["/inscription/entreprise", "/inscription/professeur", "/mot-de-passe/oubli"],
)
def test_refused_public_forms_link_each_error_to_a_field(client, url):
    response = client.post(url, data={"email": "pas-une-adresse"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert summary_links(html)
    assert dangling_summary_links(html) == []


def test_refused_teacher_forms_link_each_error_to_a_field(teacher_client, klass):
    for url in ("/classes/nouvelle", f"/classes/{klass.id}/eleves/nouveau"):
        html = teacher_client.post(url, data={}).get_data(as_text=True)
        assert summary_links(html), url
        assert dangling_summary_links(html) == [], url


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_refused_wizard_steps_link_each_error_to_a_field(company_client, step):
    client, user = company_client
    offer = f.complete_offer(user.company)
    offer.wizard_step = 6
    db.session.commit()
    data = {
        "direction": "next",
        "periods-0-level": "3e",
        "periods-0-seats": "0",
        "days-0-title": "",
    }
    response = client.post(f"/entreprise/offres/{offer.id}/etape/{step}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert summary_links(html)
    assert dangling_summary_links(html) == []
