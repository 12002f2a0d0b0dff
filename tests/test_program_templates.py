"""Turnkey program templates: complete, within the columns, observation only, French typography."""

import re

import pytest

from capindustrie.models import Filiere, Level
from capindustrie.offers.program_templates import (
    DAYS_PER_LEVEL,
    OBSERVATION_COMMITMENT,
    TEMPLATE_TITLES,
    choices_left,
    pick_first_choice,
    program_template,
)

ALL_TEMPLATES = [(f, lvl) for f in Filiere for lvl in Level]
EXPECTED_DAYS = {Level.TROISIEME: 5, Level.SECONDE: 10}
KEYS = {"title", "activities", "with_whom", "safety"}

# Phrases that would give the pupil a machine, a tool or a task: never in a template.
FORBIDDEN = [
    "conduire la machine", "utiliser la machine", "piloter la machine", "régler la machine",
    "conduit la machine", "utilise la machine", "pilote la machine", "règle la machine",
    "l'élève utilise", "l'élève conduit", "l'élève pilote", "l'élève règle",
    "l'élève manipule", "l'élève fabrique", "l'élève participe", "l'élève monte sur",
    "il utilise", "il manipule", "il fabrique", "il participe",
    "aide les opérateurs", "aide à la production", "travaux légers",
]


def _texts(days):
    for day in days:
        yield from day.values()


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])", text.strip())


@pytest.mark.parametrize(("filiere", "level"), ALL_TEMPLATES)
def test_every_template_is_complete_and_fits_the_columns(filiere, level):
    days = program_template(filiere, level)

    assert len(days) == EXPECTED_DAYS[level] == DAYS_PER_LEVEL[level]
    for number, day in enumerate(days, start=1):
        assert set(day) == KEYS, number
        for key, value in day.items():
            assert isinstance(value, str) and value.strip() == value and value, (number, key)
        assert len(day["title"]) <= 160
        assert len(day["with_whom"]) <= 300
        # The wizard's DayForm limits: a template submitted unchanged must pass them.
        assert len(day["activities"]) <= 3000
        assert len(day["safety"]) <= 2000
        assert 2 <= len(_sentences(day["activities"])) <= 5, (number, day["activities"])
    assert len({day["title"] for day in days}) == len(days), "each day has its own title"


@pytest.mark.parametrize(("filiere", "level"), ALL_TEMPLATES)
def test_first_day_is_the_safety_welcome(filiere, level):
    first = program_template(filiere, level)[0]

    assert "sécurité" in first["title"]
    assert "sécurité" in first["safety"]
    assert "EPI" in first["safety"]
    assert "aucune machine" in first["safety"]
    assert "visite" in first["activities"].lower()


@pytest.mark.parametrize(("filiere", "level"), ALL_TEMPLATES)
def test_templates_never_give_the_pupil_a_machine(filiere, level):
    days = program_template(filiere, level)

    for text in _texts(days):
        lowered = text.lower()
        for phrase in FORBIDDEN:
            assert phrase not in lowered, (phrase, text)
    # Every day but the last (a meeting room) restates the rule about machines.
    for number, day in enumerate(days[:-1], start=1):
        assert "machine" in day["safety"], (number, day["safety"])


@pytest.mark.parametrize(("filiere", "level"), ALL_TEMPLATES)
def test_week_plan_jobs_office_functions_and_report(filiere, level):
    days = program_template(filiere, level)
    all_text = " ".join(_texts(days))

    assert "entretien" in days[1]["activities"] and "parcours" in days[1]["activities"]
    office = next(d for d in days if "ressources humaines" in d["title"])
    for word in ("recrutement", "apprentissage", "CAP", "ingénieur"):
        assert word in office["activities"], word
    assert "rapport de stage" in days[-1]["activities"]
    assert "présente" in days[-1]["activities"]
    assert "observ" in all_text
    if level is Level.SECONDE:
        assert "projet d'observation" in days[7]["title"].replace("\u00a0", " ").lower()
        assert "équipe" in days[9]["activities"] and "projet" in days[9]["activities"]


@pytest.mark.parametrize("level", list(Level))
def test_observation_days_are_specific_to_each_filiere(level):
    third_days = {program_template(f, level)[2]["activities"] for f in Filiere}
    day_one_safety = {program_template(f, level)[0]["safety"] for f in Filiere}

    assert len(third_days) == len(Filiere)
    assert len(day_one_safety) == len(Filiere)


@pytest.mark.parametrize(
    ("filiere", "words"),
    [
        (Filiere.AGRI_FOOD, ["HACCP", "laboratoire"]),
        (Filiere.MATERIALS, ["four", "laboratoire"]),
        (Filiere.LOGISTICS, ["quai", "WMS", "tournées"]),
        (Filiere.GREEN_ENERGY, ["méthanisation", "solaire", "réseau de chaleur", "conduite"]),
        (Filiere.HEALTH_PHARMA, ["salle propre", "contrôle qualité", "réglementaires"]),
        (Filiere.SUSTAINABLE_BUILDING, ["conducteur de travaux", "bureau d'études", "BIM", "bois"]),
        (Filiere.FUTURE_INDUSTRY, ["robot", "jumeau numérique", "maintenance prédictive"]),
        (Filiere.AERONAUTICS, ["assemblage", "composite", "contrôle non destructif"]),
        (Filiere.OTHER, ["fabrication", "maintenance"]),
    ],
)
def test_fortnight_covers_the_filiere_topics(filiere, words):
    all_text = " ".join(_texts(program_template(filiere, Level.SECONDE)))
    all_text += " " + TEMPLATE_TITLES[(filiere, Level.TROISIEME)]

    for word in words:
        assert word in all_text, word


def test_returned_lists_are_fresh_copies():
    first = program_template(Filiere.AERONAUTICS, Level.TROISIEME)
    original_title = first[0]["title"]
    first[0]["title"] = "Modifié"
    first[1].clear()
    first.append({"title": "en trop"})

    again = program_template(Filiere.AERONAUTICS, Level.TROISIEME)
    assert again[0]["title"] == original_title
    assert set(again[1]) == KEYS
    assert len(again) == 5
    assert again[0] is not first[0]


def test_accepts_form_strings_and_refuses_unknown_values():
    assert program_template("logistique", "2nde") == program_template(
        Filiere.LOGISTICS, Level.SECONDE
    )
    with pytest.raises(ValueError):
        program_template("boulangerie", "3e")
    with pytest.raises(ValueError):
        program_template(Filiere.LOGISTICS, "1re")


def test_a_title_is_suggested_for_every_template():
    assert set(TEMPLATE_TITLES) == set(ALL_TEMPLATES)
    for title in TEMPLATE_TITLES.values():
        assert 5 <= len(title) <= 160
    assert len(set(TEMPLATE_TITLES.values())) == len(TEMPLATE_TITLES)
    assert TEMPLATE_TITLES[(Filiere.LOGISTICS, Level.TROISIEME)].startswith("Une semaine")
    assert TEMPLATE_TITLES[(Filiere.LOGISTICS, Level.SECONDE)].startswith("Deux semaines")


def test_observation_commitment_states_the_rule():
    text = OBSERVATION_COMMITMENT

    assert "D. 4153-15" in text and "D. 4153-37" in text
    assert "Code du travail" in text
    assert "rémunéré" in text
    assert "production" in text
    # The law's words (D. 4153-15 ff.): a report typed on a computer stays possible.
    assert "manœuvre ni manipulation de machines, produits ou appareils de production" in text
    assert "mineurs" in text
    assert "travaux légers" in text
    assert "accompagné en permanence" in text and "tuteur" in text
    assert "sécurité dès le premier jour" in text


@pytest.mark.parametrize(("filiere", "level"), ALL_TEMPLATES)
def test_french_typography(filiere, level):
    texts = [*_texts(program_template(filiere, level)), TEMPLATE_TITLES[(filiere, level)]]

    for text in [*texts, OBSERVATION_COMMITMENT]:
        assert not re.search(r" [:;?!»]|« ", text), text  # non-breaking spaces there
        assert "  " not in text
        assert '"' not in text and "’" not in text  # « » and straight apostrophes only
        assert "<" not in text and ">" not in text
        assert text.count("«") == text.count("»")
        assert "..." not in text


def _all_template_texts():
    return [text for f, level in ALL_TEMPLATES for text in _texts(program_template(f, level))]


def test_no_generic_alternative_is_left_unmarked():
    # « lait, céréales, betteraves ou légumes selon le site » is not a programme: the company
    # chooses. Every alternative is a « [À choisir : …] » the wizard refuses to submit.
    texts = _all_template_texts()
    assert not any("selon le site" in text for text in texts)
    agri = program_template(Filiere.AGRI_FOOD, Level.TROISIEME)[0]["activities"]
    assert choices_left(agri) == ["[À choisir\u00a0: lait / céréales / betteraves / légumes]"]
    assert "réception des matières premières (lait), fabrication" in pick_first_choice(agri)
    assert not any(choices_left(pick_first_choice(text)) for text in texts)


def test_the_pupil_is_never_placed_at_a_workstation_and_never_tastes():
    texts = _all_template_texts()
    assert not any("à son poste" in text for text in texts)
    jobs_day = program_template(Filiere.LOGISTICS, Level.TROISIEME)[1]
    assert "jamais à côté d'un engin en mouvement" in jobs_day["safety"]
    assert "armoire électrique" in jobs_day["safety"]
    tastings = [text for text in texts if "dégustation" in text]
    assert tastings and all("l'élève ne goûte pas" in text for text in tastings)


def test_grammar_of_shared_sentences():
    texts = " ".join(_all_template_texts())
    assert "sont achetées les matières premières" in texts
    assert "la chargée ou le chargé des ressources humaines" in texts
    assert "la ou le chargé" not in texts
