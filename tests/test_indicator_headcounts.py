"""Headcount import (CSV with UAI) and the « part des élèves touchés » it enables."""

import io

import pytest
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.indicators import headcounts, services
from capindustrie.indicators.filters import Filters
from capindustrie.models import Role, SchoolHeadcount
from tests import factories as f
from tests import indicator_data
from tests.factories import login
from tests.indicator_data import NOW

URL = "/agents/indicateurs/effectifs"


@pytest.fixture
def staff_client(client, app):
    login(client, f.user(Role.STAFF))
    return client


def upload(client, content: bytes, year: int = 2026):
    return client.post(
        URL,
        data={"year": str(year), "headcounts": (io.BytesIO(content), "effectifs.csv")},
        content_type="multipart/form-data",
    )


def stored() -> int:
    return db.session.scalar(select(func.count(SchoolHeadcount.id)))


def test_a_valid_file_is_imported_and_feeds_the_share(staff_client):
    indicator_data.build()
    assert services.compute(Filters(2026), NOW)["reached_share"] is None  # no headcount yet
    content = "\ufeffuai;effectif_3e;effectif_2nde\n0770002J;150;\n0770033T;100;\n".encode()
    response = upload(staff_client, content)
    assert response.status_code == 303
    assert stored() == 2
    # 5 pupils with an account (3 at Bois-le-Roi, 2 at Melun) out of 150 + 100 enrolled.
    assert services.compute(Filters(2026), NOW)["reached_share"] == pytest.approx(5 / 250)
    # Importing again replaces the school's figures, it does not add to them.
    assert upload(staff_client, b"uai,effectif_3e\n0770002J,120\n").status_code == 303
    assert stored() == 2
    assert services.compute(Filters(2026), NOW)["reached_share"] == pytest.approx(5 / 220)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"uai;effectif_3e\n0779999Z;12\n", "n&#39;est pas un établissement de Seine-et-Marne"),
        (b"uai;effectif_3e\n0770002J;-3\n", "n&#39;est pas un effectif de 3e"),
        (b"uai;effectif_3e\n0770002J;douze\n", "n&#39;est pas un effectif de 3e"),
        (b"uai;effectif_3e\n0770002J;12\n0770002J;13\n", "figure deux fois"),
        ("uai;effectif_3e\n0770002J;12\nCollège é;1\n".encode("latin-1"), "pas en UTF-8"),
        (b"nom;nombre\nX;1\n", "La première ligne doit nommer les colonnes"),
    ],
)
def test_a_bad_file_saves_nothing(staff_client, content, message):
    good_line = b"0770033T;40\n"
    response = upload(staff_client, content + good_line if b"uai;" in content else content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "Rien n&#39;a été enregistré" in response.get_data(as_text=True)
    assert stored() == 0


def test_only_staff_import_headcounts(app):
    for role in (Role.PUPIL, Role.TEACHER, Role.COMPANY):
        client = app.test_client()
        login(client, f.user(role))
        assert client.get(URL).status_code == 403
        assert upload(client, b"uai;effectif_3e\n0770002J;12\n").status_code == 403
    assert app.test_client().get(URL).status_code == 302
    assert stored() == 0


def test_parse_reports_line_numbers(app):
    parsed = headcounts.parse(b"uai;effectif_3e\n0770002J;12\n0000000A;3\n")
    assert parsed.problems == [
        "Ligne 3 : l'UAI « 0000000A » n'est pas un établissement de Seine-et-Marne."
    ]
