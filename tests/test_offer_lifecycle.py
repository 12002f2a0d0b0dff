"""Every allowed and refused transition of the offer lifecycle, with its guards."""

from datetime import date, datetime

import pytest

from capindustrie.extensions import db
from capindustrie.models import CompanyStatus, OfferStatus, OfferTransition, Role
from capindustrie.offers import lifecycle
from tests import factories as f

S = OfferStatus
NOW = datetime(2026, 11, 25, 10, 0)

# Written out here, independently of lifecycle.TRANSITIONS: (from, to, who may do it).
ALLOWED = {
    (S.DRAFT, S.SUBMITTED): {"company"},
    (S.SUBMITTED, S.DRAFT): {"company"},
    (S.SUBMITTED, S.PUBLISHED): {"staff"},
    (S.SUBMITTED, S.REJECTED): {"staff"},
    (S.REJECTED, S.SUBMITTED): {"company"},
    (S.PUBLISHED, S.SUBMITTED): {"company"},
    (S.PUBLISHED, S.CLOSED): {"company", "staff", "system"},
    (S.CLOSED, S.PUBLISHED): {"company", "system"},
    (S.PUBLISHED, S.ARCHIVED): {"system"},
    (S.CLOSED, S.ARCHIVED): {"system"},
}
ACTORS = ["company", "staff", "teacher", "pupil", "system"]


def actor_for(kind, offer):
    if kind == "system":
        return None
    if kind == "company":
        return f.user(Role.COMPANY, company_obj=offer.company)
    return f.user(Role(kind))


@pytest.mark.parametrize("from_status", list(S))
@pytest.mark.parametrize("to_status", list(S))
@pytest.mark.parametrize("kind", ACTORS)
def test_transition_matrix(app, from_status, to_status, kind):
    offer = f.complete_offer(status=from_status)
    actor = actor_for(kind, offer)
    allowed = kind in ALLOWED.get((from_status, to_status), set())
    if allowed:
        record = lifecycle.transition(offer, to_status, actor, "motif du refus", NOW)
        assert offer.status == to_status
        assert (record.from_status, record.to_status) == (from_status, to_status)
        assert record.actor_id == (actor.id if actor else None)
    else:
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.transition(offer, to_status, actor, "motif", NOW)
        assert offer.status == from_status


def test_incomplete_offer_cannot_be_submitted(app):
    offer = f.complete_offer()
    offer.tutor_phone = None
    offer.observation_commitment_at = None
    company_user = f.user(Role.COMPANY, company_obj=offer.company)
    with pytest.raises(lifecycle.TransitionError) as error:
        lifecycle.transition(offer, S.SUBMITTED, company_user, now=NOW)
    assert "tuteur" in str(error.value) and "observation uniquement" in str(error.value)
    assert offer.status == S.DRAFT


def test_offer_with_only_past_periods_cannot_be_submitted(app):
    offer = f.complete_offer(periods=((date(2026, 10, 5), date(2026, 10, 9), 2),))
    company_user = f.user(Role.COMPANY, company_obj=offer.company)
    with pytest.raises(lifecycle.TransitionError, match="période à venir"):
        lifecycle.transition(offer, S.SUBMITTED, company_user, now=NOW)


def test_rejection_needs_a_reason(app):
    offer = f.complete_offer(status=S.SUBMITTED)
    with pytest.raises(lifecycle.TransitionError, match="motif"):
        lifecycle.transition(offer, S.REJECTED, f.user(Role.STAFF), "  ", NOW)
    lifecycle.transition(offer, S.REJECTED, f.user(Role.STAFF), "Programme trop vague.", NOW)
    assert offer.rejection_reason == "Programme trop vague."


def test_publication_waits_for_the_company_validation(app):
    offer = f.complete_offer(f.company(status=CompanyStatus.PENDING), status=S.SUBMITTED)
    with pytest.raises(lifecycle.TransitionError, match="pas encore validée"):
        lifecycle.transition(offer, S.PUBLISHED, f.user(Role.STAFF), now=NOW)


def test_offer_closes_itself_when_no_seat_is_left(app):
    offer = f.complete_offer(status=S.PUBLISHED)
    period = offer.periods[0]
    period.seats_taken = period.seats - 1
    assert lifecycle.close_if_full(offer, NOW) is False
    period.seats_taken = period.seats
    assert lifecycle.close_if_full(offer, NOW) is True
    assert offer.status == S.CLOSED
    with pytest.raises(lifecycle.TransitionError, match="Aucune place"):
        lifecycle.transition(
            offer, S.PUBLISHED, f.user(Role.COMPANY, company_obj=offer.company), now=NOW
        )


def test_archive_job_archives_offers_whose_periods_are_all_past(app):
    past = f.complete_offer(
        status=S.PUBLISHED, periods=((date(2026, 10, 5), date(2026, 10, 9), 2),)
    )
    running = f.complete_offer(status=S.PUBLISHED)
    db.session.commit()
    assert lifecycle.archive_past_offers(NOW) == 1
    assert past.status == S.ARCHIVED and running.status == S.PUBLISHED
    log = db.session.scalars(
        db.select(OfferTransition).where(OfferTransition.offer_id == past.id)
    ).all()
    assert log[-1].actor_id is None and log[-1].to_status == S.ARCHIVED
    assert lifecycle.archive_past_offers(NOW) == 0
