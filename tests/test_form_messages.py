"""Every message a form can show is French: WTForms' built-in messages (« Not a valid choice. »,
« Not a valid date value. »…) are translated once, in BaseForm, without flask-babel.

The test walks every BaseForm subclass of the app (a form added tomorrow is included), feeds
each field values a user or a hand-made request could send, and reads every error produced."""

import importlib
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms.fields import FieldList, FormField

import capindustrie
from capindustrie.extensions import db
from capindustrie.form_translations import CSRF_MESSAGE
from capindustrie.forms import BaseForm
from capindustrie.models import School

# Values a form may receive: wrong types, empty, too long, control characters, out of range.
ROUNDS = {
    "wrong type": "pas une valeur",
    "empty": "",
    "blank": "   ",
    "too long": "x" * 10_001,
    # Not NUL: the shared input rules (another branch) refuse it before any validator queries
    # PostgreSQL, which cannot store it.
    "control characters": "a\x07b\x1b",
    "impossible date": "2026-13-45",
    "impossible time": "25:99",
    "negative": "-1",
    "huge number": "9" * 30,
}

# WTForms' own English messages (its message catalogue), and the words they are made of.
ENGLISH_MESSAGES = {
    match.replace('\\"', '"')
    for match in re.findall(
        r'^msgid "(.+)"$',
        (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").read_text(),
        re.M,
    )
}
ENGLISH_WORDS = re.compile(
    r"\b(not|is|must|field|invalid|value|valid|choice|required|token|missing|expired|"
    r"please|the|be|at least|longer|characters?)\b",
    re.I,
)


def form_classes() -> list[type]:
    """Every subclass of BaseForm, once every module of the app is imported."""
    for module in pkgutil.walk_packages(capindustrie.__path__, "capindustrie."):
        importlib.import_module(module.name)
    found, todo = [], [BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            found.append(sub)
    return found


def constructor_arguments(app, klass) -> dict[str, dict]:
    """What the forms that take arguments need (a new one fails here with a TypeError)."""
    school_id = db.session.scalar(db.select(School.id).limit(1))
    return {
        "ChangePasswordForm": {"user": klass.teachers[0]},
        "ResetPasswordForm": {"user": klass.teachers[0]},
        "CompanyFilterForm": {"offer_choices": {"1": "Une offre"}},
        "ClassForm": {"school_id": school_id, "years": [2026], "config": app.config},
        "PupilForm": {"klass": klass, "today": date(2026, 11, 25)},
        "MoveForm": {"targets": [klass]},
        "OfferFilterForm": {"epci_choices": {"200072130": "CA Melun Val de Seine"}},
        "PupilSearchForm": {"internship": (date(2027, 1, 11), date(2027, 1, 15))},
        "AuditFilterForm": {"actor_choices": {"1": "Camille Martin"}},
    }


def input_names(form) -> list[str]:
    """Every input name of a bound form; a FieldList of sub-forms gets two rows."""
    names = []
    for field in form:
        if isinstance(field, FieldList):
            unbound = field.unbound_field
            if issubclass(unbound.field_class, FormField):
                sub_names = [sub.name for sub in unbound.args[0](formdata=None)]
                names += [f"{field.name}-{i}-{sub}" for i in range(2) for sub in sub_names]
            else:
                names += [f"{field.name}-{i}" for i in range(2)]
        elif field.type != "CSRFTokenField":
            names.append(field.name)
    return names


def give_choices(form) -> None:
    """Selects whose choices the route sets per user (e.g. a pupil's wishes) get some."""
    for field in form:
        if getattr(field, "choices", "") is None:
            numeric = getattr(field, "coerce", str) is int
            field.choices = {1: "A"} if numeric else {"a": "A"}


def all_errors(errors) -> list[str]:
    """Form.errors nests dicts and lists for sub-forms."""
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        errors = errors.values()
    return [message for item in errors for message in all_errors(item)]


def english(message: str) -> bool:
    return message in ENGLISH_MESSAGES or bool(ENGLISH_WORDS.search(message))


def test_the_detector_catches_wtforms_english():
    assert english("Not a valid choice.") and english("This field is required.")
    assert english("Field must be between 1 and 5 characters long.")
    assert not english("Choisissez une valeur dans la liste.")
    assert not english("Date invalide : choisissez-la dans le calendrier (AAAA-MM-JJ).")


def test_every_form_of_the_app_is_walked():
    names = {cls.__name__ for cls in form_classes()}
    # One form per area at least, sub-forms included: the walk really covers the app.
    assert {
        "LoginForm",
        "LevelFiliereForm",
        "PeriodForm",
        "DayForm",
        "PracticalForm",
        "PupilForm",
        "ProfileForm",
        "RefuseForm",
        "PublicSearchForm",
    } <= names
    assert len(names) >= 35


@pytest.mark.parametrize("round_name", ROUNDS)
def test_no_english_message_is_reachable_from_any_form(app, klass, round_name):
    value = ROUNDS[round_name]
    english_found, checked = [], 0
    arguments = constructor_arguments(app, klass)
    with app.test_request_context(method="POST"):
        for form_class in form_classes():
            kwargs = arguments.get(form_class.__name__, {})
            blank = form_class(formdata=None, meta={"csrf": False}, **kwargs)
            formdata = MultiDict((name, value) for name in input_names(blank))
            form = form_class(formdata=formdata, meta={"csrf": False}, **kwargs)
            give_choices(form)
            form.validate()
            for message in all_errors(form.errors):
                checked += 1
                if english(message):
                    english_found.append(f"{form_class.__name__}: {message}")
    assert checked, "no error at all: the values reached no field"
    assert not english_found, english_found


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2027-02-30", "Date invalide : choisissez-la dans le calendrier (AAAA-MM-JJ)."),
        ("demain", "Date invalide : choisissez-la dans le calendrier (AAAA-MM-JJ)."),
    ],
)
def test_the_wizard_period_date_message_is_the_app_s_own(app, value, expected):
    from capindustrie.offers.forms import PeriodsForm

    with app.test_request_context(method="POST"):
        form = PeriodsForm(
            formdata=MultiDict(
                {"periods-0-start_date": value, "periods-0-seats": "trois", "periods-0-level": "4e"}
            ),
            meta={"csrf": False},
        )
        form.validate()
        row = form.periods.entries[0].form
        assert row.start_date.errors == [expected]
        assert row.seats.errors == ["Nombre entier attendu, par exemple 3."]
        assert row.level.errors == ["Choisissez une valeur dans la liste."]


def test_the_wizard_hours_messages_are_french(app):
    from capindustrie.offers.forms import PracticalForm

    with app.test_request_context(method="POST"):
        form = PracticalForm(
            formdata=MultiDict({"day_start": "8h", "day_end": "25:00"}), meta={"csrf": False}
        )
        form.validate()
        assert form.day_start.errors == ["Heure invalide : écrivez-la HH:MM, par exemple 08:30."]
        assert form.tutor_name.errors == ["Ce champ est obligatoire."]


def test_a_bad_csrf_token_gets_a_french_message(app):
    from capindustrie.auth.forms import LoginForm

    with app.test_request_context(method="POST"):
        form = LoginForm(
            formdata=MultiDict({"csrf_token": "forged", "identifier": "x", "password": "y"}),
            meta={"csrf": True},
        )
        assert not form.validate()
        assert form.csrf_token.errors == [CSRF_MESSAGE]


def test_the_wizard_shows_the_french_message_over_http(client):
    from capindustrie.models import Role
    from tests import factories as f
    from tests.factories import login

    user = f.user(Role.COMPANY)
    offer = f.complete_offer(user.company)
    db.session.commit()
    login(client, user)
    response = client.post(
        f"/entreprise/offres/{offer.id}/etape/5",
        data={"day_start": "neuf heures", "day_end": "16:30"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Heure invalide : écrivez-la HH:MM, par exemple 08:30." in page
    assert "Not a valid" not in page
