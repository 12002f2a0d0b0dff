"""Capacity and waitlist rules, one by one (the cases well-known systems get wrong)."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from capindustrie.events import registrations as regs
from capindustrie.extensions import db
from capindustrie.models import OutboxMessage, RegistrationStatus, Role
from tests import factories
from tests.event_helpers import NOW, event

R = RegistrationStatus


@pytest.fixture
def teacher_with_classes(app):
    teacher = factories.user(Role.TEACHER, first_name="Anne")
    classes = [factories.school_class(teacher, name=f"3e {letter}") for letter in "ABCDEF"]
    db.session.commit()
    return teacher, classes


def _register(session, klass, teacher, pupils, adults=1, now=NOW):
    registration = regs.register_class(session.id, klass, pupils, adults, teacher, now)
    db.session.commit()
    return registration


def _mails_to(address):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    ).all()


def test_a_group_that_fits_is_confirmed_and_gets_an_ics(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    registration = _register(session, classes[0], teacher, 24, 2)
    assert registration.status == R.CONFIRMED
    assert session.seats_taken == 26
    mail = _mails_to(teacher.email)[-1]
    assert mail.subject.startswith("Inscription confirmée")
    assert mail.attachment_content_type == "text/calendar"
    calendar = Calendar.from_ical(mail.attachment_content)
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["uid"]) == f"registration-{registration.id}@capindustrie.seine-et-marne.fr"
    assert vevent.decoded("dtstart").tzinfo.key == "Europe/Paris"
    assert vevent.decoded("dtstart").hour == 9  # 08:00 UTC in November
    assert "Meaux" in str(vevent["location"])
    assert str(vevent["organizer"].params["cn"]) == "Département de Seine-et-Marne"


def test_a_group_is_never_split_it_waits_whole(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    _register(session, classes[0], teacher, 20, 2)
    second = _register(session, classes[1], teacher, 10, 1)  # 11 seats, 8 left
    assert second.status == R.WAITLISTED
    assert session.seats_taken == 22
    assert regs.waitlist_position(second) == 1
    assert _mails_to(teacher.email)[-1].subject.startswith("Liste d'attente")
    assert _mails_to(teacher.email)[-1].attachment_content is None


def test_strict_order_a_newcomer_that_would_fit_queues_behind_the_waitlist(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    _register(session, classes[0], teacher, 20, 2)
    _register(session, classes[1], teacher, 10, 1)  # waits
    small = _register(session, classes[2], teacher, 4, 1)  # 5 would fit in 8
    assert small.status == R.WAITLISTED
    assert regs.waitlist_position(small) == 2


def test_promotion_after_a_cancellation_goes_to_the_first_in_line_and_is_mailed(
    teacher_with_classes,
):
    teacher, classes = teacher_with_classes
    other = factories.user(Role.TEACHER, first_name="Bruno")
    klass_b = factories.school_class(other, name="3e Z")
    db.session.commit()
    session = event(capacity=30).sessions[0]
    first = _register(session, classes[0], teacher, 24, 2)
    waiting = _register(session, klass_b, other, 20, 2)
    assert waiting.status == R.WAITLISTED
    promoted = regs.cancel(first, NOW + timedelta(days=1))
    db.session.commit()
    assert [p.id for p in promoted] == [waiting.id]
    assert waiting.status == R.CONFIRMED
    assert first.status == R.CANCELLED
    assert session.seats_taken == 22
    mail = _mails_to(other.email)[-1]
    assert mail.subject.startswith("Place libérée")
    assert Calendar.from_ical(mail.attachment_content).walk("VEVENT")


def test_a_group_larger_than_the_freed_seats_blocks_in_strict_order(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    a = _register(session, classes[0], teacher, 9, 1)  # 10
    _register(session, classes[1], teacher, 19, 1)  # 20 → 30 taken
    big = _register(session, classes[2], teacher, 14, 1)  # 15 waits
    small = _register(session, classes[3], teacher, 4, 1)  # 5 waits behind
    regs.cancel(a, NOW)  # frees 10: the first entry (15) does not fit
    db.session.commit()
    assert (big.status, small.status) == (R.WAITLISTED, R.WAITLISTED)
    assert session.seats_taken == 20


def test_smaller_groups_may_pass_when_the_organiser_allows_it(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30, skip=True).sessions[0]
    a = _register(session, classes[0], teacher, 9, 1)
    _register(session, classes[1], teacher, 19, 1)
    big = _register(session, classes[2], teacher, 14, 1)
    small = _register(session, classes[3], teacher, 4, 1)
    regs.cancel(a, NOW)
    db.session.commit()
    assert (big.status, small.status) == (R.WAITLISTED, R.CONFIRMED)
    assert regs.waitlist_position(big) == 1  # keeps its place at the head
    assert session.seats_taken == 25


def test_two_cancellations_at_once_promote_in_order_everything_that_fits(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    a = _register(session, classes[0], teacher, 14, 1)  # 15
    b = _register(session, classes[1], teacher, 14, 1)  # 15 → full
    w1 = _register(session, classes[2], teacher, 11, 1)  # 12
    w2 = _register(session, classes[3], teacher, 11, 1)  # 12
    w3 = _register(session, classes[4], teacher, 11, 1)  # 12
    regs.cancel(a, NOW)
    regs.cancel(b, NOW)
    db.session.commit()
    assert (w1.status, w2.status, w3.status) == (R.CONFIRMED, R.CONFIRMED, R.WAITLISTED)
    assert session.seats_taken == 24
    assert regs.waitlist_position(w3) == 1


def test_leaving_the_waitlist_lets_the_next_one_in(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    _register(session, classes[0], teacher, 19, 1)  # 20, 10 left
    big = _register(session, classes[1], teacher, 14, 1)  # 15 waits
    small = _register(session, classes[2], teacher, 7, 1)  # 8 waits behind (strict)
    regs.cancel(big, NOW)
    db.session.commit()
    assert big.status == R.CANCELLED
    assert small.status == R.CONFIRMED
    assert session.seats_taken == 28


def test_a_smaller_group_frees_seats_for_the_waitlist(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    first = _register(session, classes[0], teacher, 27, 2)  # 29
    waiting = _register(session, classes[1], teacher, 5, 1)  # 6 waits
    regs.resize(first, 22, 2, NOW)  # 24: 6 free
    db.session.commit()
    assert waiting.status == R.CONFIRMED
    assert session.seats_taken == 30


def test_a_group_cannot_grow_beyond_the_free_seats(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    first = _register(session, classes[0], teacher, 20, 2)  # 22
    _register(session, classes[1], teacher, 5, 1)  # 6 → 2 left
    with pytest.raises(regs.RegistrationError, match="Il ne reste que 2 places"):
        regs.resize(first, 23, 2, NOW)  # needs 3 more
    db.session.rollback()
    assert (first.pupils, session.seats_taken) == (20, 28)
    regs.resize(first, 22, 2, NOW)  # needs exactly the 2 left
    db.session.commit()
    assert session.seats_taken == 30


def test_a_group_larger_than_the_session_is_refused(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=20).sessions[0]
    with pytest.raises(regs.RegistrationError, match="dépasse la capacité"):
        regs.register_class(session.id, classes[0], 24, 2, teacher, NOW)


def test_cancellation_after_the_deadline_is_refused_but_leaving_the_waitlist_is_not(
    teacher_with_classes,
):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    confirmed = _register(session, classes[0], teacher, 24, 2)
    waiting = _register(session, classes[1], teacher, 20, 2)
    late = session.starts_at - timedelta(days=1)
    with pytest.raises(regs.RegistrationError, match="délai d'annulation est passé"):
        regs.cancel(confirmed, late)
    db.session.rollback()
    regs.cancel(waiting, late)
    db.session.commit()
    assert (confirmed.status, waiting.status) == (R.CONFIRMED, R.CANCELLED)


def test_a_cancelled_class_may_register_again_at_the_back_of_the_line(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event(capacity=30).sessions[0]
    first = _register(session, classes[0], teacher, 24, 2)
    regs.cancel(first, NOW)
    db.session.commit()
    again = _register(session, classes[0], teacher, 20, 2)
    assert again.id == first.id and again.status == R.CONFIRMED
    assert session.seats_taken == 22
    with pytest.raises(regs.RegistrationError, match="déjà inscrite"):
        regs.register_class(session.id, classes[0], 5, 1, teacher, NOW)


def test_registration_outside_its_window_is_refused(teacher_with_classes):
    teacher, classes = teacher_with_classes
    session = event().sessions[0]
    with pytest.raises(regs.RegistrationError, match="pas encore ouvertes"):
        regs.register_class(session.id, classes[0], 20, 1, teacher, NOW - timedelta(days=60))
    with pytest.raises(regs.RegistrationError, match="closes"):
        regs.register_class(session.id, classes[0], 20, 1, teacher, session.starts_at)


def test_a_pupil_registers_alone_only_when_the_event_allows_it(teacher_with_classes):
    teacher, classes = teacher_with_classes
    pupil = factories.pupil(classes[0])
    closed = event().sessions[0]
    with pytest.raises(regs.RegistrationError, match="demandez-lui de vous inscrire"):
        regs.register_pupil(closed.id, pupil, pupil.user, NOW)
    open_session = event(individual=True, capacity=1).sessions[0]
    registration = regs.register_pupil(open_session.id, pupil, pupil.user, NOW)
    assert registration.status == R.CONFIRMED and open_session.seats_taken == 1
    # Pupils have no e-mail: their class teacher is told, without the pupil's name.
    mail = _mails_to(teacher.email)[-1]
    assert mail.subject.startswith("Inscription confirmée")
    assert "Léa" not in mail.body and "Durand" not in mail.body


def test_removing_a_pupil_gives_their_seat_to_the_waitlist(teacher_with_classes):
    from capindustrie.classes.services import remove_pupil

    teacher, classes = teacher_with_classes
    session = event(individual=True, capacity=1).sessions[0]
    leaving, waiting = factories.pupil(classes[0]), factories.pupil(classes[0], "Hugo")
    regs.register_pupil(session.id, leaving, leaving.user, NOW)
    queued = regs.register_pupil(session.id, waiting, waiting.user, NOW)
    db.session.commit()
    remove_pupil(leaving, teacher, NOW)
    db.session.commit()
    assert queued.status == R.CONFIRMED and session.seats_taken == 1
