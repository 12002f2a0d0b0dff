"""Roster import: a CSV of the class, checked whole, previewed, then saved all or nothing.

Good files in the encodings and separators teachers really produce; bad files each refused with
a French message, and then not one pupil or account saved (rows counted in the database).
"""

import html
import io
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.classes import roster
from capindustrie.extensions import db
from capindustrie.models import Pupil, Role, User
from tests import factories
from tests.factories import login

TODAY = date(2026, 11, 25)
PAYLOAD = re.compile(r'name="payload" type="hidden" value="([^"]+)"')
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield




def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Pupil.id))),
        db.session.scalar(select(func.count(User.id)).where(User.role == Role.PUPIL)),
    )


def upload(client, klass, data: bytes, filename: str = "classe.csv"):
    return client.post(
        f"/classes/{klass.id}/import",
        data={"roster": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def payload_of(response) -> str:
    match = PAYLOAD.search(response.get_data(as_text=True))
    assert match, "the preview carries no confirm payload"
    return match.group(1)


# --- The parser ------------------------------------------------------------------------------


def test_headers_are_matched_whatever_their_case_and_accents():
    for header in ("Nom;Prénom;Date de naissance", "NOM;PRENOM;DATE DE NAISSANCE",
                   "nom;prenom;date de naissance", " Nom ; Prénom ; Date  de naissance"):
        parsed = roster.parse_roster(f"{header}\nDurand;Léa;14/03/2012\n".encode(), TODAY)
        assert parsed.ok, (header, parsed.error)
        row = parsed.rows[0]
        assert (row.last_name, row.first_name) == ("Durand", "Léa")
        assert row.birth_date == date(2012, 3, 14)


def test_columns_in_any_order_and_extra_columns_are_ignored():
    data = "Classe,Prénom,INE,Nom\n3e B,Léa,123,Durand\n3e B,Yanis,456,Benali\n".encode()
    parsed = roster.parse_roster(data, TODAY)
    assert parsed.ok and not parsed.has_birth_dates
    assert [(r.last_name, r.first_name, r.birth_date) for r in parsed.rows] == [
        ("Durand", "Léa", None), ("Benali", "Yanis", None)
    ]


def test_separator_is_detected_and_quotes_are_honoured():
    assert roster.delimiter_of("nom;prénom") == ";"
    assert roster.delimiter_of("nom,prénom") == ","
    assert roster.delimiter_of("nom\tprénom") == "\t"
    data = 'nom;prénom\n"Le Goff; dit Ker";Maël\n'.encode()
    assert roster.parse_roster(data, TODAY).rows[0].last_name == "Le Goff; dit Ker"


def test_blank_lines_are_skipped_and_line_numbers_are_the_file_s():
    data = "nom;prénom\n\nDurand;Léa\n;\nBenali;\n".encode()
    parsed = roster.parse_roster(data, TODAY)
    assert [r.line for r in parsed.rows] == [3, 5]
    assert parsed.rows[1].errors == ["Prénom manquant."]


def test_encodings_utf8_bom_and_windows_1252():
    text = "Nom;Prénom\nDupré;Élodie\nMüller;Gaëlle\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("cp1252")):
        parsed = roster.parse_roster(data, TODAY)
        assert [(r.last_name, r.first_name) for r in parsed.rows] == [
            ("Dupré", "Élodie"), ("Müller", "Gaëlle")
        ]


@pytest.mark.parametrize("raw, expected", [
    ("14/03/2012", date(2012, 3, 14)),
    ("4/3/2012", date(2012, 3, 4)),
    ("2012-03-14", date(2012, 3, 14)),
])
def test_birth_date_formats(raw, expected):
    assert roster.parse_birth_date(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("31/02/2012", "Date de naissance « 31/02/2012 » illisible"),
    ("14.03.2012", "Date de naissance « 14.03.2012 » illisible"),
    ("12/14/2012", "illisible"),
    ("01/01/2027", "Date de naissance dans le futur."),
    ("26/11/2016", "l'élève aurait 9 ans (moins de 10 ans)"),
    ("24/11/2005", "l'élève aurait 21 ans (plus de 20 ans)"),
])
def test_impossible_birth_dates_are_row_errors(raw, message):
    data = f"nom;prénom;date de naissance\nDurand;Léa;{raw}\n".encode()
    parsed = roster.parse_roster(data, TODAY)
    assert parsed.error is None and not parsed.ok
    assert any(message in e for e in parsed.rows[0].errors), parsed.rows[0].errors


def test_age_limits_are_inclusive():
    for raw in ("25/11/2016", "25/11/2006"):  # 10 today, 20 today
        parsed = roster.parse_roster(f"nom;prénom;date de naissance\nA;B;{raw}\n".encode(), TODAY)
        assert parsed.ok, parsed.rows[0].errors


def test_duplicates_compare_names_without_case_or_accents():
    data = "nom;prénom\nDurand;Léa\nDURAND;Lea\nMartin;Chloé\n".encode()
    parsed = roster.parse_roster(data, TODAY, existing={roster.name_key("Martin", "Chloe")})
    assert parsed.rows[0].errors == []
    assert parsed.rows[1].errors == ["Élève en double : déjà à la ligne 2."]
    assert parsed.rows[2].errors == ["Chloé Martin est déjà dans la classe."]


def test_file_level_refusals():
    assert roster.parse_roster(PNG, TODAY).error == roster.UNREADABLE
    assert roster.parse_roster("nom;prénom\n".encode("utf-16"), TODAY).error == roster.UNREADABLE
    # 0x81 has no character in Windows-1252, and the bytes are not UTF-8 either.
    assert roster.parse_roster(b"nom;pr\x81nom\n", TODAY).error == roster.UNREADABLE
    assert roster.parse_roster(b"", TODAY).error == roster.EMPTY
    assert roster.parse_roster("nom;prénom\n".encode(), TODAY).error == roster.EMPTY
    missing = roster.parse_roster(b"name;first name\nDurand;Lea\n", TODAY).error
    assert missing.startswith("Colonnes manquantes : « nom » et « prénom ».")


def test_row_limit():
    body = "".join(f"Nom{n};Prénom{n}\n" for n in range(roster.MAX_ROWS))
    assert roster.parse_roster(f"nom;prénom\n{body}".encode(), TODAY).ok
    over = roster.parse_roster(f"nom;prénom\n{body}Dernier;Élève\n".encode(), TODAY)
    assert over.error == "201 lignes : un fichier de classe en compte au plus 200."


# --- Over HTTP: preview, then confirm --------------------------------------------------------


GOOD_FILES = {
    "utf-8, comma": (
        "nom,prénom,date de naissance\nDurand,Léa,14/03/2012\nBenali,Yanis,2011-11-02\n"
        "Martin,Chloé,\n"
    ).encode(),
    "utf-8 BOM, semicolon, CRLF": (
        "NOM;Prénom;Date de naissance\r\nDurand;Léa;14/03/2012\r\nBenali;Yanis;02/11/2011\r\n"
        "Martin;Chloé;\r\n"
    ).encode("utf-8-sig"),
    "windows-1252, semicolon": (
        "Nom;prenom;Date de naissance\r\nDurand;Léa;14/03/2012\r\nBenali;Yanis;02/11/2011\r\n"
        "Martin;Chloé;\r\n"
    ).encode("cp1252"),
}


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_preview_saves_nothing_then_confirm_saves_all(teacher_client, klass, name):
    preview = upload(teacher_client, klass, GOOD_FILES[name])

    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    for text in ("Durand", "Léa", "Benali", "Yanis", "Chloé", "14 mars 2012", "2 novembre 2011",
                 "Créer les 3 comptes"):
        assert text in page
    assert counts() == (0, 0)

    confirm = teacher_client.post(
        f"/classes/{klass.id}/import/confirmer", data={"payload": payload_of(preview)}
    )

    assert confirm.status_code == 200
    assert "3 comptes élève créés" in confirm.get_data(as_text=True)
    assert counts() == (3, 3)
    pupils = {p.user.username: p for p in db.session.scalars(select(Pupil))}
    assert set(pupils) == {"lea.durand", "yanis.benali", "chloe.martin"}
    assert pupils["lea.durand"].birth_date == date(2012, 3, 14)
    assert pupils["chloe.martin"].birth_date is None
    assert all(p.class_id == klass.id for p in pupils.values())


def test_windows_1252_accents_reach_the_accounts(teacher_client, klass):
    data = "Nom;Prénom\r\nDupré;Élodie\r\nMüller;Gaëlle\r\n".encode("cp1252")
    preview = upload(teacher_client, klass, data)
    assert "Élodie" in preview.get_data(as_text=True)
    teacher_client.post(f"/classes/{klass.id}/import/confirmer",
                        data={"payload": payload_of(preview)})
    pupils = select(User).where(User.role == Role.PUPIL)
    users = {u.username: u for u in db.session.scalars(pupils)}
    assert set(users) == {"elodie.dupre", "gaelle.muller"}
    gaelle = users["gaelle.muller"]
    assert (gaelle.first_name, gaelle.last_name) == ("Gaëlle", "Müller")


FIVE_THOUSAND = ("nom;prénom\n" + "".join(f"Nom{n};Prénom{n}\n" for n in range(5000))).encode()

BAD_FILES = {
    "binary (PNG)": (PNG, "Le fichier n'est pas un fichier CSV lisible (UTF-8 ou Windows-1252)."),
    "wrong encoding (UTF-16)": (
        "nom;prénom\nDurand;Léa\n".encode("utf-16"),
        "Le fichier n'est pas un fichier CSV lisible (UTF-8 ou Windows-1252).",
    ),
    "missing column": (
        b"nom;date de naissance\nDurand;14/03/2012\n",
        "Colonne manquante : « prénom ». Colonnes attendues : nom, prénom",
    ),
    "empty name": ("nom;prénom\nDurand;Léa\n;Yanis\n".encode(), "Nom manquant."),
    "duplicate in the file": (
        "nom;prénom\nDurand;Léa\nBenali;Yanis\nDURAND;Léa\n".encode(),
        "Élève en double : déjà à la ligne 2.",
    ),
    "duplicate with the class": (
        "nom;prénom\nBenali;Yanis\nMartin;Camille\n".encode(),
        "Camille Martin est déjà dans la classe.",
    ),
    "5,000 rows": (
        FIVE_THOUSAND, "5\u202f000 lignes : un fichier de classe en compte au plus 200."
    ),
    "bad date": (
        "nom;prénom;date de naissance\nDurand;Léa;31/02/2012\n".encode(),
        "Date de naissance « 31/02/2012 » illisible",
    ),
    "birth date in the future": (
        "nom;prénom;date de naissance\nDurand;Léa;03/12/2026\n".encode(),
        "Date de naissance dans le futur.",
    ),
    "empty file": (b"", "Le fichier ne contient aucun élève"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_refused_whole_with_a_french_error(teacher_client, klass, name):
    data, message = BAD_FILES[name]
    # One pupil already in the class (« Camille Martin », the factory's name).
    factories.pupil(klass, first_name="Camille", last_name="Martin")
    db.session.commit()
    before = counts()

    response = upload(teacher_client, klass, data)

    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'name="payload"' not in page
    assert counts() == before == (1, 1)


def test_import_page_explains_the_birth_date_without_any_age_rule(teacher_client, klass):
    page = text(teacher_client.get(f"/classes/{klass.id}/import"))
    assert "ne sert qu'à la remplir sur la convention de stage" in page
    assert "âge" not in page and "14 ans" not in page


def test_no_file_chosen(teacher_client, klass):
    response = teacher_client.post(f"/classes/{klass.id}/import", data={},
                                   content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choisissez le fichier CSV de la classe." in response.get_data(as_text=True)


def test_rows_errors_are_shown_line_by_line(teacher_client, klass):
    data = "nom;prénom;date de naissance\nDurand;Léa;14/03/2012\n;Yanis;\nMartin;Chloé;2030-01-01\n"
    page = text(upload(teacher_client, klass, data.encode()))
    assert "Rien n'a été enregistré : 2 lignes à corriger." in page
    assert re.search(r'<th scope="row">3</th>\s*<td>—</td>.*?Nom manquant\.', page, re.S)
    assert re.search(r'<th scope="row">4</th>.*?Date de naissance dans le futur\.', page, re.S)


def test_every_previewed_row_is_headed_by_its_line_number(teacher_client, klass):
    data = "nom;prénom\nDurand;Léa\n;Yanis\nMartin;\n"
    page = text(upload(teacher_client, klass, data.encode()))
    headers = re.findall(r'<th scope="row">([^<]*)</th>', page)
    assert headers == ["2", "3", "4"]


def test_file_over_max_content_length_gets_the_413_page(make_app, klass, teacher):
    small = make_app(MAX_CONTENT_LENGTH=2048)
    try:
        client = small.test_client()
        login(client, teacher)
        response = upload(client, klass, FIVE_THOUSAND)
    finally:
        # A second app has its own connection pool: close it (PostgreSQL warns otherwise).
        with small.app_context():
            db.session.remove()
            db.engine.dispose()
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)
    assert counts() == (0, 0)


def test_tampered_or_foreign_payload_is_refused_and_saves_nothing(teacher_client, klass, teacher):
    preview = upload(teacher_client, klass, GOOD_FILES["utf-8, comma"])
    payload = payload_of(preview)
    other = factories.school_class(teacher, name="3e C")
    db.session.commit()

    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    for url, token in ((f"/classes/{klass.id}/import/confirmer", tampered),
                       (f"/classes/{other.id}/import/confirmer", payload),
                       (f"/classes/{klass.id}/import/confirmer", "")):
        response = teacher_client.post(url, data={"payload": token})
        assert response.status_code == 400
        assert "envoyez de nouveau le fichier" in response.get_data(as_text=True)
    assert counts() == (0, 0)


def test_expired_preview_is_refused(teacher_client, klass):
    preview = upload(teacher_client, klass, GOOD_FILES["utf-8, comma"])
    with time_machine.travel(datetime(2026, 11, 25, 10, 5, tzinfo=UTC)):
        response = teacher_client.post(f"/classes/{klass.id}/import/confirmer",
                                       data={"payload": payload_of(preview)})
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_confirming_twice_does_not_duplicate_the_class(teacher_client, klass):
    preview = upload(teacher_client, klass, GOOD_FILES["utf-8, comma"])
    url = f"/classes/{klass.id}/import/confirmer"
    assert teacher_client.post(url, data={"payload": payload_of(preview)}).status_code == 200
    again = teacher_client.post(url, data={"payload": payload_of(preview)})
    assert again.status_code == 409
    assert "Rien n'a été enregistré" in text(again)
    assert counts() == (3, 3)


def test_pupil_added_after_the_preview_makes_the_confirm_refuse_everything(teacher_client, klass):
    preview = upload(teacher_client, klass, GOOD_FILES["utf-8, comma"])
    factories.pupil(klass, first_name="Yanis", last_name="Benali")
    db.session.commit()
    response = teacher_client.post(f"/classes/{klass.id}/import/confirmer",
                                   data={"payload": payload_of(preview)})
    assert response.status_code == 409
    assert "Yanis Benali" in response.get_data(as_text=True)
    assert counts() == (1, 1)
