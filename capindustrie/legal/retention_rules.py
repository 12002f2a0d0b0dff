"""What the privacy page says about retention, read from one table.

The retention rules themselves belong to the purge (`capindustrie/privacy/retention.py`, written
on another branch): when both are merged, `retention_rows` reads that table, so the page states
exactly what the purge enforces. Until then the rows are kept here, in the same words."""

from typing import NamedTuple


class RetentionRow(NamedTuple):
    what: str
    duration: str
    reason: str


_ROWS = (
    RetentionRow(
        "Comptes des élèves, leurs candidatures, messages et vœux",
        "jusqu'au 31 juillet qui suit la fin de leur année scolaire",
        "Le stage d'observation a lieu pendant l'année scolaire : au-delà, ces données ne "
        "servent plus. Les candidatures et stages restent comptés sans rien qui identifie "
        "l'élève (niveau, établissement, offre, dates), pour les indicateurs du Département.",
    ),
    RetentionRow(
        "Comptes des professeurs et des personnes des entreprises",
        "2 ans après la dernière connexion",
        "Un compte inutilisé depuis 2 ans est supprimé ; un e-mail prévient 30 jours avant, "
        "et une connexion suffit à le garder.",
    ),
    RetentionRow(
        "E-mails envoyés par le service",
        "6 mois",
        "Le temps de vérifier qu'un message est bien parti et de répondre à une réclamation.",
    ),
    RetentionRow(
        "Historique des étapes d'une candidature",
        "anonymisé en même temps que l'élève",
        "Il garde la date et l'étape, pour les indicateurs, mais plus le nom ni le message.",
    ),
    RetentionRow(
        "Journal des actions des agents du Département",
        "5 ans",
        "Pour pouvoir rendre compte de chaque décision de modération, validation ou export.",
    ),
)


def retention_rows() -> list[RetentionRow]:
    """The retention rules as rows (what, duration, reason), in the privacy page's order."""
    return list(_ROWS)
