"""The export format v1: every field, both levels, truncation, sectors, ISO weeks, the schema."""

import csv
import io
import json
from datetime import date, datetime, time

import jsonschema
import pytest

from capindustrie.exports import formats
from capindustrie.exports.formats import (
    CSV_HEADER,
    SECTOR_BY_FILIERE,
    OfferData,
    PeriodData,
    RecordBuilder,
    csv_row,
    iso_weeks,
    shorten,
)
from capindustrie.models import Filiere


def offer_data(**overrides) -> OfferData:
    values = dict(
        id=42,
        status="published",
        title="Découvrir la maintenance industrielle",
        summary="Une semaine à l'atelier de maintenance, aux côtés des techniciens.",
        filiere="industrie_du_futur",
        for_3e=True,
        for_2nde=True,
        latitude=48.54,
        longitude=2.66,
        site_address="1 rue de l'Industrie",
        site_postcode="77000",
        commune_name="Melun",
        commune_postcodes="77000",
        commune_latitude=48.539,
        commune_longitude=2.659,
        epci_siren="200072130",
        epci_name="CA Melun Val de Seine",
        pmr_access=True,
        reserved_priority_education=False,
        day_start=time(9),
        day_end=time(16, 30),
        break_start=time(12),
        break_end=time(13),
        meals="Repas au restaurant d'entreprise.",
        published_at=datetime(2026, 11, 30, 8, 15, 3),
        updated_at=datetime(2026, 11, 30, 9, 0),
        company_name="Usine Brie SAS",
        company_presentation="Fabricant de pièces mécaniques depuis 1962.",
        company_website="https://usine-brie.example.fr",
        siret="12345678901234",
        periods=[
            PeriodData("3e", date(2027, 1, 11), date(2027, 1, 15), 4, 1),
            PeriodData("3e", date(2027, 2, 1), date(2027, 2, 5), 2, 2),
            PeriodData("2nde", date(2027, 6, 14), date(2027, 6, 25), 3, 0),
        ],
        program=[(1, "Accueil", "Visite de l'usine et consignes de sécurité.")],
    )
    values.update(overrides)
    return OfferData(**values)


def builder(**kwargs) -> RecordBuilder:
    return RecordBuilder(lambda i: f"https://capindustrie.example.fr/offres/{i}", **kwargs)


def validator():
    return jsonschema.Draft202012Validator(
        formats.json_schema(), format_checker=jsonschema.FormatChecker()
    )


def document(records, kind="full"):
    return {
        "format": "capindustrie-offres",
        "version": "1.0",
        "kind": kind,
        "generated_at": "2026-12-01T03:15:00Z",
        "since": None,
        "offers": records,
    }


def test_an_offer_for_two_levels_gives_two_records_with_every_field():
    b = builder()
    troisieme, seconde = b.records(offer_data())
    assert troisieme == {
        "remote_id": "capindustrie-42-3e",
        "title": "Découvrir la maintenance industrielle",
        "description": "Une semaine à l'atelier de maintenance, aux côtés des techniciens.",
        "employer_name": "Usine Brie SAS",
        "employer_description": "Fabricant de pièces mécaniques depuis 1962.",
        "employer_website": "https://usine-brie.example.fr",
        "coordinates": {"latitude": 48.54, "longitude": 2.66},
        "street": "1 rue de l'Industrie",
        "zipcode": "77000",
        "city": "Melun",
        "sector_uuid": "s30",
        "grades": ["troisieme"],
        # Only the period with a seat left gives weeks; the full one is listed in `periods`.
        "weeks": ["2027-W02"],
        "permalink": "https://capindustrie.example.fr/offres/42",
        "max_candidates": 3,
        "is_public": False,
        "handicap_accessible": True,
        "rep": False,
        "daily_hours": {
            d: ["9:00", "16:30"] for d in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
        },
        "lunch_break": "Pause déjeuner de 12 h 00 à 13 h 00. Repas au restaurant d'entreprise.",
        "published_at": "2026-11-30T08:15:03Z",
        "siret": "12345678901234",
        "filiere": "industrie_du_futur",
        "level": "3e",
        "epci": {"siren": "200072130", "name": "CA Melun Val de Seine"},
        "periods": [
            {"start": "2027-01-11", "end": "2027-01-15", "seats": 4, "seats_left": 3},
            {"start": "2027-02-01", "end": "2027-02-05", "seats": 2, "seats_left": 0},
        ],
        "programme": [
            {
                "day": 1,
                "title": "Accueil",
                "activities": "Visite de l'usine et consignes de sécurité.",
            }
        ],
        "updated_at": "2026-11-30T09:00:00Z",
        "action": "upsert",
    }
    assert seconde["remote_id"] == "capindustrie-42-2nde"
    assert seconde["grades"] == ["seconde"]  # never mixed with troisieme (the API refuses it)
    assert seconde["weeks"] == ["2027-W24", "2027-W25"]
    assert seconde["max_candidates"] == 3
    assert [p["start"] for p in seconde["periods"]] == ["2027-06-14"]
    assert b.warnings == []
    assert list(troisieme)[:21] == list(formats.NATIONAL_FIELDS)


def test_unpublished_offers_give_no_record():
    assert builder().records(offer_data(status="closed")) == []
    assert builder().records(offer_data(status="draft")) == []


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("court", 10, "court"),
        ("Découvrir la maintenance industrielle", 20, "Découvrir la…"),
        ("Découvrir la maintenance industrielle", 13, "Découvrir la…"),
        ("Découvrir la maintenance", 24, "Découvrir la maintenance"),
        ("Un, deux, trois soleil", 12, "Un, deux…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis(text, limit, expected):
    result, cut = shorten(text, limit)
    assert result == expected
    assert cut == (text != expected)
    assert len(result) <= limit


def test_a_160_character_title_is_shortened_to_150_and_warned():
    title = ("Atelier " + "usinage ") * 20
    title = title[:160]
    b = builder()
    record = b.records(offer_data(title=title, for_2nde=False))[0]
    assert len(record["title"]) <= 150
    assert record["title"].endswith("…")
    assert title.startswith(record["title"][:-1])
    words = set(title.split())
    assert all(word in words for word in record["title"][:-1].split())  # no word cut
    assert any("titre de 160 caractères" in w for w in b.warnings)


def test_description_limit_is_a_setting():
    summary = "mot " * 200
    short = builder().records(offer_data(summary=summary, for_2nde=False))[0]
    long = builder(description_limit=1500).records(offer_data(summary=summary, for_2nde=False))[0]
    assert len(short["description"]) <= 500 and short["description"].endswith("…")
    assert long["description"] == summary  # within the limit: kept as written


def test_fallbacks_for_missing_coordinates_presentation_summary_and_sector_are_warned():
    b = builder(sectors={})
    record = b.records(
        offer_data(
            latitude=None, longitude=None, company_presentation=None, summary="", for_2nde=False
        )
    )[0]
    assert record["coordinates"] == {"latitude": 48.539, "longitude": 2.659}
    assert record["employer_description"] == (
        "Usine Brie SAS, entreprise de la filière industrie du futur en Seine-et-Marne."
    )
    assert record["description"].startswith("Stage d'observation clé en main chez Usine Brie")
    assert record["sector_uuid"] == "s30"
    text = " ".join(b.warnings)
    for expected in (
        "pas de coordonnées",
        "pas de présentation",
        "pas de résumé",
        "sans secteur national",
    ):
        assert expected in text
    assert all(w.startswith("Offre n° 42 : ") for w in b.warnings)
    no_commune = builder().records(
        offer_data(latitude=None, longitude=None, commune_latitude=None, for_2nde=False)
    )[0]
    assert no_commune["coordinates"] is None
    jsonschema.validate(document([record, no_commune]), formats.json_schema())


def test_the_sector_table_covers_every_filiere_with_a_national_sector():
    assert set(SECTOR_BY_FILIERE) == set(Filiere)
    assert SECTOR_BY_FILIERE[Filiere.AGRI_FOOD][0] == "s28"
    assert SECTOR_BY_FILIERE[Filiere.LOGISTICS][0] == "s34"
    assert SECTOR_BY_FILIERE[Filiere.AERONAUTICS][0] == "s16"
    for sector, _label in SECTOR_BY_FILIERE.values():
        assert 1 <= int(sector[1:]) <= 51


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        (date(2027, 1, 11), date(2027, 1, 15), ["2027-W02"]),
        (date(2024, 12, 30), date(2025, 1, 3), ["2025-W01"]),  # 30 Dec 2024 is in 2025's W01
        (date(2026, 12, 28), date(2027, 1, 8), ["2026-W53", "2027-W01"]),  # 2026 has 53 weeks
        (date(2027, 1, 1), date(2027, 1, 1), ["2026-W53"]),  # a Friday still in 2026-W53
        (date(2027, 6, 14), date(2027, 6, 25), ["2027-W24", "2027-W25"]),
    ],
)
def test_iso_weeks_across_a_year_boundary(start, end, weeks):
    assert iso_weeks(start, end) == weeks


def test_records_and_deletions_are_valid_against_the_schema():
    records = builder().records(offer_data())
    records.append(formats.deletion_record(7, "2nde"))
    validator().validate(document(records, "incremental"))
    broken = dict(records[0], grades=["troisieme", "seconde"])
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(document([broken]))
    too_long = dict(records[0], title="x" * 151)
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(document([too_long]))


def test_csv_row_matches_the_french_header_and_reads_back():
    records = builder().records(offer_data()) + [formats.deletion_record(9, "3e")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_HEADER)
    for record in records:
        writer.writerow(csv_row(record))
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert CSV_HEADER[:3] == ["Identifiant (remote_id)", "Action", "Titre"]
    first = rows[0]
    assert first["Titre"] == "Découvrir la maintenance industrielle"
    assert first["Latitude"] == "48,54"
    assert first["Niveau"] == "troisieme"
    assert first["Accessible PMR"] == "oui"
    assert first["Semaines ISO"] == "2027-W02"
    assert first["Périodes"].startswith("du 2027-01-11 au 2027-01-15 : 3 place(s) libre(s)")
    assert first["Horaires"].startswith("lundi 9:00-16:30; mardi")
    assert rows[2]["Action"] == "suppression" and rows[2]["Titre"] == ""
    json.dumps(records)  # plain data


_LONG = (
    'Fabrication de pièces ; usinage « fin », contrôle qualité et "métrologie"\n'
    "avec les techniciens de l'atelier " * 12
)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"for_2nde": False},
        {"for_3e": False},
        {"status": "withdrawn"},
        {"latitude": None, "longitude": None},
        {"latitude": None, "longitude": None, "commune_latitude": None, "epci_siren": None},
        {"title": "Découverte " * 20, "summary": _LONG, "company_presentation": _LONG},
        {"summary": "", "company_presentation": "  ", "company_website": None},
        {"site_address": None, "site_postcode": None, "commune_name": None},
        {"site_postcode": None, "commune_postcodes": "77100 77101"},
        {"day_start": None, "break_start": None, "meals": None},
        {"meals": "Cantine ; « panier » possible\r\nle vendredi", "pmr_access": False},
        {"reserved_priority_education": True, "published_at": None},
        {"latitude": 48.5e-5, "longitude": -2.0, "title": 'Titre "entre guillemets"; bis'},
        {"periods": [], "program": []},
        {
            "periods": [
                formats.PeriodData("3e", date(2026, 12, 28), date(2027, 1, 8), 20, 20),
                formats.PeriodData("2nde", date(2027, 6, 14), date(2027, 6, 25), 3, 3),
            ],
            "program": [(d, f"Jour {d} ; atelier", _LONG[:300]) for d in range(1, 11)],
        },
        {"filiere": "autre_industrie"},
    ],
)
def test_encoded_records_are_the_bytes_of_the_record_dicts(overrides):
    """The full export's fast path (encoded) writes exactly what encoding records() writes:
    the same JSON text, the same CSV line as csv.writer writes csv_row(), the same warnings,
    for every fallback."""
    offer = offer_data(**overrides)
    reference, fast = builder(sectors={}), builder(sectors={})
    records = reference.records(offer)
    assert fast.encoded(offer) == [(_compact(r), _csv_line(r)) for r in records]
    assert fast.warnings == reference.warnings
    default_sectors = builder()
    assert default_sectors.encoded(offer) == [
        (_compact(r), _csv_line(r)) for r in builder().records(offer)
    ]


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _csv_line(record: dict) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(csv_row(record))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "a;b",
        'a "quoted" word',
        '"',
        "line\nbreak",
        "carriage\rreturn",
        "tab\there",
        " leading and trailing ",
        "back\\slash",
        "control \x01\x1f and \x7f",
        "unicode \u2028 separator, « guillemets », emoji 🏭",
        'mixed ; " \r\n all',
    ],
)
def test_encoded_texts_escape_like_the_json_and_csv_modules(text):
    """Each free text of an offer (title, texts, address, programme) comes out of the fast path
    as the json and csv modules write it, whatever characters it holds."""
    offer = offer_data(
        title=text or "t",
        summary=text or None,
        company_name=text or "c",
        company_presentation=text,
        company_website=text or None,
        site_address=text,
        meals=text or None,
        program=[(1, text, text), (2, text + ";", "x")],
        commune_name=text or None,
        epci_name=text,
    )
    records = builder().records(offer)
    assert builder().encoded(offer) == [(_compact(r), _csv_line(r)) for r in records]
