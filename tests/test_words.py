"""French elision and plurals: one helper each (capindustrie/text.py), used as Jinja filters
and in e-mails. « le compte d'Inès », « 0 candidature en cours », « 2 candidatures »."""

import pytest
from flask import render_template_string

from capindustrie.text import elide, french_number, french_size, plural, plural_word


@pytest.mark.parametrize(
    "word, expected",
    [
        ("Inès", "d'Inès"),
        ("Léa", "de Léa"),
        ("Élodie", "d'Élodie"),  # accented capital vowel
        ("Ève", "d'Ève"),
        ("Ìlona", "d'Ìlona"),
        ("Océane", "d'Océane"),
        ("Ulysse", "d'Ulysse"),
        ("Œuvre commune", "d'Œuvre commune"),  # ligature
        ("atelier Brie", "d'atelier Brie"),
        ("Yves", "d'Yves"),  # y before a consonant sounds like i
        ("Yanis", "de Yanis"),  # y before a vowel is a consonant
        ("Hugo", "d'Hugo"),  # silent h: listed given names
        ("Hélène", "d'Hélène"),
        ("heures", "d'heures"),  # silent h: listed common nouns
        ("Hôtel de ville", "d'Hôtel de ville"),
        ("Haribo", "de Haribo"),  # any other h is aspirated
        ("hangar", "de hangar"),
        ("onze élèves", "de onze élèves"),  # vowel words that keep the article
        ("3e B", "de 3e B"),
        ("« Atelier »", "de « Atelier »"),  # a quotation mark is not a vowel
        ("", "de"),
    ],
)
def test_de_elides_before_vowels_and_silent_h(word, expected):
    assert elide(word, "de") == expected


def test_other_articles_and_capitals():
    assert elide("Inès", "le") == "l'Inès"
    assert elide("Inès", "la") == "l'Inès"
    assert elide("Inès", "que") == "qu'Inès"
    assert elide("Léa", "que") == "que Léa"
    assert elide("Inès", "De") == "D'Inès"
    assert elide("Inès", "Que") == "Qu'Inès"
    # Words that never elide are written as given.
    assert elide("Inès", "à") == "à Inès"
    assert elide(None) == "de"


@pytest.mark.parametrize(
    "count, expected",
    [
        (0, "0 candidature"),
        (1, "1 candidature"),
        (1.5, "1,5 candidature"),
        (2, "2 candidatures"),
        (1200, "1\u202f200 candidatures"),
        (-1, "-1 candidature"),
    ],
)
def test_plural_uses_the_singular_for_0_and_1(count, expected):
    assert plural(count, "candidature") == expected


def test_plural_forms():
    assert plural_word(2, "bureau") == "bureaux"
    assert plural_word(2, "lieu") == "lieux"
    assert plural_word(2, "prix") == "prix"
    assert plural_word(2, "cours") == "cours"
    assert plural_word(2, "travail", "travaux") == "travaux"
    assert plural(0, "place libre", "places libres") == "0 place libre"
    assert plural(3, "place libre", "places libres") == "3 places libres"
    assert french_number(5000) == "5\u202f000"


@pytest.mark.parametrize(
    "size, expected",
    [
        (0, "0 octet"),
        (1, "1 octet"),
        (850, "850 octets"),
        (3449, "3,4\u00a0Ko"),
        (2048, "2\u00a0Ko"),
        (12_500_000, "11,9\u00a0Mo"),
    ],
)
def test_file_sizes_read_as_french_readers_write_them(size, expected):
    # Export files are listed with their size: « 3,4 Ko », not « 3449 octets ».
    assert french_size(size) == expected


def test_jinja_filters(app):
    with app.test_request_context():
        rendered = render_template_string(
            "{{ 'Supprimer le compte ' ~ name|elide('de') }} · {{ n|plural('candidature') }} "
            "{{ n|plural_word('en cours', 'en cours') }} · {{ m|plural('élève') }}",
            name="Inès",
            n=0,
            m=2,
        )
    assert rendered == "Supprimer le compte d&#39;Inès · 0 candidature en cours · 2 élèves"


# --- Where the app uses them ---------------------------------------------------------------------


def test_pages_elide_the_pupil_s_name(teacher_client, klass):
    from tests import factories as f

    ines = f.pupil(klass, first_name="Inès", last_name="Arnaud")
    lea = f.pupil(klass, first_name="Léa", last_name="Durand")
    f.db.session.commit()

    page = teacher_client.get(f"/classes/eleves/{ines.id}/supprimer").get_data(as_text=True)
    assert "<h1>Supprimer le compte d&#39;Inès Arnaud</h1>" in page
    page = teacher_client.get(f"/classes/eleves/{lea.id}/supprimer").get_data(as_text=True)
    assert "<h1>Supprimer le compte de Léa Durand</h1>" in page
    detail = teacher_client.get(f"/classes/{klass.id}").get_data(as_text=True)
    assert "le compte d&#39;Inès Arnaud" in detail and "compte de Inès" not in detail
    history = teacher_client.get(f"/classes/{klass.id}/eleves/{ines.id}/candidatures")
    assert "<h1>Candidatures d&#39;Inès Arnaud</h1>" in history.get_data(as_text=True)


def test_pupil_dashboard_says_0_candidature(client, klass):
    from capindustrie.models import Pupil
    from tests import factories as f

    pupil = f.pupil(klass, first_name="Inès")
    f.db.session.commit()
    f.login(client, f.db.session.get(Pupil, pupil.id).user)
    page = client.get("/candidatures").get_data(as_text=True)
    assert "0 candidature en cours sur 5 possibles." in page
    assert "candidatures en cours sur" not in page


def test_e_mails_elide_the_pupil_s_name(app, klass):
    from sqlalchemy import select

    from capindustrie.applications import services as applying
    from capindustrie.applications.states import S
    from capindustrie.models import OutboxMessage, Role
    from tests import factories as f
    from tests.placement_helpers import application_in, published_period

    company = f.company("Atelier de la Brie")
    f.user(Role.COMPANY, email="atelier@exemple.fr", company_obj=company)
    application = application_in(
        f.pupil(klass, first_name="Inès", last_name="Arnaud"),
        published_period(company),
        S.SUBMITTED,
    )
    applying.notify_expired(application, was_accepted=False)
    f.db.session.commit()

    bodies = [m.body for m in f.db.session.scalars(select(OutboxMessage))]
    assert any("La candidature d'Inès A. à votre offre" in body for body in bodies)
    assert not any("candidature de Inès" in body for body in bodies)
