"""Events over HTTP: creation and its bad input, moderation, registration through the form,
authorisation (someone else's objects), privacy of names, attendance, calendars."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import (
    Event,
    EventSession,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Role,
    School,
)
from tests import factories
from tests.event_helpers import NOW, event
from tests.factories import login

CLOCK = datetime(2026, 11, 2, 9, 0)  # naive UTC, NOW in event_helpers


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(CLOCK.replace(tzinfo=UTC), tick=False):
        yield


def _form(**overrides):
    data = {
        "kind": "visite",
        "title": "Visite des ateliers d’usinage",
        "description": "Une matinée pour découvrir la maintenance.",
        "audience": "3e",
        "campaign": "",
        "organiser": "",
        "address": "1 rue de l'Industrie",
        "postcode": "77100",
        "opens_on": "2026-11-03",
        "closes_on": "2026-11-20",
        "cancellation_days": "2",
        "names_days": "7",
        "sessions-0-day": "2026-11-24",
        "sessions-0-start": "09:00",
        "sessions-0-end": "12:00",
        "sessions-0-capacity": "30",
        "sessions-1-day": "2026-11-25",
        "sessions-1-start": "14:00",
        "sessions-1-end": "17:00",
        "sessions-1-capacity": "30",
    }
    data.update(overrides)
    return data


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- creation --------------------------------------------------------------------------------


def test_staff_creates_a_published_event_with_two_sessions(client):
    login(client, factories.user(Role.STAFF))
    response = client.post("/evenements/gestion/nouveau", data=_form())
    assert response.status_code == 303
    created = db.session.scalar(select(Event))
    assert created.status == EventStatus.PUBLISHED and created.company_id is None
    assert [s.capacity for s in created.sessions] == [30, 30]
    # 09:00 in Paris on 24 November is 08:00 UTC; the place fell back on Meaux's town hall.
    assert created.sessions[0].starts_at == datetime(2026, 11, 24, 8, 0)
    assert created.commune_insee == "77284" and created.geo_precision.value == "commune"
    page = client.get(f"/evenements/{created.id}").get_data(as_text=True)
    assert "Visite des ateliers d’usinage" in page and "30 places libres sur 30" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sessions-0-day": "2026-10-01"}, "déjà passée"),
        ({"sessions-0-end": "08:00"}, "doit finir après son début"),
        (
            {"sessions-0-end-day": "x", "sessions-0-end_day": "2026-11-26"},
            "au plus 2 jours consécutifs",
        ),
        ({"sessions-0-capacity": "0"}, "entre 1 et 500"),
        ({"sessions-0-capacity": "501"}, "entre 1 et 500"),
        ({"closes_on": "2026-11-01"}, "fermer après leur ouverture"),
        ({"postcode": "75001"}, "Seine-et-Marne"),
        ({"title": ""}, "obligatoire"),
        ({"organiser": "999999"}, "Choix inconnu"),
    ],
)
def test_bad_event_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, overrides, message
):
    login(client, factories.user(Role.STAFF))
    response = client.post("/evenements/gestion/nouveau", data=_form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Event) == 0 and _count(EventSession) == 0


def test_a_visit_over_two_days_is_refused_but_a_two_day_visit_is_fine(client):
    login(client, factories.user(Role.STAFF))
    two_days = _form(**{"sessions-0-end_day": "2026-11-25"})
    assert client.post("/evenements/gestion/nouveau", data=two_days).status_code == 303
    forum = _form(kind="forum", **{"sessions-0-end_day": "2026-11-26"})
    assert client.post("/evenements/gestion/nouveau", data=forum).status_code == 303
    visit = _form(**{"sessions-0-end_day": "2026-11-26"})
    response = client.post("/evenements/gestion/nouveau", data=visit)
    assert response.status_code == 422
    assert "dure au plus 2 jours consécutifs" in response.get_data(as_text=True)


def test_a_company_proposal_goes_through_moderation_with_the_same_emails(client, app):
    company_user = factories.user(Role.COMPANY)
    staff = factories.user(Role.STAFF)
    login(client, company_user)
    response = client.post("/evenements/gestion/nouveau", data=_form(organiser="12345"))
    assert response.status_code == 422  # a company cannot name another organiser
    assert _count(Event) == 0
    response = client.post("/evenements/gestion/nouveau", data=_form())
    assert response.status_code == 303
    proposed = db.session.scalar(select(Event))
    assert proposed.status == EventStatus.SUBMITTED
    assert proposed.company_id == company_user.company_id
    assert client.get(f"/evenements/{proposed.id}").status_code == 404  # not public yet

    staff_client = app.test_client()
    login(staff_client, staff)
    assert "1 événement proposé à modérer" in staff_client.get("/evenements/gestion").get_data(
        as_text=True
    )
    short = staff_client.post(
        f"/evenements/moderation/{proposed.id}/refuser", data={"reject-reason": "non"}
    )
    assert short.status_code == 422 and "au moins 10 caractères" in short.get_data(as_text=True)
    response = staff_client.post(f"/evenements/moderation/{proposed.id}/publier")
    assert response.status_code == 303
    db.session.refresh(proposed)
    assert proposed.status == EventStatus.PUBLISHED
    mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == company_user.email)
    )
    assert "est publié" in mail.subject


def test_only_staff_and_companies_create_and_a_company_sees_only_its_own_events(
    client, app, teacher
):
    login(client, teacher)
    assert client.get("/evenements/gestion/nouveau").status_code == 403
    mine = factories.user(Role.COMPANY)
    other = factories.user(Role.COMPANY)
    own_event = event(company=mine.company)
    other_event = event(company=other.company)
    db.session.commit()
    company_client = app.test_client()
    login(company_client, mine)
    page = company_client.get("/evenements/gestion").get_data(as_text=True)
    assert page.count("Inscrits et présence") == 1
    assert company_client.get(f"/evenements/gestion/seances/{own_event.sessions[0].id}")
    for url in (
        f"/evenements/gestion/seances/{other_event.sessions[0].id}",
        f"/evenements/gestion/seances/{other_event.sessions[0].id}/liste.pdf",
        f"/evenements/moderation/{other_event.id}",
    ):
        assert company_client.get(url).status_code in (403, 404)


# --- registration through the form -------------------------------------------------------------


def test_teacher_registers_a_class_then_the_next_class_waits(teacher_client, teacher, klass):
    session = event(capacity=26).sessions[0]
    other_class = factories.school_class(teacher, name="3e C")
    db.session.commit()
    url = f"/evenements/seances/{session.id}/inscrire"
    response = teacher_client.post(url, data={"school_class": klass.id, "pupils": 24, "adults": 2})
    assert response.status_code == 303
    response = teacher_client.post(
        url, data={"school_class": other_class.id, "pupils": 20, "adults": 2}
    )
    assert response.status_code == 303
    statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    page = teacher_client.get("/evenements/mes-inscriptions").get_data(as_text=True)
    assert "Inscription confirmée" in page and "position 1" in page


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"pupils": 40, "adults": 2}, 422, "dépasse la capacité"),
        ({"pupils": 0, "adults": 2}, 422, "entre 1 et 60"),
        ({"pupils": 10, "adults": 0}, 422, "au moins un adulte"),
        ({"pupils": "", "adults": 1}, 422, "obligatoire"),
    ],
)
def test_bad_group_input_is_refused_and_nothing_is_saved(
    teacher_client, klass, data, status, message
):
    session = event(capacity=30).sessions[0]
    db.session.commit()
    response = teacher_client.post(
        f"/evenements/seances/{session.id}/inscrire", data={"school_class": klass.id, **data}
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _count(Registration) == 0
    assert db.session.get(EventSession, session.id).seats_taken == 0


def test_a_second_registration_of_the_same_class_is_refused(teacher_client, klass):
    session = event(capacity=60).sessions[0]
    db.session.commit()
    url = f"/evenements/seances/{session.id}/inscrire"
    data = {"school_class": klass.id, "pupils": 20, "adults": 2}
    assert teacher_client.post(url, data=data).status_code == 303
    response = teacher_client.post(url, data=data)
    assert response.status_code == 422
    assert "déjà inscrite" in response.get_data(as_text=True)
    assert _count(Registration) == 1


def test_registering_another_teachers_class_or_a_tampered_session_fails(teacher_client, klass):
    stranger = factories.user(Role.TEACHER, first_name="Zoé")
    their_class = factories.school_class(stranger, name="3e Z")
    session = event().sessions[0]
    db.session.commit()
    response = teacher_client.post(
        f"/evenements/seances/{session.id}/inscrire",
        data={"school_class": their_class.id, "pupils": 20, "adults": 2},
    )
    assert response.status_code == 422
    assert "Choisissez une de vos classes" in response.get_data(as_text=True)
    assert teacher_client.get("/evenements/seances/999999/inscrire").status_code == 404
    assert _count(Registration) == 0


def test_registration_outside_the_window_is_refused(teacher_client, klass):
    session = event().sessions[0]
    session.event.registration_opens_at = CLOCK + timedelta(days=1)
    db.session.commit()
    response = teacher_client.post(
        f"/evenements/seances/{session.id}/inscrire",
        data={"school_class": klass.id, "pupils": 20, "adults": 2},
    )
    assert response.status_code == 422
    assert "pas encore ouvertes" in response.get_data(as_text=True)
    assert _count(Registration) == 0


def test_a_teacher_cannot_see_or_cancel_someone_elses_registration(teacher_client, app):
    stranger = factories.user(Role.TEACHER, first_name="Zoé")
    their_class = factories.school_class(stranger, name="3e Z")
    session = event().sessions[0]
    db.session.commit()
    from capindustrie.events import registrations as regs

    theirs = regs.register_class(session.id, their_class, 20, 2, stranger, NOW)
    db.session.commit()
    assert teacher_client.get(f"/evenements/inscriptions/{theirs.id}").status_code == 404
    assert teacher_client.post(f"/evenements/inscriptions/{theirs.id}/annuler").status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == RegistrationStatus.CONFIRMED
    # A company (organiser or not) has no access to the registrant's side either.
    company_client = app.test_client()
    login(company_client, factories.user(Role.COMPANY))
    assert company_client.get(f"/evenements/inscriptions/{theirs.id}").status_code == 403


def test_cancellation_promotes_the_waitlist_and_after_the_deadline_is_refused(
    teacher_client, teacher, klass
):
    session = event(capacity=26).sessions[0]
    other_class = factories.school_class(teacher, name="3e C")
    db.session.commit()
    from capindustrie.events import registrations as regs

    first = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    second = regs.register_class(session.id, other_class, 20, 2, teacher, NOW)
    db.session.commit()
    response = teacher_client.post(f"/evenements/inscriptions/{first.id}/annuler")
    assert response.status_code == 303
    db.session.refresh(second)
    assert second.status == RegistrationStatus.CONFIRMED
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=UTC)):
        login(teacher_client, teacher)  # the session cookie of 2 November has expired
        response = teacher_client.post(f"/evenements/inscriptions/{second.id}/annuler")
    assert response.status_code == 422
    assert "annulation est passé" in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.status == RegistrationStatus.CONFIRMED


# --- privacy of names, attendance ----------------------------------------------------------------


def test_organiser_sees_counts_before_the_names_deadline_and_initials_after(
    teacher_client, teacher, klass, app
):
    organiser = factories.user(Role.COMPANY)
    session = event(company=organiser.company).sessions[0]
    ines = factories.pupil(klass, first_name="Inès", last_name="Durand")
    factories.pupil(klass, first_name="Hugo", last_name="Bernard")
    db.session.commit()
    from capindustrie.events import registrations as regs

    registration = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    response = teacher_client.post(
        f"/evenements/inscriptions/{registration.id}", data={"names-pupils": [ines.id]}
    )
    assert response.status_code == 303
    company_client = app.test_client()
    login(company_client, organiser)
    page = company_client.get(f"/evenements/gestion/seances/{session.id}").get_data(as_text=True)
    assert "3e B" in page and "24 élèves" in page
    assert "Inès" not in page and "Durand" not in page
    with time_machine.travel(datetime(2026, 11, 11, 9, tzinfo=UTC)):
        login(company_client, organiser)
        page = company_client.get(f"/evenements/gestion/seances/{session.id}").get_data(
            as_text=True
        )
    assert "Inès D." in page and "Durand" not in page and "Hugo" not in page


def test_ticking_a_pupil_of_another_class_is_refused(teacher_client, teacher, klass):
    session = event().sessions[0]
    stranger_class = factories.school_class(factories.user(Role.TEACHER), name="3e Z")
    outsider = factories.pupil(stranger_class, first_name="Éloi")
    db.session.commit()
    from capindustrie.events import registrations as regs

    registration = regs.register_class(session.id, klass, 20, 2, teacher, NOW)
    db.session.commit()
    response = teacher_client.post(
        f"/evenements/inscriptions/{registration.id}", data={"names-pupils": [outsider.id]}
    )
    assert response.status_code == 422
    db.session.refresh(registration)
    assert registration.named_pupils == []


def test_attendance_is_saved_live_on_the_day_and_final_afterwards(teacher, klass, app):
    organiser = factories.user(Role.COMPANY)
    session = event(company=organiser.company).sessions[0]
    db.session.commit()
    from capindustrie.events import registrations as regs

    registration = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    client = app.test_client()
    login(client, organiser)
    url = f"/evenements/gestion/inscriptions/{registration.id}/presence"
    prefix = f"r{registration.id}-"
    early = client.post(url, data={prefix + "attendance": "present"})
    assert early.status_code == 422 and "le jour de la séance" in early.get_data(as_text=True)
    on_the_day = datetime(2026, 11, 17, 8, 30, tzinfo=UTC)
    with time_machine.travel(on_the_day):
        login(client, organiser)
        too_many = client.post(
            url,
            data={prefix + "attendance": "present", prefix + "present_count": "40"},
            headers={"HX-Request": "true"},
        )
        assert too_many.status_code == 422 and "Entre 0 et 26" in too_many.get_data(as_text=True)
        saved = client.post(
            url,
            data={prefix + "attendance": "present", prefix + "present_count": "23"},
            headers={"HX-Request": "true"},
        )
    assert saved.status_code == 200
    body = saved.get_data(as_text=True)
    assert "<html" not in body and "Enregistré : Présent, 23 présents" in body
    db.session.refresh(registration)
    assert (registration.attendance.value, registration.present_count) == ("present", 23)
    with time_machine.travel(on_the_day + timedelta(days=3)):
        login(client, organiser)
        late = client.post(url, data={prefix + "attendance": "absent"})
    assert late.status_code == 422
    db.session.refresh(registration)
    assert registration.attendance.value == "present"


def test_printable_list_is_a_pdf_for_the_organiser(teacher, klass, app):
    organiser = factories.user(Role.COMPANY)
    session = event(company=organiser.company).sessions[0]
    db.session.commit()
    from capindustrie.events import registrations as regs

    regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    client = app.test_client()
    login(client, organiser)
    response = client.get(f"/evenements/gestion/seances/{session.id}/liste.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "3e B" in text and "Visite de l" in text


# --- calendars --------------------------------------------------------------------------------


def test_private_feed_lists_my_confirmed_registrations_and_is_revocable(
    teacher_client, teacher, klass, client
):
    session = event().sessions[0]
    db.session.commit()
    from capindustrie.events import registrations as regs

    registration = regs.register_class(session.id, klass, 20, 2, teacher, NOW)
    db.session.commit()
    assert teacher_client.post("/evenements/agenda/nouveau-lien").status_code == 303
    page = teacher_client.get("/evenements/mes-inscriptions").get_data(as_text=True)
    url = page.split("/evenements/agenda/")[1].split(".ics")[0]
    feed = teacher_client.get(f"/evenements/agenda/{url}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    uids = [str(e["uid"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert uids == [f"registration-{registration.id}@capindustrie.seine-et-marne.fr"]
    assert teacher_client.post("/evenements/agenda/nouveau-lien").status_code == 303
    assert teacher_client.get(f"/evenements/agenda/{url}.ics").status_code == 404


def test_public_campaign_feed_lists_sessions_without_registrants(client, teacher, klass):
    from capindustrie.models import Campaign

    campaign = Campaign(
        name="Semaine de l'industrie 2026",
        starts_on=datetime(2026, 11, 16),
        ends_on=datetime(2026, 11, 22),
    )
    db.session.add(campaign)
    listed = event(sessions=2)
    listed.campaign = campaign
    db.session.commit()
    response = client.get(f"/evenements/campagnes/{campaign.id}.ics")
    calendar = Calendar.from_ical(response.data)
    assert len(calendar.walk("VEVENT")) == 2
    assert "3e B" not in response.get_data(as_text=True)


# --- finding events --------------------------------------------------------------------------


def test_public_list_orders_by_distance_from_the_chosen_school(client):
    far = event(commune_insee="77186")  # Fontainebleau
    near = event(commune_insee="77284")  # Meaux
    far.title, near.title = "Loin", "Près"
    db.session.commit()
    meaux_school = db.session.scalar(select(School).where(School.commune_insee == "77284"))
    page = client.get(f"/evenements/?uai={meaux_school.uai}").get_data(as_text=True)
    assert page.index("Près") < page.index("Loin")
    assert "(estimé)" in page
    week = client.get("/evenements/?vue=semaine&semaine=2026-11-16").get_data(as_text=True)
    assert "mardi 17 novembre 2026" in week and "Loin" in week


def test_a_teacher_sees_the_events_near_their_school_first(teacher_client, teacher):
    school = teacher.school
    near = event(commune_insee=school.commune_insee)
    far = event(commune_insee="77186" if school.commune_insee != "77186" else "77284")
    near.title, far.title = "Tout près", "Très loin"
    db.session.commit()
    page = teacher_client.get("/evenements/").get_data(as_text=True)
    assert f"les plus proches de {school.name}" in page
    assert page.index("Tout près") < page.index("Très loin")


def test_a_company_cannot_take_attendance_for_another_companys_session(teacher, klass, app):
    organiser = factories.user(Role.COMPANY)
    intruder = factories.user(Role.COMPANY)
    session = event(company=organiser.company).sessions[0]
    db.session.commit()
    from capindustrie.events import registrations as regs

    registration = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    client = app.test_client()
    with time_machine.travel(datetime(2026, 11, 17, 8, 30, tzinfo=UTC)):
        login(client, intruder)
        response = client.post(
            f"/evenements/gestion/inscriptions/{registration.id}/presence",
            data={f"r{registration.id}-attendance": "absent"},
        )
    assert response.status_code == 404
    db.session.refresh(registration)
    assert registration.attendance is None


def test_a_pupil_sees_only_their_own_registrations(client, klass, app):
    session = event(individual=True).sessions[0]
    lea = factories.pupil(klass, "Léa", "Durand")
    hugo = factories.pupil(klass, "Hugo", "Bernard")
    db.session.commit()
    login(client, lea.user)
    assert client.post(f"/evenements/seances/{session.id}/inscrire").status_code == 303
    mine = db.session.scalar(select(Registration))
    other = app.test_client()
    login(other, hugo.user)
    assert other.get(f"/evenements/inscriptions/{mine.id}").status_code == 404
    page = other.get("/evenements/mes-inscriptions").get_data(as_text=True)
    assert "Aucune inscription" in page and "Léa" not in page


def test_unpublished_or_unknown_events_are_not_public(client):
    proposed = event(status=EventStatus.SUBMITTED)
    db.session.commit()
    assert client.get(f"/evenements/{proposed.id}").status_code == 404
    assert client.get("/evenements/999999").status_code == 404
    assert "Visite de l" not in client.get("/evenements/").get_data(as_text=True)


def test_unparsable_input_gets_french_messages(client, teacher_client, klass):
    session = event().sessions[0]
    db.session.commit()
    response = teacher_client.post(
        f"/evenements/seances/{session.id}/inscrire",
        data={"school_class": "abc", "pupils": "vingt", "adults": "1"},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Indiquez un nombre entier" in body and "Choix inconnu" in body
    assert "Not a valid" not in body and "Invalid" not in body
    login(client, factories.user(Role.STAFF))
    response = client.post(
        "/evenements/gestion/nouveau",
        data=_form(
            kind="zzz",
            opens_on="2026-13-45",
            **{"sessions-0-start": "25:00", "sessions-0-capacity": "x"},
        ),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Choix inconnu", "Indiquez une date valide", "Indiquez une heure valide"):
        assert message in body
    assert "Not a valid" not in body and _count(Event) == 1  # only the fixture's event
