"""Conventions: what is still missing before one can be issued, freezing a version, amendments.

No `request` here; callers pass `now` and commit (or roll back on ConventionRefused).
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from capindustrie.conventions import content as convention_content
from capindustrie.extensions import db
from capindustrie.filters import french_date, to_paris
from capindustrie.models import (
    AgreementParties,
    AgreementVersion,
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Commune,
    Offer,
    Period,
    Placement,
    PupilFamily,
    Role,
    SchoolProfile,
    SchoolStatus,
    User,
)

logger = logging.getLogger("capindustrie.conventions")


class ConventionRefused(Exception):
    """The convention cannot be issued or amended now; the message says why, in French."""


# --- What is missing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    label: str
    # "school", "family", "host": which form completes it; "host" is the company's.
    form: str


def school_profile(school_id: int) -> SchoolProfile | None:
    return db.session.scalar(select(SchoolProfile).where(SchoolProfile.school_id == school_id))


def family_of(pupil_id: int) -> PupilFamily | None:
    return db.session.scalar(select(PupilFamily).where(PupilFamily.pupil_id == pupil_id))


def parties_of(placement: Placement) -> AgreementParties:
    """The placement's signatory row, created on first use and prefilled: the host's
    representative is the company user who accepted the application (the account holder)."""
    parties = db.session.scalar(
        select(AgreementParties).where(AgreementParties.placement_id == placement.id)
    )
    if parties is None:
        parties = AgreementParties(placement=placement)
        accepter = _company_user_who_accepted(placement.application)
        if accepter is not None:
            parties.host_rep_name = accepter.display_name
            parties.host_rep_email = accepter.email
        _prefill_from_earlier(parties, placement)
        db.session.add(parties)
        db.session.flush()
    return parties


def _prefill_from_earlier(parties: AgreementParties, placement: Placement) -> None:
    """What a signatory or a referent typed for an earlier convention is proposed again: the
    company's last signatory, the validating teacher's phone."""
    company_id = placement.period.offer.company_id
    earlier_host = db.session.scalar(
        select(AgreementParties)
        .join(AgreementParties.placement)
        .join(Placement.period)
        .join(Period.offer)
        .where(Offer.company_id == company_id, AgreementParties.host_rep_phone.is_not(None))
        .order_by(AgreementParties.id.desc())
        .limit(1)
    )
    if earlier_host is not None:
        parties.host_rep_name = earlier_host.host_rep_name
        parties.host_rep_function = earlier_host.host_rep_function
        parties.host_rep_email = earlier_host.host_rep_email
        parties.host_rep_phone = earlier_host.host_rep_phone
    if placement.validated_by_id is not None:
        parties.referent_phone = db.session.scalar(
            select(AgreementParties.referent_phone)
            .join(AgreementParties.placement)
            .where(
                Placement.validated_by_id == placement.validated_by_id,
                AgreementParties.referent_phone.is_not(None),
            )
            .order_by(AgreementParties.id.desc())
            .limit(1)
        )


def _company_user_who_accepted(application: Application) -> User | None:
    return db.session.scalar(
        select(User)
        .join(ApplicationTransition, ApplicationTransition.actor_id == User.id)
        .where(
            ApplicationTransition.application_id == application.id,
            ApplicationTransition.to_status == ApplicationStatus.ACCEPTED,
            User.role == Role.COMPANY,
        )
        .limit(1)
    )


def missing_items(placement: Placement) -> list[Missing]:
    """Everything the national model asks for that is not known yet, in the order of the form
    that completes it."""
    pupil = placement.pupil
    school = pupil.school_class.school
    profile = school_profile(school.id)
    family = family_of(pupil.id)
    parties = parties_of(placement)
    missing = []
    if profile is None:
        missing.append(
            Missing(
                f"Le profil de l'établissement ({school.name}) : statut, téléphone, e-mail, "
                "nom du chef d'établissement.",
                "school",
            )
        )
    elif profile.status is SchoolStatus.PUBLIC and profile.board_authorisation_date is None:
        missing.append(
            Missing(
                "La date de la délibération du conseil d'administration autorisant les "
                "conventions.",
                "school",
            )
        )
    if not parties.referent_phone:
        missing.append(Missing("Le téléphone du professeur référent.", "family"))
    if pupil.birth_date is None:
        missing.append(Missing("La date de naissance de l'élève.", "family"))
    if family is None or not (family.rep1_name and family.rep1_email and family.rep1_phone):
        missing.append(
            Missing("Un représentant légal au moins : nom, e-mail et téléphone.", "family")
        )
    if family is not None and family.rep2_name and not (family.rep2_email and family.rep2_phone):
        missing.append(Missing("L'e-mail et le téléphone du second représentant légal.", "family"))
    if family is None or family.pai is None:
        missing.append(Missing("Si l'élève a un projet d'accueil individualisé (PAI).", "family"))
    elif family.pai and not family.pai_kit:
        missing.append(Missing("Qui apporte la trousse d'urgence du PAI.", "family"))
    if family is None or not family.insurance_certificate:
        missing.append(
            Missing("L'attestation d'assurance responsabilité civile de la famille.", "family")
        )
    if not (
        parties.host_rep_name
        and parties.host_rep_function
        and parties.host_rep_email
        and parties.host_rep_phone
    ):
        missing.append(
            Missing(
                "Le représentant de l'entreprise qui signe : nom, fonction, e-mail et "
                "téléphone (à compléter par l'entreprise).",
                "host",
            )
        )
    return missing


# --- Versions ------------------------------------------------------------------------------------


def versions(placement: Placement) -> list[AgreementVersion]:
    return list(
        db.session.scalars(
            select(AgreementVersion)
            .where(AgreementVersion.placement_id == placement.id)
            .order_by(AgreementVersion.number)
        )
    )


def latest_version(placement: Placement) -> AgreementVersion | None:
    return db.session.scalar(
        select(AgreementVersion)
        .where(AgreementVersion.placement_id == placement.id)
        .order_by(AgreementVersion.number.desc())
        .limit(1)
    )


def canonical_json(content: dict) -> str:
    """One spelling per content, so that the hash of the same values is always the same."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_content(version: AgreementVersion) -> dict:
    """The frozen content, checked against its hash (a row edited by hand is refused)."""
    if content_hash(version.content) != version.content_hash:
        raise ConventionRefused(
            "Le contenu enregistré de cette convention ne correspond plus à son empreinte : "
            "il a été modifié hors de l'application. Contactez l'équipe Cap Industrie."
        )
    return json.loads(version.content)


def _live_content(placement: Placement, number: int, now: datetime, reason: str | None) -> dict:
    pupil = placement.pupil
    company = placement.period.offer.company
    commune = db.session.get(Commune, company.commune_insee) if company.commune_insee else None
    return convention_content.build(
        placement,
        school_profile(pupil.school_class.school_id),
        family_of(pupil.id),
        parties_of(placement),
        convention_content.referent_of(placement, db.session.get),
        commune.name if commune else "",
        number,
        now,
        reason,
    )


def _store(placement, number, content, actor, now, reason=None) -> AgreementVersion:
    text = canonical_json(content)
    version = AgreementVersion(
        placement=placement,
        number=number,
        content=text,
        content_hash=content_hash(text),
        reason=reason,
        created_at=now,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    logger.info("placement %s: convention version %s frozen", placement.id, number)
    return version


def issue(placement: Placement, actor: User, now: datetime) -> AgreementVersion:
    """Freeze version 1 once nothing is missing. Issuing twice is refused (an amendment is the
    only way to change an issued convention)."""
    if latest_version(placement) is not None:
        raise ConventionRefused(
            "La convention est déjà établie : pour changer les dates, les horaires ou le "
            "tuteur, établissez un avenant."
        )
    missing = missing_items(placement)
    if missing:
        raise ConventionRefused(
            "La convention ne peut pas encore être établie : il manque "
            + " ".join(m.label for m in missing)
        )
    version = _store(placement, 1, _live_content(placement, 1, now, None), actor, now)
    _ask_for_signatures(version, now)
    return version


def _ask_for_signatures(version: AgreementVersion, now: datetime) -> None:
    from capindustrie.conventions.signatures import send_invitations

    send_invitations(version, now)


def issue_if_complete(placement: Placement, actor: User, now: datetime) -> AgreementVersion | None:
    """At validation: freeze at once when the school, the family and the host are known."""
    if latest_version(placement) is None and not missing_items(placement):
        return issue(placement, actor, now)
    return None


# What an amendment may change (issue 16: dates, hours, tutor), as paths in the content.
AMENDABLE = (
    ("sequence", "dates"),
    ("sequence", "hours"),
    ("host", "tutor_name"),
    ("host", "tutor_role"),
    ("host", "tutor_email"),
    ("host", "tutor_phone"),
)


def amend(placement: Placement, reason: str, actor: User, now: datetime) -> AgreementVersion:
    """A new version with the current dates, hours and tutor; everything else is copied from
    the last version, unchanged. Refused before issue, during or after the internship week, and
    when none of those three changed."""
    last = latest_version(placement)
    if last is None:
        raise ConventionRefused(
            "La convention n'est pas encore établie : il n'y a rien à modifier par avenant."
        )
    period = placement.period
    today = to_paris(now).date()
    if period.start_date <= today:
        raise ConventionRefused(
            f"Le stage a commencé le {french_date(period.start_date)} : aucun avenant n'est "
            "possible pendant ou après la séquence. Voyez directement avec l'entreprise et "
            "le chef d'établissement."
        )
    previous = stored_content(last)
    live = _live_content(placement, last.number + 1, now, reason)
    if all(previous[a][b] == live[a][b] for a, b in AMENDABLE):
        raise ConventionRefused(
            "Les dates, les horaires et le tuteur n'ont pas changé depuis la version "
            f"{last.number} : un avenant n'aurait rien à modifier."
        )
    amended = json.loads(last.content)
    for a, b in AMENDABLE:
        amended[a][b] = live[a][b]
    # The articles quote the hours, the signatories the tutor: take them from the live build.
    amended["articles"] = live["articles"]
    amended["signatories"] = live["signatories"]
    amended.update(
        version=last.number + 1,
        kind="avenant",
        amendment_reason=reason,
        issued_at=live["issued_at"],
    )
    version = _store(placement, last.number + 1, amended, actor, now, reason)
    _ask_for_signatures(version, now)
    return version


def amendment_count(placement: Placement) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AgreementVersion)
        .where(AgreementVersion.placement_id == placement.id, AgreementVersion.number > 1)
    )
