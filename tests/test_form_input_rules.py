"""One input rule for every field of every form, in BaseForm (issue 10): NUL and control
characters refused with a French message beside the field, line breaks only in multi-line fields,
length bounded, dates within plausible years, numbers within the database's range; a form's own
`validate_<field>` (a database lookup) never runs on a value already refused."""

import html
import importlib
import pkgutil
from datetime import date

import pytest
import wtforms
from sqlalchemy import func, select
from wtforms import DateField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

import capindustrie
from capindustrie.auth import services as auth_services
from capindustrie.companies import services as company_services
from capindustrie.extensions import db
from capindustrie.forms import (
    CONTROL_MESSAGE,
    DATE_RANGE_MESSAGE,
    DEFAULT_MAX_LENGTH,
    NUMBER_RANGE_MESSAGE,
    SINGLE_LINE_MESSAGE,
    BaseForm,
)
from capindustrie.models import Company, Period, Role, User
from tests import factories as f
from tests.factories import PASSWORD, login


def app_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(capindustrie.__path__, "capindustrie."):
        importlib.import_module(module.name)
    found, todo = [], [wtforms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if (
                sub.__module__.startswith("capindustrie.")
                and sub.__module__ != "capindustrie.forms"
            ):
                found.append(sub)
    return found


def test_every_form_class_of_the_app_derives_from_base_form():
    forms = app_form_classes()
    assert len(forms) > 30, "the walk does not find the app's forms"
    outside = [f"{cls.__module__}.{cls.__name__}" for cls in forms if not issubclass(cls, BaseForm)]
    assert outside == []


# --- The rule on a form made for the purpose -------------------------------------------------


class Probe(BaseForm):
    class Meta:
        csrf = False

    name = StringField("Nom", validators=[Length(max=20, message="20 caractères au plus.")])
    free = StringField("Libre")
    notes = TextAreaField("Notes")
    secret = PasswordField("Secret")
    day = DateField("Jour")
    count = IntegerField("Nombre")
    looked_up: list[str] = []

    def validate_free(self, field):
        Probe.looked_up.append(field.data)
        if field.data == "pris":
            raise ValidationError("Déjà pris.")


def probe(app, **data) -> Probe:
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = Probe(formdata=MultiDict(data))
        form.validate()
        return form


@pytest.mark.parametrize("bad", ["a\x00b", "\x07", "a\x1bb", "\x7f", "a\u0085b"])
def test_control_characters_are_refused_in_every_text_field(app, bad):
    form = probe(app, name=bad, free=bad, notes=bad)
    assert form.name.errors and form.free.errors and form.notes.errors
    assert {form.name.errors[0], form.free.errors[0], form.notes.errors[0]} <= {
        CONTROL_MESSAGE,
        SINGLE_LINE_MESSAGE,
    }


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\u2028", "\t"])
def test_line_breaks_and_tabs_only_in_multi_line_fields(app, line_break):
    form = probe(app, name=f"a{line_break}b", notes=f"ligne 1{line_break}ligne 2")
    assert form.name.errors in ([SINGLE_LINE_MESSAGE], [CONTROL_MESSAGE])
    assert form.notes.errors == []


def test_plain_text_accents_and_html_are_accepted(app):
    form = probe(app, name="Zoé <b>& Cie</b>", notes="Ligne\r\nSuite\tavec tabulation", free="ok")
    assert form.errors == {}


def test_a_refused_value_never_reaches_the_forms_own_check(app):
    Probe.looked_up = []
    probe(app, free="x\x00")
    probe(app, free="y" * (DEFAULT_MAX_LENGTH + 1))
    assert Probe.looked_up == []
    form = probe(app, free="pris")
    assert Probe.looked_up == ["pris"] and form.free.errors == ["Déjà pris."]


def test_fields_without_a_stated_limit_get_the_default_one(app):
    form = probe(app, free="x" * 100_000)
    assert form.free.errors == [
        f"Ce champ est trop long : {DEFAULT_MAX_LENGTH} caractères au maximum "
        "(vous en avez saisi 100000)."
    ]
    assert probe(app, name="x" * 100_000).name.errors == ["20 caractères au plus."]


def test_passwords_refuse_only_nul(app):
    assert probe(app, secret="mot\tde passe").secret.errors == []
    assert probe(app, secret="mot\x00de passe").secret.errors == [CONTROL_MESSAGE]


@pytest.mark.parametrize("value", ["9999-12-31", "1000-01-01", "2101-01-01"])
def test_dates_outside_plausible_years_are_refused(app, value):
    assert probe(app, day=value).day.errors == [DATE_RANGE_MESSAGE]


@pytest.mark.parametrize("value", ["0000-01-01", "2026-02-30", "31/12/9999x"])
def test_impossible_dates_keep_their_parse_message_only(app, value):
    errors = probe(app, day=value).day.errors
    assert len(errors) == 1 and errors[0] != DATE_RANGE_MESSAGE


def test_plausible_dates_are_accepted(app):
    form = probe(app, day="2027-01-11")
    assert form.day.errors == [] and form.day.data == date(2027, 1, 11)


@pytest.mark.parametrize("value", ["2147483648", "-2147483648", "100000000000000000000"])
def test_numbers_beyond_the_database_range_are_refused(app, value):
    assert probe(app, count=value).count.errors == [NUMBER_RANGE_MESSAGE]


# --- Through the app's real pages -----------------------------------------------------------


def registration_data(**changes) -> dict:
    data = {
        "company_name": "Usinor",
        "siret": f.luhn_siret("3620000000001"),
        "filiere": "industrie_du_futur",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille@usinor.fr",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    return data | changes


@pytest.mark.parametrize("field", ["company_name", "first_name", "last_name", "email", "siret"])
def test_nul_in_company_registration_is_refused_and_nothing_is_saved(client, field):
    response = client.post("/inscription/entreprise", data=registration_data(**{field: "a\x00b"}))
    assert response.status_code == 422
    assert CONTROL_MESSAGE in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(Company.id))) == 0


def test_registration_email_is_not_looked_up_once_its_format_is_refused(client, monkeypatch):
    def forbidden(_email):
        raise AssertionError("the database was asked about a refused address")

    monkeypatch.setattr(auth_services, "email_taken", forbidden)
    for email in ("pas-une-adresse", "a\x00@exemple.fr", "x" * 300 + "@exemple.fr"):
        response = client.post("/inscription/entreprise", data=registration_data(email=email))
        assert response.status_code == 422


def test_colleague_invitation_is_not_looked_up_once_its_format_is_refused(client, monkeypatch):
    user = f.user(Role.COMPANY)
    login(client, user)

    def forbidden(_email):
        raise AssertionError("the database was asked about a refused address")

    monkeypatch.setattr(company_services, "email_registered", forbidden)
    for email in ("pas-une-adresse", "a\x00@exemple.fr"):
        response = client.post("/entreprise/collegues", data={"email": email})
        assert response.status_code == 422


def test_login_with_nul_or_line_breaks_answers_a_french_422(client):
    for identifier in ("camille\x00@exemple.fr", "camille@exemple.fr\r\nX: y"):
        response = client.post("/connexion", data={"identifier": identifier, "password": PASSWORD})
        assert response.status_code == 422
        page = html.unescape(response.get_data(as_text=True))
        assert CONTROL_MESSAGE in page or SINGLE_LINE_MESSAGE in page


def test_company_name_with_a_line_break_is_refused_by_the_profile(client):
    user = f.user(Role.COMPANY)
    login(client, user)
    before = user.company.name
    response = client.post(
        "/entreprise/profil",
        data={
            "name": "Usinor\r\nBcc: victime@exemple.fr",
            "filiere": "industrie_du_futur",
            "address": "1 rue de l'Usine",
            "postcode": "77000",
            "commune": "77288",
        },
    )
    assert response.status_code == 422
    assert SINGLE_LINE_MESSAGE in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(User, user.id).company.name == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"start_date": "9999-12-31", "end_date": "9999-12-31"}, DATE_RANGE_MESSAGE),
        (
            {"start_date": "2027-01-11", "end_date": "2027-01-15", "seats": "2147483648"},
            NUMBER_RANGE_MESSAGE,
        ),
    ],
)
def test_wizard_periods_refuse_impossible_dates_and_numbers(client, row, message):
    user = f.user(Role.COMPANY)
    offer = f.complete_offer(user.company, periods=())
    login(client, user)
    data = {"periods-0-level": "3e", "periods-0-seats": "2"}
    data |= {f"periods-0-{k}": v for k, v in row.items()}
    response = client.post(f"/entreprise/offres/{offer.id}/etape/4", data=data)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(Period.id)).where(Period.offer_id == offer.id)) == 0
