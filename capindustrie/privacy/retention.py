"""How long each kind of data is kept, why, and how it goes: the one table the purge applies
(capindustrie/privacy/purge.py) and the privacy page renders (`RULES`, plain data in French).

The delays below are the ones the code uses: change one here and both follow.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

# Pupils: until 31 July after their school year (SchoolClass.school_year 2026 = 2026-2027).
PUPIL_END_MONTH, PUPIL_END_DAY = 7, 31
# Teachers and company users: 2 years after their last sign-in (or creation, never signed in).
INACTIVE_ACCOUNT_DELAY = timedelta(days=2 * 365)
# The « your account will be deleted » e-mail goes this long before.
DELETION_NOTICE = timedelta(days=30)
# A self-registered account whose address was never confirmed: the confirmation link lives 3
# days (EMAIL_CONFIRMATION_MAX_AGE); after a week nobody can use the account any more, and the
# person has had four more days to ask for a new link.
UNCONFIRMED_DELAY = timedelta(days=7)
# E-mails in the outbox: 6 months (enough to answer « I never received it »).
OUTBOX_DELAY = timedelta(days=183)
# The audit log of staff actions: 5 years (capindustrie/audit/services.py).
AUDIT_DELAY = timedelta(days=5 * 365 + 1)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    what: str  # « Quoi »
    duration: str  # « Combien de temps »
    why: str  # « Pourquoi »
    how: str  # « Comment »


RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "pupils",
        "Comptes des élèves (nom, prénom, identifiant, date de naissance, représentants "
        "légaux, messages, vœux, données de convention)",
        "jusqu'au 31 juillet qui suit la fin de leur année scolaire",
        "Le stage d'observation et sa convention ne servent que pendant l'année scolaire.",
        "Purge annuelle automatique le 31 juillet à 2 h : le compte est supprimé, les "
        "candidatures et stages deviennent anonymes.",
    ),
    RetentionRule(
        "placements",
        "Candidatures et stages, sous forme anonyme (niveau, établissement, offre, période, "
        "statut, dates)",
        "sans limite, une fois anonymes",
        "Les indicateurs du Département (élèves touchés, stages réalisés) par année et par "
        "territoire.",
        "Noms, identifiants, messages et textes libres sont effacés avec le compte de l'élève.",
    ),
    RetentionRule(
        "transitions",
        "Historique des candidatures (qui, quand, de quel état à quel état)",
        "anonymisé en même temps que l'élève",
        "Suivre une candidature pendant l'année ; mesurer les délais de réponse.",
        "Les messages sont effacés lors de la purge annuelle ; les dates et les états restent.",
    ),
    RetentionRule(
        "accounts",
        "Comptes des professeurs et des entreprises",
        "2 ans après la dernière connexion",
        "Un compte inutilisé depuis 2 ans n'a plus d'utilité pour le service.",
        "Un e-mail prévient 30 jours avant ; le compte est supprimé sauf nouvelle connexion. "
        "L'entreprise et ses offres restent au catalogue (fermées si plus personne ne les suit).",
    ),
    RetentionRule(
        "unconfirmed",
        "Comptes jamais confirmés (adresse e-mail non vérifiée)",
        "7 jours après l'inscription",
        "Le lien de confirmation ne vaut que 3 jours ; au-delà d'une semaine, le compte ne "
        "peut plus servir.",
        "Supprimé par la purge quotidienne des comptes.",
    ),
    RetentionRule(
        "outbox",
        "E-mails envoyés par le service (copie dans la file d'envoi)",
        "6 mois",
        "Vérifier qu'un message est bien parti en cas de réclamation.",
        "Supprimés par la purge quotidienne.",
    ),
    RetentionRule(
        "audit",
        "Journal des actions du personnel du Département",
        "5 ans",
        "Traçabilité des décisions de modération, des exports et de la gestion des comptes.",
        "Les entrées plus anciennes sont supprimées par la purge quotidienne.",
    ),
)


def rules_as_dicts() -> list[dict[str, str]]:
    """The table as plain dicts (a template or a JSON answer reads them directly)."""
    return [asdict(rule) for rule in RULES]


def pupil_retention_end(school_year: int) -> date:
    """The day a pupil of a class of `school_year` (2026 = 2026-2027) is purged."""
    return date(school_year + 1, PUPIL_END_MONTH, PUPIL_END_DAY)


def finished_school_year(today: date) -> int:
    """The latest school year whose pupils are purged on `today` (Paris date): on 31 July 2027
    and after, 2026-2027 (2026); before it, 2025-2026."""
    year = today.year - 1
    if (today.month, today.day) < (PUPIL_END_MONTH, PUPIL_END_DAY):
        year -= 1
    return year


def last_activity(last_login_at: datetime | None, created_at: datetime) -> datetime:
    return last_login_at or created_at


def deletion_due(last_login_at: datetime | None, created_at: datetime) -> datetime:
    return last_activity(last_login_at, created_at) + INACTIVE_ACCOUNT_DELAY
