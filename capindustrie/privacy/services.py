"""« Mes données »: what the service holds about one user, as sections of rows (the page shows
them, the JSON download is the same data), and closing one's own account.

Each role sees its own rows only: a pupil their profile, class, applications, placements,
convention data (family), wishes and event registrations; a teacher their profile, classes
(counts, no pupil's name: those are the pupils' data) and group registrations; a company user
their profile, company, offers and the applications received, with the pupil data a company is
entitled to (first name, last-name initial, class, school, message); staff their profile and
their entries of the audit log. Everyone: open sessions, second factor, e-mails sent to them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select

from capindustrie.applications.states import LABELS as APPLICATION_LABELS
from capindustrie.extensions import db
from capindustrie.models import (
    FILIERE_LABELS,
    Application,
    ApplicationStatus,
    AuditEntry,
    Offer,
    OutboxMessage,
    Period,
    Placement,
    Pupil,
    PupilFamily,
    PupilFeedback,
    PupilWish,
    Registration,
    Role,
    SchoolClass,
    TwoFactor,
    User,
    UserSession,
    class_teacher,
    registration_pupil,
)
from capindustrie.models.feedback import PROGRAMME_LABELS
from capindustrie.offers.lifecycle import STATUS_LABELS as OFFER_LABELS
from capindustrie.privacy import purge

ROLE_LABELS = {
    Role.PUPIL: "Élève",
    Role.TEACHER: "Professeur",
    Role.COMPANY: "Entreprise",
    Role.STAFF: "Agent du Département",
}
# « In progress »: a placement the pupil chose (waiting for the teacher's validation, or
# validated) whose period has not ended yet.
IN_PROGRESS = (ApplicationStatus.CONFIRMED, ApplicationStatus.VALIDATED)
CLOSABLE_ROLES = (Role.TEACHER, Role.COMPANY)


@dataclass
class Section:
    key: str
    title: str
    rows: list[dict[str, object]] = field(default_factory=list)
    empty: str = "Aucune donnée."


def _yes_no(value: bool | None) -> str:
    return {True: "oui", False: "non", None: "non renseigné"}[value]


def _period(period: Period) -> str:
    from capindustrie.filters import french_date

    start, end = (french_date(d, weekday=False) for d in (period.start_date, period.end_date))
    return f"du {start} au {end}"


# Sections common to everyone -------------------------------------------------------------------


def profile_section(user: User) -> Section:
    row: dict[str, object] = {
        "Prénom": user.first_name,
        "Nom": user.last_name,
        "Rôle": ROLE_LABELS[user.role],
        "Adresse e-mail": user.email,
        "Identifiant": user.username,
        "Compte créé le": user.created_at,
        "Dernière connexion": user.last_login_at,
    }
    if user.school is not None:
        row["Établissement"] = user.school.name
    return Section("profil", "Profil", [{k: v for k, v in row.items() if v is not None}])


def security_section(user: User) -> Section:
    sessions = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
    factor = db.session.scalar(select(TwoFactor).where(TwoFactor.user_id == user.id))
    rows = [{"Session ouverte le": s.created_at, "Expire le": s.expires_at} for s in sessions]
    rows.append(
        {"Double authentification": _yes_no(factor is not None and factor.confirmed_at is not None)}
    )
    return Section("connexions", "Connexions et sécurité", rows)


def emails_section(user: User) -> Section:
    if not user.email:
        return Section("e_mails", "E-mails envoyés", [], "Aucun e-mail.")
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.created_at.desc())
    ).all()
    rows = [{"Date": m.created_at, "Objet": m.subject} for m in messages]
    return Section("e_mails", "E-mails envoyés (gardés 6 mois)", rows, "Aucun e-mail.")


# Pupils ----------------------------------------------------------------------------------------


def pupil_sections(pupil: Pupil) -> list[Section]:
    klass = pupil.school_class
    class_row = {
        "Classe": klass.name,
        "Niveau": klass.level.value,
        "Année scolaire": f"{klass.school_year}-{klass.school_year + 1}",
        "Établissement": klass.school.name,
        "Date de naissance": pupil.birth_date,
    }
    applications = db.session.scalars(
        select(Application).where(Application.pupil_id == pupil.id).order_by(Application.id)
    ).all()
    family = db.session.scalar(select(PupilFamily).where(PupilFamily.pupil_id == pupil.id))
    wishes = db.session.scalars(
        select(PupilWish).where(PupilWish.pupil_id == pupil.id).order_by(PupilWish.rank)
    ).all()
    placements = db.session.scalars(
        select(Placement).where(Placement.pupil_id == pupil.id).order_by(Placement.id)
    ).all()
    return [
        Section("classe", "Classe", [{k: v for k, v in class_row.items() if v is not None}]),
        Section(
            "candidatures",
            "Candidatures",
            [_application_row(a, with_pupil=False) for a in applications],
            "Aucune candidature.",
        ),
        Section(
            "stages",
            "Stages validés",
            [
                {
                    "Offre": p.period.offer.title,
                    "Entreprise": p.period.offer.company.name,
                    "Période": _period(p.period),
                    "Validé le": p.validated_at,
                }
                for p in placements
            ],
            "Aucun stage validé.",
        ),
        Section(
            "convention",
            "Données de la convention (famille)",
            [_family_row(family)] if family else [],
            "Aucune donnée de famille saisie.",
        ),
        Section("voeux", "Vœux", [_wish_row(w) for w in wishes], "Aucun vœu."),
        Section(
            "avis",
            "Avis après le stage",
            [_feedback_row(f) for f in _pupil_feedback(placements)],
            "Aucun avis donné.",
        ),
        Section(
            "evenements",
            "Inscriptions aux événements",
            [_registration_row(reg) for reg in _pupil_registrations(pupil)],
            "Aucune inscription.",
        ),
    ]


def _application_row(application: Application, *, with_pupil: bool) -> dict[str, object]:
    offer = application.period.offer
    row: dict[str, object] = {}
    if with_pupil:
        pupil = application.pupil
        user = pupil.user
        # What a company may see of a pupil who applied to it, nothing more.
        row["Élève"] = f"{user.first_name} {user.last_name[:1]}." if user.last_name else ""
        row["Classe"] = pupil.school_class.name
        row["Établissement"] = pupil.school_class.school.name
    row.update(
        {
            "Offre": offer.title,
            "Entreprise": offer.company.name,
            "Période": _period(application.period),
            "Statut": APPLICATION_LABELS.get(application.status, application.status.value),
            "Envoyée le": application.created_at,
            "Message": application.message,
            "Réponse de l'entreprise": application.answer_message,
        }
    )
    return {k: v for k, v in row.items() if v not in (None, "")}


def _family_row(family: PupilFamily) -> dict[str, object]:
    row = {
        "Représentant légal 1": family.rep1_name,
        "E-mail du représentant 1": family.rep1_email,
        "Téléphone du représentant 1": family.rep1_phone,
        "Représentant légal 2": family.rep2_name,
        "E-mail du représentant 2": family.rep2_email,
        "Téléphone du représentant 2": family.rep2_phone,
        "PAI": _yes_no(family.pai),
        "Trousse PAI": family.pai_kit,
        "Attestation d'assurance": _yes_no(family.insurance_certificate),
    }
    return {k: v for k, v in row.items() if v is not None}


def _pupil_feedback(placements: list[Placement]) -> list[PupilFeedback]:
    ids = [p.id for p in placements]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(PupilFeedback)
            .where(PupilFeedback.placement_id.in_(ids))
            .order_by(PupilFeedback.id)
        )
    )


def _feedback_row(feedback: PupilFeedback) -> dict[str, object]:
    return {
        "Offre": feedback.placement.period.offer.title,
        "Envie avant le stage (1 à 5)": feedback.desire_before,
        "Envie après le stage (1 à 5)": feedback.desire_after,
        "Programme suivi": PROGRAMME_LABELS[feedback.programme_followed],
        "Ce que tu as aimé": feedback.liked,
        "Répondu le": feedback.first_answered_at,
    }


def _wish_row(wish: PupilWish) -> dict[str, object]:
    target = wish.offer.title if wish.offer is not None else FILIERE_LABELS[wish.filiere]
    return {"Rang": wish.rank, "Vœu": target}


def _pupil_registrations(pupil: Pupil) -> list[Registration]:
    named = select(registration_pupil.c.registration_id).where(
        registration_pupil.c.pupil_id == pupil.id
    )
    return db.session.scalars(
        select(Registration)
        .where(or_(Registration.pupil_id == pupil.id, Registration.id.in_(named)))
        .order_by(Registration.id)
    ).all()


def _registration_row(registration: Registration) -> dict[str, object]:
    session = registration.session
    return {
        "Événement": session.event.title,
        "Date": session.starts_at,
        "Statut": {
            "confirmed": "confirmée",
            "waitlisted": "en liste d'attente",
            "cancelled": "annulée",
        }[registration.status.value],
    }


# Teachers, companies, staff ------------------------------------------------------------------


def teacher_sections(user: User) -> list[Section]:
    classes = db.session.scalars(
        select(SchoolClass)
        .join(class_teacher, class_teacher.c.class_id == SchoolClass.id)
        .where(class_teacher.c.user_id == user.id)
        .order_by(SchoolClass.school_year.desc(), SchoolClass.name)
    ).all()
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.registered_by_id == user.id, Registration.class_id.is_not(None))
        .order_by(Registration.id)
    ).all()
    return [
        Section(
            "classes",
            "Mes classes",
            [
                {
                    "Classe": c.name,
                    "Niveau": c.level.value,
                    "Année scolaire": f"{c.school_year}-{c.school_year + 1}",
                    "Établissement": c.school.name,
                    "Nombre d'élèves": len(c.pupils),
                }
                for c in classes
            ],
            "Aucune classe.",
        ),
        Section(
            "inscriptions",
            "Inscriptions de classes aux événements",
            [
                {**_registration_row(r), "Classe": r.school_class.name, "Élèves": r.pupils}
                for r in registrations
            ],
            "Aucune inscription.",
        ),
    ]


def company_sections(user: User) -> list[Section]:
    company = user.company
    offers = db.session.scalars(
        select(Offer).where(Offer.company_id == company.id).order_by(Offer.id)
    ).all()
    received = db.session.scalars(
        select(Application)
        .join(Period, Period.id == Application.period_id)
        .join(Offer, Offer.id == Period.offer_id)
        .where(Offer.company_id == company.id)
        .order_by(Application.id)
    ).all()
    company_row = {
        "Raison sociale": company.name,
        "SIRET": company.siret,
        "Filière": company.filiere_label,
        "Adresse": company.address,
        "Code postal": company.postcode,
        "Site web": company.website,
        "Présentation": company.presentation,
    }
    return [
        Section("entreprise", "Mon entreprise", [{k: v for k, v in company_row.items() if v}]),
        Section(
            "offres",
            "Offres",
            [
                {
                    "Titre": o.title,
                    "Statut": OFFER_LABELS[o.status],
                    "Tuteur ou tutrice": o.tutor_name,
                    "Périodes": ", ".join(_period(p) for p in o.periods),
                }
                for o in offers
            ],
            "Aucune offre.",
        ),
        Section(
            "candidatures_recues",
            "Candidatures reçues",
            [_application_row(a, with_pupil=True) for a in received],
            "Aucune candidature reçue.",
        ),
    ]


def staff_sections(user: User) -> list[Section]:
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == user.id)
        .order_by(AuditEntry.created_at.desc())
    ).all()
    from capindustrie.audit.services import ACTIONS

    rows = [
        {
            "Date": e.created_at,
            "Action": ACTIONS.get(e.action, e.action),
            "Objet": f"{e.object_type} n° {e.object_id}" if e.object_type else None,
            "Motif": e.reason,
        }
        for e in entries
    ]
    return [
        Section(
            "journal",
            "Mes actions au journal (gardées 5 ans)",
            [{k: v for k, v in row.items() if v is not None} for row in rows],
            "Aucune action.",
        )
    ]


def reports_section(user: User) -> Section:
    from capindustrie.models import OfferReport

    reports = db.session.scalars(
        select(OfferReport).where(OfferReport.reporter_id == user.id).order_by(OfferReport.id)
    ).all()
    rows = [
        {
            "Offre": r.offer.title,
            "Motif": r.reason_label,
            "Commentaire": r.comment,
            "Signalée le": r.created_at,
            "Suite donnée": r.outcome_label,
        }
        for r in reports
    ]
    return Section(
        "signalements",
        "Offres que vous avez signalées",
        [{k: v for k, v in row.items() if v is not None} for row in rows],
        "Aucun signalement.",
    )


def sections_for(user: User) -> list[Section]:
    sections = [profile_section(user)]
    if user.role == Role.PUPIL:
        pupil = db.session.scalar(select(Pupil).where(Pupil.user_id == user.id))
        if pupil is not None:
            sections += pupil_sections(pupil)
    elif user.role == Role.TEACHER:
        sections += teacher_sections(user)
    elif user.role == Role.COMPANY:
        sections += company_sections(user)
    else:
        sections += staff_sections(user)
    return [*sections, reports_section(user), security_section(user), emails_section(user)]


def as_json(sections: list[Section], now: datetime) -> dict:
    """The download: the same sections, dates in ISO 8601 (UTC for times)."""
    return {
        "service": "Cap Industrie — Département de Seine-et-Marne",
        "genere_le": now.isoformat() + "Z",
        "sections": {
            s.key: {"titre": s.title, "elements": [_plain_row(row) for row in s.rows]}
            for s in sections
        },
    }


def display(value) -> str:
    """A value as the page shows it: dates in French, Paris time."""
    from capindustrie.filters import french_date, french_datetime

    if isinstance(value, datetime):
        return french_datetime(value)
    if isinstance(value, date):
        return french_date(value)
    return "" if value is None else str(value)


def _plain_row(row: dict) -> dict:
    return {key: _plain(value) for key, value in row.items()}


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


# Closing one's account -------------------------------------------------------------------------


def placements_in_progress(user: User, today: date) -> list[Application]:
    """The chosen or validated placements not over yet that `user` takes part in: as a
    teacher of the pupil's class, or as a user of the host company."""
    statement = (
        select(Application)
        .join(Period, Period.id == Application.period_id)
        .where(Application.status.in_(IN_PROGRESS), Period.end_date >= today)
    )
    if user.role == Role.TEACHER:
        taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
        statement = statement.join(Pupil, Pupil.id == Application.pupil_id).where(
            Pupil.class_id.in_(taught)
        )
    elif user.role == Role.COMPANY:
        statement = statement.join(Offer, Offer.id == Period.offer_id).where(
            Offer.company_id == user.company_id
        )
    else:
        return []
    return db.session.scalars(statement.order_by(Period.end_date)).all()


def closure_refusal(user: User, now: datetime) -> str | None:
    """Why `user` may not close their account now (French), or None."""
    if user.role not in CLOSABLE_ROLES:
        if user.role == Role.PUPIL:
            return (
                "Un compte d'élève ne se ferme pas lui-même : il est supprimé automatiquement "
                "le 31 juillet qui suit l'année scolaire. Votre professeur peut aussi le retirer "
                "de la classe."
            )
        return "Les comptes des agents du Département sont fermés par l'administrateur du service."
    running = placements_in_progress(user, purge.paris_today(now))
    if not running:
        return None
    last = max(a.period.end_date for a in running)
    count = len(running)
    what = "un stage" if count == 1 else f"{count} stages"
    who = "vos classes" if user.role == Role.TEACHER else "votre entreprise"
    from capindustrie.filters import french_date

    return (
        f"Vous ne pouvez pas fermer votre compte maintenant : {what} de {who} "
        f"{'est' if count == 1 else 'sont'} en cours (choisi par l'élève ou validé, et pas "
        f"encore terminé). Vous pourrez le fermer après le {french_date(last)}."
    )


def close_account(user: User, now: datetime) -> None:
    """The same deletion as the purge's; the caller commits and logs the user out."""
    purge.delete_account(user, now)
