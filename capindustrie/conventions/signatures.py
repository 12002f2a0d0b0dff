"""Signing a frozen version: links with one-time codes for the parties reached by e-mail, the
pupil from their own account, a paper signature recorded by the teacher with its scan.

Each signature records who, when, how, the IP address and the hash of the version signed. Only
the latest version can be signed: an amendment asks everyone again. When the last awaited party
signs, the convention is « signée » and the company and the class teachers are told, once.
Tokens and codes are stored as HMACs only. No `request` here: callers pass `now` and the IP.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.filters import french_datetime
from capindustrie.models import (
    SIGNATURE_PARTY_LABELS,
    AgreementSignature,
    AgreementVersion,
    SignatureInvitation,
    SignatureMethod,
    SignatureParty,
    User,
)
from capindustrie.urls import public_url

logger = logging.getLogger("capindustrie.conventions")

CODE_MINUTES = 10
MAX_CODE_ATTEMPTS = 5
DEFAULT_LINK_DAYS = 14
SCAN_TYPES = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class SignatureRefused(Exception):
    """Nothing was signed; the message says why, in French."""


class WrongCode(SignatureRefused):
    """A wrong code: the attempt is counted (the caller commits it), nothing is signed."""


@dataclass(frozen=True)
class Awaited:
    party: SignatureParty
    name: str
    email: str | None

    @property
    def label(self) -> str:
        return SIGNATURE_PARTY_LABELS[self.party]


def _secret(purpose: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _content(version: AgreementVersion) -> dict:
    from capindustrie.conventions.services import stored_content

    return stored_content(version)


def parties_of(version: AgreementVersion) -> list[Awaited]:
    """Everyone who signs this version, from its frozen content (so a later edit of the school
    or the family does not change who is asked)."""
    c = _content(version)
    pupil = c["pupil"]
    parties = [
        Awaited(SignatureParty.HEAD, c["school"]["head_name"], c["school"]["email"] or None),
        Awaited(SignatureParty.HOST, c["host"]["rep_name"], c["host"]["rep_email"] or None),
        Awaited(SignatureParty.TUTOR, c["host"]["tutor_name"], c["host"]["tutor_email"] or None),
        Awaited(
            SignatureParty.REFERENT,
            c["school"]["referent_name"],
            c["school"]["referent_email"] or None,
        ),
        Awaited(SignatureParty.PUPIL, f"{pupil['first_name']} {pupil['last_name']}", None),
    ]
    for party, rep in zip(
        (SignatureParty.REP1, SignatureParty.REP2), pupil["legal_representatives"], strict=False
    ):
        parties.append(Awaited(party, rep["name"], rep["email"] or None))
    return parties


def signatures_of(version: AgreementVersion) -> dict[SignatureParty, AgreementSignature]:
    return {
        s.party: s
        for s in db.session.scalars(
            select(AgreementSignature).where(AgreementSignature.version_id == version.id)
        )
    }


def is_fully_signed(version: AgreementVersion) -> bool:
    signed = signatures_of(version)
    return all(p.party in signed for p in parties_of(version))


def _latest_number(version: AgreementVersion) -> int:
    from capindustrie.conventions.services import latest_version

    return latest_version(version.placement).number


def _check_current(version: AgreementVersion) -> None:
    latest = _latest_number(version)
    if version.number != latest:
        raise SignatureRefused(
            f"Cette demande concerne la version {version.number} de la convention, remplacée "
            f"depuis par la version {latest} (un avenant) : rien n'a été signé. Une nouvelle "
            "demande de signature vous a été envoyée pour la version en vigueur."
        )


# --- Invitations ---------------------------------------------------------------------------------


def send_invitations(version: AgreementVersion, now: datetime) -> int:
    """A link for each party reached by e-mail (everyone but the pupil), for this version."""
    days = current_app.config.get("SIGNATURE_LINK_DAYS", DEFAULT_LINK_DAYS)
    sent = 0
    for awaited in parties_of(version):
        if awaited.email is None:
            continue
        token = secrets.token_urlsafe(32)
        invitation = SignatureInvitation(
            version=version,
            party=awaited.party,
            name=awaited.name,
            email=awaited.email,
            token_hash=_secret("token", token),
            expires_at=now + timedelta(days=days),
            created_at=now,
        )
        db.session.add(invitation)
        _mail_link(invitation, token, reminder=False)
        sent += 1
    db.session.flush()
    logger.info("version %s: %s signature invitations", version.id, sent)
    return sent


def _mail_link(invitation: SignatureInvitation, token: str, reminder: bool) -> None:
    version = invitation.version
    c = _content(version)
    what = "l'avenant" if version.number > 1 else "la convention"
    queue_email(
        invitation.email,
        f"{'Rappel : signature' if reminder else 'Signature'} de {what} de stage n° {c['number']}",
        f"Bonjour,\n\n{what.capitalize()} de stage n° {c['number']} (version "
        f"{version.number}) de {c['pupil']['first_name']} {c['pupil']['last_name']} chez "
        f"{c['host']['name']}, {c['sequence']['dates']}, attend votre signature en tant que "
        f"{SIGNATURE_PARTY_LABELS[invitation.party].lower()}.\n\nOuvrez ce lien personnel pour "
        "la lire et la signer : un code à usage unique vous sera envoyé à cette adresse.\n"
        f"{public_url('conventions.sign', token=token)}\n\n"
        f"Ce lien expire le {french_datetime(invitation.expires_at)}. Ne le transmettez à "
        "personne."
        + (
            "\n\nCe rappel remplace le lien envoyé précédemment, qui ne fonctionne plus."
            if reminder
            else ""
        ),
    )


def remind_unsigned(now: datetime) -> int:
    """Once per link, SIGNATURE_REMINDER_DAYS after it was sent: a reminder with a fresh link
    (only hashes are stored, so the old link cannot be resent; it stops working). Each row is
    claimed with one UPDATE … WHERE reminded_at IS NULL, so a double run reminds once."""
    days = current_app.config.get("SIGNATURE_REMINDER_DAYS", 3)
    due = db.session.scalars(
        select(SignatureInvitation).where(
            SignatureInvitation.reminded_at.is_(None),
            SignatureInvitation.created_at <= now - timedelta(days=days),
            SignatureInvitation.expires_at > now,
        )
    ).all()
    reminded = 0
    for invitation in due:
        version = invitation.version
        if version.number != _latest_number(version):
            continue
        if invitation.party in signatures_of(version):
            continue
        token = secrets.token_urlsafe(32)
        claimed = db.session.execute(
            update(SignatureInvitation)
            .where(
                SignatureInvitation.id == invitation.id,
                SignatureInvitation.reminded_at.is_(None),
            )
            .values(reminded_at=now, token_hash=_secret("token", token))
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        _mail_link(invitation, token, reminder=True)
        db.session.commit()
        reminded += 1
    return reminded


def invitation_for(token: str) -> SignatureInvitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(SignatureInvitation).where(SignatureInvitation.token_hash == _secret("token", token))
    )


def check_invitation(invitation: SignatureInvitation, now: datetime) -> None:
    if invitation.expires_at <= now:
        raise SignatureRefused(
            "Ce lien de signature a expiré : demandez au professeur référent de vous en "
            "renvoyer un."
        )
    _check_current(invitation.version)
    if invitation.party in signatures_of(invitation.version):
        raise SignatureRefused("Cette convention est déjà signée pour vous : rien à faire.")


def send_code(invitation: SignatureInvitation, now: datetime) -> None:
    check_invitation(invitation, now)
    code = f"{secrets.randbelow(10**6):06d}"
    invitation.code_hash = _secret("code", f"{invitation.id}:{code}")
    invitation.code_expires_at = now + timedelta(minutes=CODE_MINUTES)
    invitation.code_attempts = 0
    queue_email(
        invitation.email,
        f"Votre code de signature : {code}",
        f"Bonjour,\n\nVotre code pour signer la convention de stage est : {code}\n\n"
        f"Il est valable {CODE_MINUTES} minutes et ne peut servir qu'une fois. Si vous n'avez "
        "pas demandé ce code, ignorez ce message.",
    )


def sign_with_code(
    invitation: SignatureInvitation, code: str, ip: str | None, now: datetime
) -> AgreementSignature:
    check_invitation(invitation, now)
    if invitation.code_hash is None or invitation.code_expires_at <= now:
        raise SignatureRefused("Ce code a expiré ou a déjà servi : demandez un nouveau code.")
    if invitation.code_attempts >= MAX_CODE_ATTEMPTS:
        raise SignatureRefused(
            f"{MAX_CODE_ATTEMPTS} codes erronés : ce code est annulé, demandez-en un nouveau."
        )
    expected = _secret("code", f"{invitation.id}:{(code or '').strip()}")
    if not hmac.compare_digest(expected, invitation.code_hash):
        invitation.code_attempts += 1
        left = MAX_CODE_ATTEMPTS - invitation.code_attempts
        if left == 0:
            invitation.code_hash = None
            raise WrongCode(
                "Code incorrect. Ce code est maintenant annulé : demandez-en un nouveau."
            )
        raise WrongCode(
            "Code incorrect : il reste 1 essai."
            if left == 1
            else f"Code incorrect : il reste {left} essais."
        )
    invitation.code_hash = None
    return _sign(
        invitation.version,
        invitation.party,
        SignatureMethod.CODE,
        invitation.name,
        now,
        email=invitation.email,
        ip=ip,
    )


def sign_as_pupil(
    version: AgreementVersion, user: User, ip: str | None, now: datetime
) -> AgreementSignature:
    """The pupil has no e-mail: signed in to their own account, they confirm they have read."""
    _check_current(version)
    if SignatureParty.PUPIL in signatures_of(version):
        raise SignatureRefused("Vous avez déjà signé cette convention.")
    return _sign(
        version, SignatureParty.PUPIL, SignatureMethod.ACCOUNT, user.display_name, now, ip=ip
    )


def scan_type(data: bytes) -> str | None:
    """The scan's type from its first bytes (never from its name)."""
    return next((kind for magic, kind in SCAN_TYPES.items() if data.startswith(magic)), None)


def record_paper(
    version: AgreementVersion,
    party: SignatureParty,
    signer_name: str,
    filename: str,
    data: bytes,
    teacher: User,
    ip: str | None,
    now: datetime,
) -> AgreementSignature:
    _check_current(version)
    if party not in {p.party for p in parties_of(version)}:
        raise SignatureRefused("Cette personne ne signe pas cette convention.")
    if party in signatures_of(version):
        raise SignatureRefused(
            f"{SIGNATURE_PARTY_LABELS[party]} : la signature est déjà enregistrée."
        )
    kind = scan_type(data)
    if kind is None:
        raise SignatureRefused("Le scan doit être un fichier PDF, PNG ou JPEG.")
    signature = _sign(
        version, party, SignatureMethod.PAPER, signer_name, now, ip=ip, recorded_by=teacher
    )
    signature.scan_filename = filename[-200:]
    signature.scan_mimetype = kind
    signature.scan_data = data
    return signature


def _sign(version, party, method, name, now, email=None, ip=None, recorded_by=None):
    signature = AgreementSignature(
        version=version,
        party=party,
        method=method,
        signer_name=name[:160],
        signer_email=email,
        signed_at=now,
        ip_address=(ip or "")[:45] or None,
        content_hash=version.content_hash,
        recorded_by_id=recorded_by.id if recorded_by else None,
    )
    db.session.add(signature)
    db.session.flush()
    logger.info("version %s signed by %s (%s)", version.id, party.value, method.value)
    if is_fully_signed(version):
        version.fully_signed_at = now
        _notify_fully_signed(version)
    return signature


def _notify_fully_signed(version: AgreementVersion) -> None:
    """Told once: only the last awaited signature reaches this."""
    placement = version.placement
    c = _content(version)
    link = public_url("conventions.overview", placement_id=placement.id)
    recipients = {u.email for u in placement.period.offer.company.users if u.active and u.email}
    recipients |= {u.email for u in placement.pupil.school_class.teachers if u.active and u.email}
    for address in sorted(recipients):
        queue_email(
            address,
            f"Convention signée : n° {c['number']}",
            f"Bonjour,\n\nLa convention de stage n° {c['number']} (version {version.number}) est "
            "signée par toutes les parties. Le stage peut avoir lieu aux dates prévues : "
            f"{c['sequence']['dates']}.\n\nLe document signé : {link}",
        )
