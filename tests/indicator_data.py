"""A small hand-built school year for the indicator tests (2026-2027, « now » is 1 March 2027).

Schools: A = Collège Denecourt, Bois-le-Roi (0770002J, not REP, CA du Pays de Fontainebleau);
         B = Collège les Capucins, Melun (0770033T, REP+, CA Melun Val de Seine).
Classes 2026: « 3e A » at A with pupils a1 a2 a3; « 3e B » at B with pupils b1 b2.
Class 2025: « 3e Z » at A with pupil z1 (the previous year).
Companies: C1 (Melun, industrie du futur, approved 1 Oct 2026), C2 (Fontainebleau,
aéronautique, approved 1 June 2025), C3 (pending: never counted).
Offers: O1 (C1, Melun, published): P1 3e 11–15 Jan 2027 (4 seats), P2 3e 8–12 Feb 2027 (2 seats);
        O2 (C2, Fontainebleau, published): P3 3e 11–15 Jan 2027 (3 seats), P4 2nde 14–25 June
        2027 (2 seats); O3 (C1, draft, 5 seats): never counted; O4 (C2, published): P5 3e
        12–16 Jan 2026 (1 seat, previous year).
Applications (created, first company answer):
  a1→P1 validated (2 Nov 2026, accepted 4 Nov: 2 days; validated 5 Jan 2027)
  a2→P1 confirmed (10 Nov, accepted 11 Nov: 1 day)
  a2→P3 withdrawn (10 Nov, no answer)
  b1→P3 validated (1 Dec, accepted 6 Dec: 5 days; validated 6 Jan 2027)
  b2→P2 refused (1 Dec, refused 4 Dec: 3 days)
  b2→P1 expired (1 Dec, expired by the timer 20 Dec: no answer)
  z1→P5 validated (previous year)
Events: E1 (Melun, published) session 20 Jan 2027: class B 2 pupils, 2 present, satisfaction 4;
        class A 3 pupils, 1 present, satisfaction 5.
        E2 (Meaux, published) session 10 May 2027 (not held yet): class A 3 pupils.
        E3 (cancelled) session 20 Jan 2027: never counted.
"""

from datetime import date, datetime, time

from capindustrie.applications.states import COMPANY_ANSWERS
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Attendance,
    Commune,
    CompanyStatus,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
    Filiere,
    Level,
    OfferStatus,
    Placement,
    Pupil,
    Registration,
    RegistrationStatus,
    Role,
    SchoolClass,
)
from tests import factories as f

NOW = datetime(2027, 3, 1, 12)
MELUN_EPCI = "247700057"
FONTAINEBLEAU_EPCI = "200072346"
S = ApplicationStatus


def _company(name, commune, filiere, created, status=CompanyStatus.APPROVED):
    company = f.company(name, filiere, status)
    company.commune_insee = commune
    company.created_at = created
    return company


def _offer(company, commune, periods, status=OfferStatus.PUBLISHED):
    offer = f.complete_offer(
        company, status=status, commune_insee=commune, levels=("3e", "2nde"), periods=periods
    )
    if status == OfferStatus.PUBLISHED:
        offer.published_at = datetime(2026, 9, 15)
    return offer


def _class(school, name, year, teacher):
    klass = SchoolClass(
        school=school, name=name, level=Level.TROISIEME, school_year=year, teachers=[teacher]
    )
    db.session.add(klass)
    return klass


def _pupil(klass, name):
    account = f.user(Role.PUPIL, first_name=name, last_name="Élève")
    pupil = Pupil(user=account, school_class=klass)
    db.session.add(pupil)
    db.session.flush()
    return pupil


def _apply(pupil, period, status, created, answer=None, answered_by=None, validated=None):
    application = Application(
        pupil=pupil,
        period=period,
        status=status,
        message="Bonjour",
        created_at=created,
        status_changed_at=created,
    )
    db.session.add(application)
    db.session.flush()
    if answer is not None:
        to_status, when = answer
        db.session.add(
            ApplicationTransition(
                application=application,
                actor_id=answered_by,
                from_status=S.SUBMITTED,
                to_status=to_status,
                created_at=when,
            )
        )
        if answered_by is not None and to_status in COMPANY_ANSWERS:
            application.note_company_answer(when)  # as states.transition does
    if status in (S.ACCEPTED, S.CONFIRMED, S.VALIDATED):
        period.seats_taken += 1
    if validated is not None:
        db.session.add(
            Placement(application=application, pupil=pupil, period=period, validated_at=validated)
        )
    return application


def _event(title, commune_insee, start, status=EventStatus.PUBLISHED):
    commune = db.session.get(Commune, commune_insee)
    event = Event(
        kind=EventKind.VISIT,
        title=title,
        description="Visite.",
        audience=EventAudience.ALL,
        status=status,
        address="1 rue de l'Usine",
        postcode=commune.postcodes.split()[0],
        commune_insee=commune_insee,
        registration_opens_at=datetime(2026, 9, 1),
        registration_closes_at=datetime(2026, 12, 1),
    )
    event.sessions = [
        EventSession(starts_at=start, ends_at=start.replace(hour=start.hour + 3), capacity=50)
    ]
    db.session.add(event)
    db.session.flush()
    return event.sessions[0]


def _register(session, klass, pupils, present=None, satisfaction=None):
    db.session.add(
        Registration(
            session=session,
            class_id=klass.id,
            pupils=pupils,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=datetime(2026, 10, 1),
            present_count=present,
            satisfaction=satisfaction,
            attendance=Attendance.PRESENT if present else None,
        )
    )


def build() -> dict:
    school_a, school_b = f.school("0770002J"), f.school("0770033T")
    teacher_a = f.user(Role.TEACHER, school_obj=school_a)
    teacher_b = f.user(Role.TEACHER, school_obj=school_b)
    class_a = _class(school_a, "3e A", 2026, teacher_a)
    class_b = _class(school_b, "3e B", 2026, teacher_b)
    class_z = _class(school_a, "3e Z", 2025, teacher_a)
    a1, a2, _a3 = (_pupil(class_a, n) for n in ("Ana", "Bao", "Cyr"))
    b1, b2 = (_pupil(class_b, n) for n in ("Dia", "Eli"))
    z1 = _pupil(class_z, "Zoé")

    c1 = _company("C1", "77288", Filiere.FUTURE_INDUSTRY, datetime(2026, 10, 1))
    c2 = _company("C2", "77186", Filiere.AERONAUTICS, datetime(2025, 6, 1))
    _company("C3", "77288", Filiere.FUTURE_INDUSTRY, datetime(2026, 10, 1), CompanyStatus.PENDING)
    o1 = _offer(
        c1,
        "77288",
        ((date(2027, 1, 11), date(2027, 1, 15), 4), (date(2027, 2, 8), date(2027, 2, 12), 2)),
    )
    o2 = _offer(
        c2,
        "77186",
        ((date(2027, 1, 11), date(2027, 1, 15), 3), (date(2027, 6, 14), date(2027, 6, 25), 2)),
    )
    _offer(c1, "77288", ((date(2027, 1, 11), date(2027, 1, 15), 5),), OfferStatus.DRAFT)
    o4 = _offer(c2, "77186", ((date(2026, 1, 12), date(2026, 1, 16), 1),))
    p1, p2 = o1.periods
    p3, p4 = o2.periods
    p5 = o4.periods[0]
    assert (p1.level, p3.level, p4.level) == (Level.TROISIEME, Level.TROISIEME, Level.SECONDE)
    u1 = f.user(Role.COMPANY, company_obj=c1).id
    u2 = f.user(Role.COMPANY, company_obj=c2).id

    _apply(
        a1,
        p1,
        S.VALIDATED,
        datetime(2026, 11, 2, 10),
        (S.ACCEPTED, datetime(2026, 11, 4, 10)),
        u1,
        datetime(2027, 1, 5, 9),
    )
    _apply(
        a2, p1, S.CONFIRMED, datetime(2026, 11, 10, 8), (S.ACCEPTED, datetime(2026, 11, 11, 8)), u1
    )
    _apply(a2, p3, S.WITHDRAWN, datetime(2026, 11, 10, 8))
    _apply(
        b1,
        p3,
        S.VALIDATED,
        datetime(2026, 12, 1, 8),
        (S.ACCEPTED, datetime(2026, 12, 6, 8)),
        u2,
        datetime(2027, 1, 6, 9),
    )
    _apply(b2, p2, S.REFUSED, datetime(2026, 12, 1, 8), (S.REFUSED, datetime(2026, 12, 4, 8)), u1)
    _apply(
        b2, p1, S.EXPIRED, datetime(2026, 12, 1, 8), (S.EXPIRED, datetime(2026, 12, 20, 8)), None
    )
    _apply(
        z1,
        p5,
        S.VALIDATED,
        datetime(2025, 11, 3, 8),
        (S.ACCEPTED, datetime(2025, 11, 5, 8)),
        u2,
        datetime(2025, 12, 1, 9),
    )

    e1 = _event("Visite à Melun", "77288", datetime(2027, 1, 20, 8))
    e2 = _event("Visite à Meaux", "77284", datetime(2027, 5, 10, 8))
    e3 = _event("Visite annulée", "77288", datetime(2027, 1, 20, 8), EventStatus.CANCELLED)
    _register(e1, class_b, 2, present=2, satisfaction=4)
    _register(e1, class_a, 3, present=1, satisfaction=5)
    _register(e2, class_a, 3)
    _register(e3, class_b, 2, present=2, satisfaction=1)
    db.session.commit()
    return {
        "school_a": school_a,
        "school_b": school_b,
        "o1": o1,
        "o2": o2,
        "periods": (p1, p2, p3, p4, p5),
        "time": time,
    }
