"""Everything a convention prints, as one plain dict of French strings: the parties, the dates
and hours, the articles of the national model, the two annexes and the signatories.

The dict is what gets frozen (canonical JSON + SHA-256, see services.freeze): the PDF template
only lays it out, so a later edit of the offer, the company or the school changes nothing in a
convention already issued. The articles follow the national model annexed to the circulaires
du 12-7-2024 (NOR MENE2407449C) and du 28-3-2024 (NOR MENE2400643C).
"""

from datetime import date, datetime, timedelta

from capindustrie.filters import french_date, french_datetime, french_time
from capindustrie.models import (
    SCHOOL_STATUS_LABELS,
    AgreementParties,
    Level,
    Placement,
    PupilFamily,
    SchoolProfile,
    SchoolStatus,
    User,
)
from capindustrie.offers.program_templates import OBSERVATION_COMMITMENT
from capindustrie.offers.rules import display_phone, french_public_holidays

FORMAT = 1

CIRCULAIRES = {
    Level.TROISIEME: (
        "circulaire du 12 juillet 2024 « Séquences d'observation, visites d'information et "
        "stages pour les élèves de collège » (NOR MENE2407449C)"
    ),
    Level.SECONDE: (
        "circulaire du 28 mars 2024 « Séquence d'observation de la classe de seconde du lycée "
        "général et technologique » (NOR MENE2400643C)"
    ),
}
EDUCATION_CODE = {
    Level.TROISIEME: (
        "Code de l'éducation, notamment ses articles L. 124-1, L. 332-3-1, D. 331-1 à D. 331-9 "
        "et D. 332-14"
    ),
    Level.SECONDE: (
        "Code de l'éducation, notamment ses articles L. 124-1, D. 331-1 à D. 331-9 et D. 333-3-1"
    ),
}


def _join(*parts: str | None, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def convention_number(placement: Placement) -> str:
    """« CI-2026-000012 »: the school year and the placement, stable for every version."""
    return f"CI-{placement.pupil.school_class.school_year}-{placement.id:06d}"


def program_days_for(placement: Placement) -> list:
    """The pupil's own programme: an offer open to both levels has the 10-day fortnight, and
    a 3e pupil follows its first 5 days (offers/wizard.py: template_level)."""
    days = list(placement.period.offer.program_days)
    return days[:5] if placement.period.level is Level.TROISIEME else days


def holidays_in(start: date, end: date) -> list[str]:
    holidays = french_public_holidays(start.year) | french_public_holidays(end.year)
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [f"{holidays[d]} ({french_date(d)})" for d in days if d in holidays]


def working_days(start: date, end: date) -> int:
    holidays = french_public_holidays(start.year) | french_public_holidays(end.year)
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in holidays)


def referent_of(placement: Placement, db_get) -> User | None:
    """The teacher who validated it, or the first teacher of the class."""
    referent = db_get(User, placement.validated_by_id) if placement.validated_by_id else None
    teachers = placement.pupil.school_class.teachers
    return referent or (teachers[0] if teachers else None)


def build(
    placement: Placement,
    profile: SchoolProfile | None,
    family: PupilFamily | None,
    parties: AgreementParties | None,
    referent: User | None,
    company_commune_name: str,
    number: int,
    now: datetime,
    reason: str | None = None,
) -> dict:
    """The whole printed content of version `number` (1: the convention; more: an amendment)."""
    pupil, period = placement.pupil, placement.period
    klass, offer = pupil.school_class, period.offer
    school, company = klass.school, offer.company
    level = period.level
    public = profile is not None and profile.status is SchoolStatus.PUBLIC
    reps = _legal_representatives(family)
    holidays = holidays_in(period.start_date, period.end_date)
    hours = _hours(offer)
    content = {
        "format": FORMAT,
        "number": convention_number(placement),
        "version": number,
        "kind": "avenant" if number > 1 else "convention",
        "amendment_reason": reason or "",
        "issued_at": french_datetime(now),
        "level": level.value,
        "title": (
            "Convention relative à l'organisation de la séquence d'observation en milieu "
            "professionnel"
            + (
                " des élèves de collège"
                if level is Level.TROISIEME
                else " des élèves de seconde générale et technologique"
            )
        ),
        "visas": [
            "Vu le Code du travail, notamment son article L. 4153-1 ;",
            f"Vu le {EDUCATION_CODE[level]} ;",
            f"Vu la {CIRCULAIRES[level]} ;",
            *(
                [
                    "Vu la délibération du conseil d'administration en date du "
                    f"{french_date(profile.board_authorisation_date, weekday=False)} "
                    "approuvant la convention type et autorisant le chef d'établissement à "
                    "conclure au nom de l'établissement toute convention relative aux séquences "
                    "d'observation ;"
                ]
                if public and profile.board_authorisation_date
                else []
            ),
        ],
        "school": {
            "name": school.name,
            "uai": school.uai,
            "status": SCHOOL_STATUS_LABELS[profile.status] if profile else "",
            "address": _join(school.address, f"{school.postcode or ''} {school.commune.name}"),
            "phone": display_phone(profile.phone) if profile else "",
            "email": profile.email if profile else "",
            "head_name": profile.head_name if profile else "",
            "referent_name": referent.display_name if referent else "",
            "referent_email": (referent.email or "") if referent else "",
            "referent_phone": display_phone(parties.referent_phone) if parties else "",
        },
        "host": {
            "name": company.name,
            "siret": _format_siret(company.siret),
            "address": _join(company.address, f"{company.postcode or ''} {company_commune_name}"),
            "rep_name": (parties.host_rep_name or "") if parties else "",
            "rep_function": (parties.host_rep_function or "") if parties else "",
            "rep_email": (parties.host_rep_email or "") if parties else "",
            "rep_phone": display_phone(parties.host_rep_phone) if parties else "",
            "tutor_name": offer.tutor_name or "",
            "tutor_role": offer.tutor_role or "",
            "tutor_email": offer.tutor_email or "",
            "tutor_phone": display_phone(offer.tutor_phone),
            "site": _join(
                offer.site_address,
                f"{offer.site_postcode or ''} "
                f"{offer.site_commune.name if offer.site_commune else ''}".strip(),
            ),
        },
        "pupil": {
            "last_name": pupil.user.last_name,
            "first_name": pupil.user.first_name,
            "class_name": klass.name,
            "level": klass.level.value,
            "school_year": f"{klass.school_year}-{klass.school_year + 1}",
            "birth_date": french_date(pupil.birth_date, weekday=False),
            "legal_representatives": reps,
            "pai": _pai(family),
            "insurance_certificate": (
                "attestation d'assurance responsabilité civile remise à l'établissement"
                if family and family.insurance_certificate
                else ""
            ),
        },
        "sequence": {
            "offer_title": f"{offer.title} ({offer.filiere_label})",
            "dates": f"du {french_date(period.start_date)} au {french_date(period.end_date)}",
            "days": working_days(period.start_date, period.end_date),
            "hours": hours,
            "public_holidays": ", ".join(holidays) if holidays else "aucun",
        },
        "articles": _articles(level, hours, holidays, family),
        "annexe_pedagogique": _annexe_pedagogique(placement, level),
        "annexe_financiere": _annexe_financiere(offer),
        "observation_commitment": OBSERVATION_COMMITMENT,
        "signatories": _signatories(profile, parties, pupil, reps, referent, offer),
    }
    return content


def _format_siret(siret: str) -> str:
    if len(siret) != 14 or not siret.isdigit():
        return siret
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def _legal_representatives(family: PupilFamily | None) -> list[dict]:
    if family is None:
        return []
    reps = []
    for n in (1, 2):
        name = getattr(family, f"rep{n}_name")
        if name:
            reps.append(
                {
                    "name": name,
                    "email": getattr(family, f"rep{n}_email") or "",
                    "phone": display_phone(getattr(family, f"rep{n}_phone")),
                }
            )
    return reps


def _pai(family: PupilFamily | None) -> str:
    if family is None or family.pai is None:
        return ""
    if not family.pai:
        return "non"
    return f"oui — trousse d'urgence apportée par : {family.pai_kit}"


def _hours(offer) -> str:
    if offer.day_start is None or offer.day_end is None:
        return ""
    text = f"du lundi au vendredi, de {french_time(offer.day_start)} à {french_time(offer.day_end)}"
    if offer.break_start and offer.break_end:
        text += (
            f", pause déjeuner de {french_time(offer.break_start)} à {french_time(offer.break_end)}"
        )
    return text


def _articles(level: Level, hours: str, holidays: list[str], family) -> list[dict]:
    pai_kit = (
        f" La trousse d'urgence prévue par le PAI est apportée par : {family.pai_kit}."
        if family is not None and family.pai and family.pai_kit
        else ""
    )
    if level is Level.TROISIEME:
        duration = (
            "La séquence d'observation dure 5 jours, consécutifs ou non (4 jours lorsqu'un jour "
            "férié tombe dans la semaine), aux dates indiquées ci-dessus."
        )
    else:
        duration = (
            "La séquence d'observation dure une ou deux semaines consécutives, dans un ou deux "
            "lieux d'accueil, pendant la période nationale fixée pour la classe de seconde, aux "
            "dates indiquées ci-dessus."
        )
    holiday_text = (
        f" Jours fériés pendant la séquence : {', '.join(holidays)} ; l'élève n'est pas présent "
        "ces jours-là."
        if holidays
        else ""
    )
    return [
        {
            "title": "Article 1 — Objet",
            "paragraphs": [
                "La présente convention a pour objet la mise en œuvre, au bénéfice de l'élève "
                "désigné ci-dessus, d'une séquence d'observation en milieu professionnel.",
            ],
        },
        {
            "title": "Article 2 — Annexes",
            "paragraphs": [
                "Les objectifs et les modalités de la séquence d'observation sont consignés dans "
                "l'annexe pédagogique. Les modalités de prise en charge des frais afférents à la "
                "séquence ainsi que les modalités d'assurance sont définies dans l'annexe "
                "financière. Les deux annexes font partie de la convention et sont signées avec "
                "elle.",
            ],
        },
        {
            "title": "Article 3 — Organisation",
            "paragraphs": [
                "L'organisation de la séquence d'observation est déterminée d'un commun accord "
                "entre le responsable de l'organisme d'accueil et le chef d'établissement.",
            ],
        },
        {
            "title": "Article 4 — Statut de l'élève",
            "paragraphs": [
                "L'élève demeure, durant la séquence d'observation, sous statut scolaire. Il "
                "reste sous l'autorité et la responsabilité du chef d'établissement. Il ne peut "
                "prétendre à aucune rémunération ou gratification de l'organisme d'accueil.",
            ],
        },
        {
            "title": "Article 5 — Observation uniquement, durée de présence et repos",
            "paragraphs": [
                "Durant la séquence d'observation, l'élève n'a pas à concourir au travail dans "
                "l'organisme d'accueil. Il peut effectuer des enquêtes en liaison avec les "
                "enseignements et participer à des activités ou assister à des démonstrations, "
                "sous le contrôle des personnes responsables de son encadrement (Code de "
                "l'éducation, D. 331-8).",
                "L'élève n'a accès à aucune machine, aucun appareil ni aucun produit dont l'usage "
                "est proscrit aux mineurs par les articles D. 4153-15 à D. 4153-37 du Code du "
                "travail. Il ne peut procéder à aucune manœuvre ou manipulation sur d'autres "
                "machines, produits ou appareils de production, ni effectuer les travaux légers "
                "autorisés aux mineurs par ce même code.",
                "La durée de présence de l'élève ne peut excéder 7 heures par jour et 35 heures "
                "par semaine. Une pause d'au moins 30 minutes consécutives est accordée dès que "
                "la présence quotidienne atteint 4 h 30. L'élève bénéficie d'un repos quotidien "
                "d'au moins 14 heures consécutives s'il a moins de 16 ans (12 heures à partir de "
                "16 ans) et de deux jours consécutifs de repos hebdomadaire. Il n'est jamais "
                "présent la nuit : entre 20 heures et 6 heures s'il a moins de 16 ans, entre "
                "22 heures et 6 heures de 16 à 18 ans. Il n'est pas présent les jours fériés."
                + holiday_text,
                f"Horaires : {hours}." if hours else "Horaires : à préciser.",
                "Si l'élève bénéficie d'un projet d'accueil individualisé (PAI), l'organisme "
                "d'accueil en est informé et la trousse d'urgence accompagne l'élève." + pai_kit,
            ],
        },
        {
            "title": "Article 6 — Assurances",
            "paragraphs": [
                "Le chef de l'organisme d'accueil prend les dispositions nécessaires pour "
                "garantir sa responsabilité civile chaque fois qu'elle peut être engagée, soit "
                "en souscrivant une assurance particulière, soit en ajoutant à son contrat "
                "déjà souscrit « responsabilité civile entreprise » ou « responsabilité civile "
                "professionnelle » un avenant relatif à l'accueil d'élèves.",
                "Le chef d'établissement contracte une assurance couvrant la responsabilité "
                "civile de l'élève pour les dommages qu'il pourrait causer pendant la séquence "
                "d'observation, ainsi qu'en dehors de l'organisme d'accueil ou sur le trajet.",
                "Le représentant légal de l'élève souscrit une assurance responsabilité civile "
                "couvrant l'élève pendant la séquence et en remet l'attestation à "
                "l'établissement.",
            ],
        },
        {
            "title": "Article 7 — Accident",
            "paragraphs": [
                "En cas d'accident survenant à l'élève, soit dans l'organisme d'accueil, soit au "
                "cours du trajet, le responsable de l'organisme d'accueil alerte sans délai le "
                "chef d'établissement par tout moyen mis à sa disposition et lui adresse, dans "
                "la journée où l'accident s'est produit, la déclaration d'accident dûment "
                "renseignée. La déclaration d'accident est faite par le chef d'établissement.",
            ],
        },
        {
            "title": "Article 8 — Difficultés, discipline, absences et violences",
            "paragraphs": [
                "Le chef d'établissement et le responsable de l'organisme d'accueil se tiennent "
                "mutuellement informés des difficultés qui pourraient naître de l'application "
                "de la présente convention et prennent, d'un commun accord et en liaison avec "
                "l'équipe pédagogique, les dispositions propres à les résoudre, notamment en "
                "cas de manquement à la discipline. Toute absence de l'élève est signalée sans "
                "délai au chef d'établissement.",
                "L'organisme d'accueil protège l'élève contre les violences sexistes et "
                "sexuelles : dès son arrivée, il l'informe des moyens de signaler tout "
                "agissement sexiste, toute situation de harcèlement ou de violence, et lui "
                "désigne les personnes à contacter. Tout fait signalé est porté sans délai à la "
                "connaissance du chef d'établissement.",
            ],
        },
        {"title": "Article 9 — Durée", "paragraphs": [duration]},
    ]


def _annexe_pedagogique(placement: Placement, level: Level) -> dict:
    offer = placement.period.offer
    report = (
        "un rapport de stage présenté à la classe ou au professeur"
        if level is Level.TROISIEME
        else "un bilan écrit et une présentation orale, en lien avec le projet d'orientation"
    )
    return {
        "objectives": (
            "Découvrir l'environnement technologique, économique et professionnel de "
            "l'organisme d'accueil et ses métiers, en lien avec le projet d'orientation de "
            "l'élève."
        ),
        "program": [
            {
                "number": n,
                "title": day.title,
                "activities": day.activities,
                "with_whom": day.with_whom or "",
                "safety": day.safety or "",
            }
            for n, day in enumerate(program_days_for(placement), start=1)
        ],
        "program_note": (
            f"Programme de la séquence de {level.value}, jour par jour ({offer.title})."
        ),
        "competences": (
            "Observer un environnement de travail ; communiquer avec des professionnels et "
            "poser des questions ; comprendre l'organisation d'une entreprise et le rôle de "
            "chacun ; prendre part aux activités proposées en observateur."
        ),
        "preparation": (
            "Avant la séquence, l'élève prépare ses questions et se renseigne sur l'organisme "
            f"d'accueil avec son professeur référent. Après la séquence, il rédige {report}."
        ),
        "concertation": (
            "Le tuteur et le professeur référent se concertent avant la séquence sur le "
            "programme, se tiennent informés pendant la séquence et échangent à son issue sur "
            "l'appréciation de l'élève."
        ),
    }


def _sentence(text: str | None) -> str:
    """The company's own words as a sentence, or a plain « not given »."""
    text = (text or "").strip().rstrip(".")
    return f"{text}." if text else "non précisé par l'organisme d'accueil."


def _annexe_financiere(offer) -> dict:
    return {
        "lodging": "Hébergement : sans objet, l'hébergement n'entre pas dans la convention.",
        "meals": (
            f"Restauration : {_sentence(offer.meals)} "
            "Lorsque l'élève déjeune au restaurant de l'organisme d'accueil, c'est aux "
            "conditions du personnel ; le coût reste à la charge de la famille, sauf si "
            "l'organisme d'accueil le prend en charge."
        ),
        "transport": (
            f"Transport : {_sentence(offer.transport_access)} "
            "Le trajet entre le domicile et le lieu de la séquence est assimilé au trajet "
            "habituel entre le domicile et l'établissement ; l'élève peut l'effectuer seul. "
            "Les frais restent à la charge de la famille."
        ),
        "insurance": "Assurance : voir l'article 6 de la convention.",
        "other": "Autres frais : aucun frais n'est demandé à la famille par l'organisme d'accueil.",
    }


def _signatories(profile, parties, pupil, reps, referent, offer) -> list[dict]:
    signatories = [
        {"role": "Le chef d'établissement", "name": profile.head_name if profile else ""},
        {
            "role": "Le représentant de l'organisme d'accueil",
            "name": _join(
                parties.host_rep_name if parties else "",
                parties.host_rep_function if parties else "",
            ),
        },
        {
            "role": "L'élève (« lu et pris connaissance »)",
            "name": f"{pupil.user.first_name} {pupil.user.last_name}",
        },
    ]
    signatories += [
        {"role": "Représentant légal de l'élève (« lu et pris connaissance »)", "name": r["name"]}
        for r in reps
    ]
    signatories += [
        {"role": "Le professeur référent", "name": referent.display_name if referent else ""},
        {
            "role": "Le tuteur, référent de l'élève dans l'organisme d'accueil",
            "name": offer.tutor_name or "",
        },
    ]
    return signatories
