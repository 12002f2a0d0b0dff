"""Keywords match across singular and plural and the usual French inflections (Snowball stems),
every word required, accents and case ignored: the same in SQL on SQLite and PostgreSQL as in
the Python rule (`capindustrie.text`)."""

import pytest

from capindustrie.extensions import db
from capindustrie.text import document_matches, french_stem, keyword_terms, search_document
from tests.test_search import HX, MEAUX, ids, meaux_college, published, search_from


def test_stems_are_taken_after_removing_accents_on_both_sides():
    assert french_stem("medicaments") == french_stem("medicament") == "medic"
    assert french_stem("fabriques") == french_stem("fabrique") == french_stem("fabrication")
    document = search_document("Voir comment on fabrique un médicament")
    assert document.startswith(" voir comment on fabrique un medicament ")
    assert " medic " in document and document.endswith(" ")
    for keyword in ("Médicaments fabriqués", "MEDICAMENTS FABRIQUES", "médicament"):
        assert document_matches(document, keyword_terms(keyword)), keyword


def test_the_issue_s_example_finds_the_offer(app):
    school = meaux_college()
    offer = published(
        MEAUX,
        title="Laboratoire pharmaceutique",
        summary="Voir comment on fabrique un médicament et comment on le contrôle.",
    )
    published(MEAUX, title="Logistique", summary="Préparer les commandes de médicaments.")
    db.session.commit()

    assert ids(search_from(school, keyword="Médicaments fabriqués")) == [offer.id]
    assert ids(search_from(school, keyword="medicament fabrique")) == [offer.id]
    assert ids(search_from(school, keyword="fabrication")) == [offer.id]  # same stem


@pytest.mark.parametrize(
    "text, keyword",
    [
        ("Découvrir la soudure", "soudures"),
        ("Les robots de la ligne", "robot"),
        ("Un robot", "robots"),
        ("Contrôles qualité", "controle qualites"),
        ("Énergies vertes", "énergie verte"),
        ("Les chantiers du Grand Paris", "chantier"),
        ("Matériaux composites", "composite"),
        ("Usinage des pièces", "usinag"),  # part of a word, as typed: found as before
    ],
)
def test_singular_plural_and_inflections_match(app, text, keyword):
    school = meaux_college()
    offer = published(MEAUX, title=text)
    db.session.commit()
    assert ids(search_from(school, keyword=keyword)) == [offer.id]


def test_every_word_is_required(app):
    school = meaux_college()
    both = published(MEAUX, title="Soudure et robots")
    published(MEAUX, title="Soudure")
    published(MEAUX, title="Robots")
    db.session.commit()
    assert ids(search_from(school, keyword="soudures robot")) == [both.id]
    assert search_from(school, keyword="soudures avion").total == 0


def test_a_stem_matches_whole_stems_only(app):
    """« bâtiment » stems to « bat »: it must not find « batterie » or « bateau » (a stem is
    matched as a whole word, not as the start of another word)."""
    school = meaux_college()
    building = published(MEAUX, title="Bâtiments basse consommation")
    published(MEAUX, title="Batteries et stockage")
    published(MEAUX, title="Chantier naval : un bateau")
    db.session.commit()
    assert french_stem("batiment") == "bat"
    assert ids(search_from(school, keyword="bâtiment")) == [building.id]


def test_the_public_search_uses_the_same_rule(client):
    school = meaux_college()
    offer = published(
        MEAUX, title="Laboratoire pharmaceutique", summary="Voir comment on fabrique un médicament."
    )
    db.session.commit()
    html = client.get(
        "/offres",
        query_string={"etablissement": school.uai, "q": "Médicaments fabriqués"},
        headers=HX,
    ).get_data(as_text=True)
    assert "Laboratoire pharmaceutique" in html and f"/offres/{offer.id}" in html
