"""Hiding a reported offer (issue 17 follow-up): the applications still waiting on it are closed
through the system's withdrawal, each pupil told once (« tu ») and their teachers once; chosen and
validated internships stay and staff are told, on the confirmation, to contact the school."""

import html
from datetime import date

import pytest
from sqlalchemy import func, select

from capindustrie.applications import proposals
from capindustrie.applications import services as applying
from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationTransition,
    AuditEntry,
    OfferReport,
    OfferStatus,
    OutboxMessage,
    Period,
    Placement,
    Role,
)
from capindustrie.reports import services as reports
from tests import factories as f
from tests.factories import signed_in
from tests.placement_helpers import NOW, application_in

MESSAGE = "Offre signalée trois fois : il s'agit d'un emploi saisonnier déguisé."
WEEKS = (
    (date(2027, 1, 11), date(2027, 1, 15), 3),
    (date(2027, 1, 18), date(2027, 1, 22), 3),
    (date(2027, 1, 25), date(2027, 1, 29), 3),
)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def mails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


@pytest.fixture
def world(app):
    """A reported offer with three weeks: Zoé (with an e-mail) waits on two of them, Hugo was
    proposed by his teacher, Inès has chosen it, Nina's placement is validated; Tom applied
    elsewhere."""
    company_user = f.user(Role.COMPANY, email="rh@forges.example")
    offer = f.complete_offer(company_user.company, status=OfferStatus.PUBLISHED, periods=WEEKS)
    first, second, third = offer.periods
    teacher = f.user(Role.TEACHER, email="prof.principal@ac-creteil.fr")
    klass = f.school_class(teacher, start=date(2027, 1, 11), end=date(2027, 1, 29))
    zoe = f.pupil(klass, "Zoé", "Témoin")
    zoe.user.email = "zoe.temoin@exemple.fr"
    waiting = [
        application_in(zoe, first, S.SUBMITTED),
        application_in(zoe, second, S.ACCEPTED),
    ]
    hugo = f.pupil(klass, "Hugo", "Blanc")
    waiting += proposals.send(klass, teacher, [proposals.Choice(hugo.id, third.id)], NOW)
    chosen = [
        application_in(f.pupil(klass, "Inès", "Aubert"), first, S.CONFIRMED),
        application_in(f.pupil(klass, "Nina", "Roux"), second, S.VALIDATED),
    ]
    elsewhere_offer = f.complete_offer(status=OfferStatus.PUBLISHED, title="Chaudronnerie")
    elsewhere = application_in(
        f.pupil(klass, "Tom", "Petit"), elsewhere_offer.periods[0], S.SUBMITTED
    )
    for reason in ("disguised_job", "misleading"):
        reports.create_report(offer, reason, None, None, NOW)
    staff = f.user(Role.STAFF, email="agent@departement77.fr")
    db.session.commit()
    assert [a.status for a in waiting] == [S.SUBMITTED, S.ACCEPTED, S.PROPOSED]
    return {
        "offer": offer,
        "staff": staff,
        "teacher": teacher,
        "company_user": company_user,
        "zoe": zoe,
        "waiting": [a.id for a in waiting],
        "chosen": [a.id for a in chosen],
        "elsewhere": elsewhere.id,
        "klass": klass,
    }


def hide(client, offer, message=MESSAGE, **kwargs):
    return client.post(
        f"/moderation/signalements/{offer.id}/retirer", data={"message": message}, **kwargs
    )


def statuses(ids) -> list[S]:
    db.session.expire_all()
    return [db.session.get(Application, i).status for i in ids]


def test_the_confirmation_counts_what_hiding_closes_and_what_stays(app, world):
    staff = signed_in(app, world["staff"])
    offer = world["offer"]

    # From the decision form, « Retirer l'offre » asks first, with the message carried over.
    asked = staff.post(
        f"/moderation/signalements/{offer.id}", data={"decision": "hidden", "message": MESSAGE}
    )
    page = text(asked)
    assert asked.status_code == 200 and "<h1" in page
    assert f"Retirer l'offre « {offer.title} » ?" in page
    assert (
        "3 candidatures en attente (envoyée, acceptée mais pas encore choisie, ou proposée) "
        "seront closes : chaque élève et son professeur principal sont prévenus" in page
    )
    school = world["klass"].school.name
    assert (
        "2 stages déjà choisis ou validés restent en place : rien ne les change "
        f"automatiquement. Contactez l'établissement pour décider de la suite : {school} (3e B)."
    ) in page
    assert MESSAGE in page and 'action="/moderation/signalements/' in page
    assert 'name="csrf_token"' in page

    # With htmx, the panel alone, swapped in place of the decision.
    panel = staff.post(
        f"/moderation/signalements/{offer.id}",
        data={"decision": "hidden", "message": MESSAGE},
        headers={"HX-Request": "true"},
    )
    assert panel.status_code == 200 and "<html" not in text(panel)
    assert text(panel).lstrip().startswith('<section class="confirm-panel')

    # Asking changed nothing.
    db.session.expire_all()
    assert offer.status == OfferStatus.PUBLISHED
    assert statuses(world["waiting"]) == [S.SUBMITTED, S.ACCEPTED, S.PROPOSED]
    assert count(AuditEntry) == 0 and count(OfferReport, OfferReport.outcome.is_not(None)) == 0


def test_hiding_closes_the_waiting_applications_and_tells_each_pupil_once(app, world):
    staff = signed_in(app, world["staff"])
    offer = world["offer"]
    seats_before = {p.id: p.seats_taken for p in offer.periods}
    assert seats_before == {offer.periods[0].id: 1, offer.periods[1].id: 2, offer.periods[2].id: 1}

    response = hide(staff, offer)

    assert response.status_code == 303
    assert statuses(world["waiting"]) == [S.WITHDRAWN] * 3
    # The system's withdrawal, with why.
    closing = db.session.scalars(
        select(ApplicationTransition).where(
            ApplicationTransition.application_id.in_(world["waiting"]),
            ApplicationTransition.to_status == S.WITHDRAWN,
        )
    ).all()
    assert len(closing) == 3
    assert {(t.actor_id, t.message) for t in closing} == {
        (None, applying.OFFER_UNAVAILABLE_MESSAGE)
    }
    # Seats held by the acceptance and the proposal are free; the offer does not reopen.
    db.session.expire_all()
    assert [db.session.get(Period, p).seats_taken for p in seats_before] == [1, 1, 0]
    assert offer.status == OfferStatus.REJECTED
    # Zoé had two applications on it: one e-mail, in « tu ».
    [mail] = mails_to("zoe.temoin@exemple.fr")
    assert "n'est plus disponible" in mail.subject
    assert "Bonjour Zoé" in mail.body and "à laquelle tu avais candidaté" in mail.body
    assert "Tu peux candidater à d'autres offres" in mail.body and "vous" not in mail.body
    # Her dashboard says it too (pupils without an address read it there).
    pupil_page = text(signed_in(app, world["zoe"].user).get("/candidatures"))
    assert "Cette offre n'est plus disponible" in pupil_page
    assert "tu peux candidater à d'autres offres" in pupil_page
    # The teacher: one e-mail naming the two pupils concerned, not the others.
    teacher_mails = [
        m for m in mails_to("prof.principal@ac-creteil.fr") if "Offre retirée" in m.subject
    ]
    assert len(teacher_mails) == 1
    assert "Zoé T." in teacher_mails[0].body and "Hugo B." in teacher_mails[0].body
    assert "Inès" not in teacher_mails[0].body and "Nina" not in teacher_mails[0].body
    # The company: how many were closed, never who reported.
    [company_mail] = [m for m in mails_to("rh@forges.example") if "retirée" in m.subject]
    assert "3 candidatures en attente sont closes" in company_mail.body
    # Staff are told what stays.
    flashed = text(staff.get("/moderation/signalements"))
    assert "3 candidatures en attente closes" in flashed
    assert "2 stages choisis ou validés restent : contactez l'établissement." in flashed


def test_chosen_and_validated_internships_are_untouched(app, world):
    staff = signed_in(app, world["staff"])
    before = count(ApplicationTransition, ApplicationTransition.application_id.in_(world["chosen"]))

    hide(staff, world["offer"])

    assert statuses(world["chosen"]) == [S.CONFIRMED, S.VALIDATED]
    after = count(ApplicationTransition, ApplicationTransition.application_id.in_(world["chosen"]))
    assert after == before and count(Placement) == 1
    assert statuses([world["elsewhere"]]) == [S.SUBMITTED]  # another offer: not concerned


def test_a_second_hide_does_nothing_more(app, world):
    staff = signed_in(app, world["staff"])
    offer = world["offer"]
    assert hide(staff, offer).status_code == 303
    mails, transitions = count(OutboxMessage), count(ApplicationTransition)

    again = hide(staff, offer)
    assert again.status_code == 422
    assert "déjà été traité" in text(again) and "confirm-panel" in text(again)
    asked = staff.post(
        f"/moderation/signalements/{offer.id}", data={"decision": "hidden", "message": MESSAGE}
    )
    assert asked.status_code == 422 and "déjà été traité" in text(asked)
    assert staff.get(f"/moderation/signalements/{offer.id}/retirer").status_code == 303

    assert count(OutboxMessage) == mails and count(ApplicationTransition) == transitions
    assert count(AuditEntry, AuditEntry.action == "offer_report.hide") == 1
    # The service alone is idempotent too: nothing is waiting any more.
    assert applying.close_for_unavailable_offer(offer, NOW) == []
    assert count(OutboxMessage) == mails


@pytest.mark.parametrize("role", [Role.COMPANY, Role.TEACHER, Role.PUPIL])
def test_only_staff_may_hide(app, world, role):
    user = {
        Role.COMPANY: world["company_user"],  # even the company of the offer
        Role.TEACHER: world["teacher"],
        Role.PUPIL: world["zoe"].user,
    }[role]
    client = signed_in(app, user)
    offer = world["offer"]
    mails = count(OutboxMessage)

    assert client.get(f"/moderation/signalements/{offer.id}/retirer").status_code == 403
    assert hide(client, offer).status_code == 403

    assert statuses(world["waiting"]) == [S.SUBMITTED, S.ACCEPTED, S.PROPOSED]
    assert offer.status == OfferStatus.PUBLISHED and count(OutboxMessage) == mails


def test_anonymous_is_sent_to_login_and_csrf_is_checked(app, world):
    offer = world["offer"]
    anonymous = hide(app.test_client(), offer)
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
    staff = signed_in(app, world["staff"])
    assert hide(staff, offer, csrf=False).status_code == 400
    assert statuses(world["waiting"]) == [S.SUBMITTED, S.ACCEPTED, S.PROPOSED]


def test_a_short_reason_is_refused_on_the_confirmation(app, world):
    staff = signed_in(app, world["staff"])
    mails = count(OutboxMessage)

    response = hide(staff, world["offer"], message="court")

    assert response.status_code == 422 and "au moins 10 caractères" in text(response)
    assert statuses(world["waiting"]) == [S.SUBMITTED, S.ACCEPTED, S.PROPOSED]
    assert count(OutboxMessage) == mails


def test_unknown_offer_is_not_found(app, world):
    staff = signed_in(app, world["staff"])
    assert staff.get("/moderation/signalements/999999/retirer").status_code == 404
