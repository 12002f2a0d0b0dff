"""E-mails about registrations, through the outbox; confirmations carry the .ics of the session.

Recipients: whoever registered (the teacher); for a pupil registered alone (pupils have no
e-mail), the teachers of their class. A pupil's name never appears in these messages.
"""

from capindustrie.emails.services import Attachment, queue_email
from capindustrie.events.calendar import registrations_ics
from capindustrie.events.rules import KIND_LABELS, plural, when_label
from capindustrie.models import Registration, RegistrationStatus, User, utcnow
from capindustrie.urls import public_url


def recipients(registration: Registration) -> list[User]:
    """Whoever registered, when they have an address; otherwise (a pupil: pupils have no
    e-mail, or a deleted account) the teachers of the class concerned."""
    registrant = registration.registered_by
    if registrant is not None and registrant.active and registrant.email:
        return [registrant]
    klass = registration.school_class or (
        registration.pupil.school_class if registration.pupil else None
    )
    return [u for u in (klass.teachers if klass else []) if u.active and u.email]


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _who(registration: Registration) -> str:
    if registration.school_class is not None:
        klass = registration.school_class
        return (
            f"la classe de {klass.name} ({plural(registration.pupils, 'élève')}, "
            f"{plural(registration.adults, 'accompagnateur')})"
        )
    return "votre inscription individuelle"


def _event_url(event) -> str:
    return public_url("events.public_event", event_id=event.id)


def ics_attachment(registration: Registration) -> Attachment:
    content = registrations_ics([registration], "Cap Industrie", utcnow(), _event_url)
    return Attachment(f"evenement-{registration.session.event_id}.ics", "text/calendar", content)


def _send(registration: Registration, subject: str, body: str, with_ics: bool) -> None:
    attachment = ics_attachment(registration) if with_ics else None
    for user in recipients(registration):
        queue_email(user.email, subject[:300], f"Bonjour {user.first_name},\n\n{body}", attachment)


def _facts(registration: Registration) -> str:
    session = registration.session
    event = session.event
    return (
        f"{KIND_LABELS[event.kind]} « {event.title} »\n"
        f"Quand : {when_label(session.starts_at, session.ends_at)}\n"
        f"Où : {event.address}, {event.postcode}\n"
        f"Détails : {_event_url(event)}\n"
        f"Vos inscriptions : {public_url('events.my_registrations')}"
    )


def registration_received(registration: Registration) -> None:
    title = _one_line(registration.session.event.title)
    if registration.status == RegistrationStatus.CONFIRMED:
        subject = f"Inscription confirmée : {title}"
        body = (
            f"L'inscription de {_who(registration)} est confirmée.\n\n{_facts(registration)}\n\n"
            "Le fichier joint ajoute la séance à votre agenda."
        )
        _send(registration, subject, body, with_ics=True)
    else:
        subject = f"Liste d'attente : {title}"
        body = (
            f"La séance est complète : {_who(registration)} est en liste d'attente. Dès que des "
            "places se libèrent pour le groupe entier, l'inscription est confirmée "
            "automatiquement et vous recevez un e-mail.\n\n"
            f"{_facts(registration)}"
        )
        _send(registration, subject, body, with_ics=False)


def promoted(registration: Registration) -> None:
    subject = (
        f"Place libérée, inscription confirmée : {_one_line(registration.session.event.title)}"
    )
    body = (
        f"Des places se sont libérées : {_who(registration)} quitte la liste d'attente, "
        f"l'inscription est confirmée.\n\n{_facts(registration)}\n\n"
        "Si le groupe ne peut plus venir, annulez l'inscription pour libérer les places."
    )
    _send(registration, subject, body, with_ics=True)


def reminder(registration: Registration, days: int) -> None:
    subject = f"Rappel : {_one_line(registration.session.event.title)} dans {plural(days, 'jour')}"
    body = f"Rappel de l'inscription de {_who(registration)}.\n\n{_facts(registration)}"
    if registration.school_class is not None and not registration.named_pupils:
        # Site access: the organiser needs the names from the names deadline on.
        page = public_url("events.registration", registration_id=registration.id)
        body += (
            "\n\nL'organisateur a besoin de savoir qui vient : cochez les élèves de la classe "
            f"qui participent : {page}"
        )
    _send(registration, subject, body, with_ics=True)


def event_cancelled(registration: Registration, reason: str) -> None:
    event, session = registration.session.event, registration.session
    subject = f"Événement annulé : {_one_line(event.title)}"
    body = (
        f"L'organisateur a annulé l'événement « {event.title} » "
        f"({KIND_LABELS[event.kind].lower()}) "
        f"prévu le {when_label(session.starts_at, session.ends_at)}. "
        f"L'inscription de {_who(registration)} est donc annulée ; vous n'avez rien à faire.\n\n"
        f"Motif : {reason}\n\n"
        f"Autres événements près de chez vous : {public_url('events.public_list')}"
    )
    _send(registration, subject, body, with_ics=False)


def satisfaction_request(registration: Registration) -> None:
    subject = f"Votre avis : {_one_line(registration.session.event.title)}"
    body = (
        "Merci d'avoir participé. Une question, une minute : la séance a-t-elle été utile à vos "
        "élèves ? Donnez une note de 1 à 5 et, si vous le souhaitez, un commentaire :\n"
        f"{public_url('events.satisfaction', registration_id=registration.id)}"
    )
    _send(registration, subject, body, with_ics=False)
