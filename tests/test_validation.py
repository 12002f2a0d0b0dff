"""SIRET checks with real numbers."""

import pytest

from capindustrie.validation import luhn_valid, normalise_siret, siret_problem


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",  # the example of INSEE's documentation and python-stdnum
        "44306184100047",  # Google France, Paris
        "55212022200013",  # Société Générale, head office
        "732 829 320 00074",  # typed as printed on a Kbis
        " 73282932000074\t",
        "35600000000048",  # La Poste head office: an ordinary Luhn key
        "35600000049837",  # a La Poste office: digits add up to 45, not Luhn-valid
    ],
)
def test_valid_sirets(siret):
    assert siret_problem(siret) is None


@pytest.mark.parametrize(
    ("siret", "expected"),
    [
        ("", "Indiquez le numéro SIRET"),
        (None, "Indiquez le numéro SIRET"),
        ("   ", "Indiquez le numéro SIRET"),
        ("7328293200007", "exactement 14 chiffres"),  # 13 digits
        ("732829320000740", "exactement 14 chiffres"),  # 15 digits
        ("7328293200007A", "exactement 14 chiffres"),
        ("732-829-320-00074", "exactement 14 chiffres"),
        ("7328293200007²", "exactement 14 chiffres"),  # a Unicode "digit" that is not 0-9
        ("73282932000075", "clé de contrôle est fausse"),  # last digit mistyped
        ("73282932000047", "clé de contrôle est fausse"),  # two digits swapped
        ("35600000049838", "clé de contrôle est fausse"),  # La Poste, digit sum 46
        ("35600000000014", "clé de contrôle est fausse"),  # La Poste, sum 19, Luhn-valid too
    ],
)
def test_invalid_sirets_have_a_french_reason(siret, expected):
    problem = siret_problem(siret)
    assert problem is not None and expected in problem


def test_la_poste_rule_applies_only_to_la_poste():
    # Digit sum 55 (a multiple of 5) but another company: the Luhn key decides, and it is wrong.
    assert sum(int(c) for c in "12345678901234") % 5 == 0
    assert siret_problem("12345678901234") is not None


def test_luhn_and_normalisation():
    assert luhn_valid("73282932000074") and not luhn_valid("73282932000075")
    assert normalise_siret(" 732 829 320\u00a000074 ") == "73282932000074"
