"""Checks of French identifiers typed by users, with the French reason they are refused."""

SIRET_LENGTH = 14
# La Poste numbers its establishments (one SIREN, thousands of offices) with its own key: the
# digits add up to a multiple of 5. Its head office keeps an ordinary Luhn key (INSEE rule, as in
# python-stdnum's stdnum.fr.siret).
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def normalise_siret(value: str | None) -> str:
    """The SIRET as stored: without the spaces it is often written with (123 456 789 00012)."""
    return "".join((value or "").split())


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_problem(value: str | None) -> str | None:
    """The French reason a SIRET is refused, or None when it is well-formed with a valid key."""
    siret = normalise_siret(value)
    if not siret:
        return "Indiquez le numéro SIRET de l'établissement."
    if not siret.isascii() or not siret.isdigit() or len(siret) != SIRET_LENGTH:
        return "Le SIRET doit comporter exactement 14 chiffres (9 pour le SIREN, 5 pour le NIC)."
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_valid(siret)
    if not valid:
        return (
            "Ce numéro SIRET n'est pas valide : sa clé de contrôle est fausse. Vérifiez-le sur "
            "votre extrait Kbis ou votre avis de situation INSEE."
        )
    return None
