"""From proposal to placement (issue 15, part 4): the teacher sends the proposals they kept, the
company accepts or declines them, the pupil confirms; seats, log, e-mails, guards, bad input."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from capindustrie.applications import jobs, services
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Period,
    Role,
    utcnow,
)
from tests import factories as f
from tests.factories import login
from tests.test_applications import make_application, outbox
from tests.test_matching_routes import NEAR, WEEK, offer

S = ApplicationStatus
HX = {"HX-Request": "true"}


@pytest.fixture
def dated_class(teacher):
    klass = f.school_class(teacher, start=WEEK[0], end=WEEK[1])
    db.session.commit()
    return klass


def company_user_of(offer_obj, email=None):
    user = f.user(Role.COMPANY, company_obj=offer_obj.company, email=email)
    db.session.commit()
    return user


def send(client, klass, *pairs, headers=None, **kwargs):
    values = [f"{pupil.id}:{period.id}" for pupil, period in pairs]
    return client.post(
        f"/propositions/classes/{klass.id}/envoyer",
        data={"propositions": values},
        headers=headers or {},
        **kwargs,
    )


def applications() -> list[Application]:
    db.session.expire_all()
    return list(db.session.scalars(select(Application).order_by(Application.id)))


def seats_taken(period: Period) -> int:
    db.session.expire_all()
    return db.session.get(Period, period.id).seats_taken


def other_client(app, user):
    client = app.test_client()
    login(client, user)
    return client


# --- The teacher sends ---------------------------------------------------------------------------


def test_teacher_removes_one_proposal_and_sends_the_others(teacher_client, teacher, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    hugo = f.pupil(dated_class, "Hugo", "Bernard")
    lea = f.pupil(dated_class, "Léa", "Colin")
    period = offer(NEAR, seats=3, company_name="Usinage du Roi").periods[0]
    company_user = company_user_of(period.offer, email="rh@usinage.example")

    page = teacher_client.get(f"/propositions/classes/{dated_class.id}").get_data(as_text=True)
    assert f'value="{ines.id}:{period.id}"' in page and "Envoyer les propositions" in page

    response = send(teacher_client, dated_class, (ines, period), (hugo, period))

    assert response.status_code == 303
    sent = applications()
    assert [(a.pupil_id, a.status) for a in sent] == [(ines.id, S.PROPOSED), (hugo.id, S.PROPOSED)]
    assert seats_taken(period) == 2
    log = db.session.scalars(select(ApplicationTransition)).all()
    assert {(t.from_status, t.to_status, t.actor_id) for t in log} == {
        (None, S.PROPOSED, teacher.id)
    }
    mails = outbox(company_user.email)
    assert len(mails) == 1  # one e-mail for the company's two proposals
    assert "Inès A." in mails[0].body and "Hugo B." in mails[0].body
    assert "Adam" not in mails[0].body and "Colin" not in mails[0].body
    follow = teacher_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 propositions envoyées aux entreprises" in follow
    assert f'value="{lea.id}:{period.id}"' in follow  # the removed pupil can be proposed again


def test_sending_twice_creates_nothing_more(teacher_client, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    period = offer(NEAR, seats=3).periods[0]
    db.session.commit()
    assert send(teacher_client, dated_class, (ines, period)).status_code == 303

    again = send(teacher_client, dated_class, (ines, period))

    assert again.status_code == 422
    assert "déjà un stage ou une proposition sur ces dates" in again.get_data(as_text=True)
    assert len(applications()) == 1
    assert seats_taken(period) == 1


def test_htmx_send_answers_the_review_fragment(teacher_client, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    period = offer(NEAR, seats=3).periods[0]
    db.session.commit()

    response = send(teacher_client, dated_class, (ines, period), headers=HX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="proposals-review">')
    assert "1 proposition envoyée aux entreprises" in html
    assert "<html" not in html


def test_send_without_csrf_is_refused(teacher_client, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    period = offer(NEAR, seats=3).periods[0]
    db.session.commit()
    response = send(teacher_client, dated_class, (ines, period), csrf=False)
    assert response.status_code in (400, 422)
    assert applications() == []


def test_another_teachers_class_is_not_found(app, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    period = offer(NEAR, seats=3).periods[0]
    stranger = f.user(Role.TEACHER)
    db.session.commit()
    response = send(other_client(app, stranger), dated_class, (ines, period))
    assert response.status_code == 404
    assert applications() == []


@pytest.mark.parametrize("role", [Role.PUPIL, Role.COMPANY, Role.STAFF])
def test_other_roles_cannot_send(app, dated_class, role):
    ines = f.pupil(dated_class, "Inès", "Adam")
    period = offer(NEAR, seats=3).periods[0]
    someone = f.user(role)
    db.session.commit()
    assert send(other_client(app, someone), dated_class, (ines, period)).status_code == 403
    assert applications() == []


def test_a_class_with_no_period_gets_a_french_message(teacher_client, teacher):
    klass = f.school_class(teacher)  # no internship dates
    ines = f.pupil(klass, "Inès", "Adam")
    period = offer(NEAR, seats=3).periods[0]
    db.session.commit()

    response = send(teacher_client, klass, (ines, period))

    assert response.status_code == 422
    assert "Indiquez d&#39;abord les dates de stage de la classe" in response.get_data(as_text=True)
    assert applications() == []
    assert seats_taken(period) == 0


def test_a_pupil_already_placed_stops_the_whole_send(teacher_client, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    hugo = f.pupil(dated_class, "Hugo", "Bernard")
    chosen = offer(NEAR, seats=1, title="Déjà choisi").periods[0]
    make_application(hugo, chosen, S.CONFIRMED)
    period = offer(NEAR, seats=3).periods[0]
    db.session.commit()

    response = send(teacher_client, dated_class, (ines, period), (hugo, period))

    assert response.status_code == 422
    assert "Hugo Bernard a déjà un stage" in response.get_data(as_text=True)
    assert [a.status for a in applications()] == [S.CONFIRMED]  # Inès's not half-sent
    assert seats_taken(period) == 0
    assert outbox() == []


def test_no_seat_left_stops_the_whole_send(teacher_client, dated_class):
    ines = f.pupil(dated_class, "Inès", "Adam")
    hugo = f.pupil(dated_class, "Hugo", "Bernard")
    period = offer(NEAR, seats=1, title="Une seule place").periods[0]
    db.session.commit()

    response = send(teacher_client, dated_class, (ines, period), (hugo, period))

    assert response.status_code == 422
    assert "Plus aucune place disponible" in response.get_data(as_text=True)
    assert applications() == []
    assert seats_taken(period) == 0


def test_a_pupil_of_another_class_cannot_be_slipped_in(teacher_client, teacher, dated_class):
    elsewhere = f.pupil(
        f.school_class(f.user(Role.TEACHER), name="3e Z", start=WEEK[0], end=WEEK[1])
    )
    period = offer(NEAR, seats=3).periods[0]
    db.session.commit()
    response = send(teacher_client, dated_class, (elsewhere, period))
    assert response.status_code == 422
    assert "n&#39;appartient pas" in response.get_data(as_text=True)
    assert applications() == []


def test_garbage_and_empty_sends_get_a_french_message(teacher_client, dated_class):
    f.pupil(dated_class, "Inès", "Adam")
    db.session.commit()
    url = f"/propositions/classes/{dated_class.id}/envoyer"
    garbage = teacher_client.post(url, data={"propositions": ["x:1"]})
    empty = teacher_client.post(url, data={})
    assert garbage.status_code == empty.status_code == 422
    assert "Proposition illisible" in garbage.get_data(as_text=True)
    assert "Aucune proposition à envoyer" in empty.get_data(as_text=True)
    assert applications() == []


# --- The company answers -------------------------------------------------------------------------


class Proposed:
    """Three proposals sent by the teacher to one company, one to another company."""

    def __init__(self, app, teacher_client, klass):
        self.pupils = [
            f.pupil(klass, first, last)
            for first, last in [
                ("Inès", "Adam"),
                ("Hugo", "Bernard"),
                ("Léa", "Colin"),
                ("Noé", "Dupont"),
            ]
        ]
        self.period = offer(NEAR, seats=3, company_name="Usinage du Roi").periods[0]
        self.other_period = offer(NEAR, seats=1, company_name="Autre SA").periods[0]
        self.company_user = company_user_of(self.period.offer, email="rh@usinage.example")
        self.other_company_user = company_user_of(self.other_period.offer)
        response = send(
            teacher_client,
            klass,
            *[(p, self.period) for p in self.pupils[:3]],
            (self.pupils[3], self.other_period),
        )
        assert response.status_code == 303
        self.applications = applications()
        self.company = other_client(app, self.company_user)


@pytest.fixture
def proposed(app, teacher_client, dated_class):
    return Proposed(app, teacher_client, dated_class)


def test_company_sees_only_its_own_proposals(proposed):
    html = proposed.company.get("/entreprise/propositions").get_data(as_text=True)
    assert "3 propositions en attente de réponse" in html
    assert "Inès A." in html and "Hugo B." in html and "Léa C." in html
    assert "Noé D." not in html  # proposed to the other company
    assert "Adam" not in html  # the company sees the initial only
    assert "Tout accepter (3 propositions)" in html


def test_company_accepts_two_and_declines_one(proposed, teacher):
    ines, hugo, lea = proposed.applications[:3]
    company = proposed.company
    assert company.post(f"/entreprise/propositions/{ines.id}/accepter").status_code == 303
    assert (
        company.post(f"/entreprise/propositions/{hugo.id}/accepter", headers=HX).status_code == 200
    )
    declined = company.post(f"/entreprise/propositions/{lea.id}/refuser")
    assert declined.status_code == 303

    assert [a.status for a in applications()[:3]] == [S.ACCEPTED, S.ACCEPTED, S.REFUSED]
    assert seats_taken(proposed.period) == 2  # the declined seat is free for the next run
    subjects = [m.subject for m in outbox(teacher.email)]
    assert "Proposition acceptée : Inès A. (3e B)" in subjects
    assert "Proposition refusée : Léa C. (3e B)" in subjects
    log = db.session.scalars(
        select(ApplicationTransition)
        .where(ApplicationTransition.application_id == lea.id)
        .order_by(ApplicationTransition.id)
    ).all()
    assert [(t.from_status, t.to_status, t.actor_id) for t in log] == [
        (None, S.PROPOSED, teacher.id),
        (S.PROPOSED, S.REFUSED, proposed.company_user.id),
    ]


def test_accept_all_accepts_every_listed_proposal_in_one_batch(proposed, teacher):
    ids = [a.id for a in proposed.applications[:3]]
    response = proposed.company.post(
        "/entreprise/propositions/tout-accepter", data={"propositions": ids}, headers=HX
    )
    assert response.status_code == 200
    assert "3 propositions acceptées" in response.get_data(as_text=True)
    assert [a.status for a in applications()] == [S.ACCEPTED] * 3 + [S.PROPOSED]
    assert len([m for m in outbox(teacher.email) if "Proposition acceptée" in m.subject]) == 3


def test_accept_all_refuses_another_companys_proposal_and_changes_nothing(proposed):
    ids = [a.id for a in proposed.applications]  # the 4th belongs to the other company
    response = proposed.company.post(
        "/entreprise/propositions/tout-accepter", data={"propositions": ids}
    )
    assert response.status_code == 422
    assert [a.status for a in applications()] == [S.PROPOSED] * 4


def test_answering_twice_gets_a_french_message(proposed):
    ines = proposed.applications[0]
    assert proposed.company.post(f"/entreprise/propositions/{ines.id}/accepter").status_code == 303
    again = proposed.company.post(f"/entreprise/propositions/{ines.id}/refuser")
    assert again.status_code == 422
    assert "déjà reçu une réponse" in again.get_data(as_text=True)
    assert applications()[0].status == S.ACCEPTED
    assert seats_taken(proposed.period) == 3


def test_company_cannot_answer_another_companys_proposal(proposed):
    noe = proposed.applications[3]
    assert proposed.company.post(f"/entreprise/propositions/{noe.id}/accepter").status_code == 404
    assert proposed.company.post(f"/entreprise/propositions/{noe.id}/refuser").status_code == 404
    assert applications()[3].status == S.PROPOSED


@pytest.mark.parametrize("role", [Role.PUPIL, Role.TEACHER, Role.STAFF])
def test_other_roles_cannot_answer(app, proposed, role):
    someone = f.user(role)
    db.session.commit()
    client = other_client(app, someone)
    ines = proposed.applications[0]
    assert client.get("/entreprise/propositions").status_code == 403
    assert client.post(f"/entreprise/propositions/{ines.id}/accepter").status_code == 403
    assert client.post("/entreprise/propositions/tout-accepter").status_code == 403
    assert applications()[0].status == S.PROPOSED


def test_company_cannot_decline_after_the_period_started(app, teacher, dated_class):
    pupil = f.pupil(dated_class, "Inès", "Adam")
    started = offer(
        NEAR,
        seats=1,
        period=(utcnow().date() - timedelta(days=1), utcnow().date() + timedelta(days=3)),
    ).periods[0]
    application = make_application(pupil, started, S.PROPOSED)
    company_user = company_user_of(started.offer)
    client = other_client(app, company_user)

    response = client.post(f"/entreprise/propositions/{application.id}/refuser")

    assert response.status_code == 422
    assert "La période a déjà commencé" in response.get_data(as_text=True)
    assert applications()[0].status == S.PROPOSED
    assert seats_taken(started) == 1


# --- The pupil confirms --------------------------------------------------------------------------


def test_pupil_sees_only_their_proposal_and_confirms_once_accepted(app, proposed):
    ines_app, hugo_app = proposed.applications[:2]
    ines = proposed.pupils[0]
    pupil_client = other_client(app, ines.user)
    dashboard = pupil_client.get("/candidatures").get_data(as_text=True)
    assert "Proposée par le professeur" in dashboard
    assert pupil_client.get(f"/candidatures/{hugo_app.id}").status_code == 404
    # Nothing the pupil can do before the company answers.
    assert pupil_client.post(f"/candidatures/{ines_app.id}/choisir").status_code == 422
    assert (
        proposed.company.post(f"/entreprise/propositions/{ines_app.id}/accepter").status_code == 303
    )

    assert pupil_client.post(f"/candidatures/{ines_app.id}/choisir").status_code == 303

    assert applications()[0].status == S.CONFIRMED
    assert seats_taken(proposed.period) == 3


def test_choosing_another_internship_withdraws_an_overlapping_proposal(app, dated_class):
    pupil = f.pupil(dated_class, "Inès", "Adam")
    proposal_period = offer(NEAR, seats=2, title="Proposée").periods[0]
    chosen_period = offer(NEAR, seats=2, title="Choisie").periods[0]
    proposal = make_application(pupil, proposal_period, S.PROPOSED)
    accepted = make_application(pupil, chosen_period, S.ACCEPTED)
    db.session.commit()

    assert (
        other_client(app, pupil.user).post(f"/candidatures/{accepted.id}/choisir").status_code
        == 303
    )

    db.session.expire_all()
    assert db.session.get(Application, proposal.id).status == S.WITHDRAWN
    assert seats_taken(proposal_period) == 0


def test_proposals_do_not_count_against_the_five_applications_limit(app, dated_class):
    pupil = f.pupil(dated_class, "Inès", "Adam")
    for n in range(3):
        make_application(pupil, offer(NEAR, seats=2, title=f"Proposée {n}").periods[0], S.PROPOSED)
    make_application(pupil, offer(NEAR, seats=2, title="Envoyée").periods[0], S.SUBMITTED)
    db.session.commit()
    assert services.active_count(pupil) == 1


def test_an_unanswered_proposal_expires_and_frees_its_seat(app, teacher, dated_class):
    pupil = f.pupil(dated_class, "Inès", "Adam")
    period = offer(NEAR, seats=1).periods[0]
    days = app.config["APPLICATION_EXPIRY_DAYS"]
    now = utcnow()
    application = make_application(
        pupil, period, S.PROPOSED, changed_at=now - timedelta(days=days, hours=1)
    )
    db.session.commit()

    report = jobs.expire_stale_applications(now)

    assert report.expired_proposed == 1
    assert "1 proposition sans réponse expirée" in str(report)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == S.EXPIRED
    assert seats_taken(period) == 0
    assert db.session.scalar(select(func.count(ApplicationTransition.id))) == 1
    assert any("expirée" in m.subject for m in outbox(teacher.email))


def test_next_run_skips_the_declined_pair_and_counts_proposals_as_placed(
    proposed, teacher_client, dated_class
):
    ines, hugo, lea = proposed.applications[:3]
    company = proposed.company
    for application in (ines, hugo):
        assert (
            company.post(f"/entreprise/propositions/{application.id}/accepter").status_code == 303
        )
    assert company.post(f"/entreprise/propositions/{lea.id}/refuser").status_code == 303

    page = teacher_client.get(f"/propositions/classes/{dated_class.id}").get_data(as_text=True)

    # The freed seat is offered again, but not to the pupil this company just declined.
    assert seats_taken(proposed.period) == 2
    assert f'value="{proposed.pupils[2].id}:{proposed.period.id}"' not in page
    assert "Sans proposition (1)" in page and "Léa Colin" in page
    assert "3 élèves de la classe ont déjà une place" in page  # Noé's proposal holds a seat


def test_ids_beyond_the_database_range_are_a_french_message(teacher_client, dated_class, proposed):
    url = f"/propositions/classes/{dated_class.id}/envoyer"
    response = teacher_client.post(url, data={"propositions": ["99999999999:1"]})
    assert response.status_code == 422
    assert "Proposition illisible" in response.get_data(as_text=True)
    batch = proposed.company.post(
        "/entreprise/propositions/tout-accepter", data={"propositions": ["99999999999"]}
    )
    assert batch.status_code == 422
    assert [a.status for a in applications()] == [S.PROPOSED] * 4


def test_a_plain_htmx_get_gets_the_whole_page(teacher_client, dated_class, proposed):
    page = teacher_client.get(f"/propositions/classes/{dated_class.id}", headers=HX)
    assert "<html" in page.get_data(as_text=True)
    company_page = proposed.company.get("/entreprise/propositions", headers=HX)
    assert "<html" in company_page.get_data(as_text=True)


def test_the_applications_answer_form_does_not_answer_a_proposal(proposed):
    ines = proposed.applications[0]
    for action in ("accepter", "refuser"):
        response = proposed.company.post(f"/entreprise/candidatures/{ines.id}/{action}")
        assert response.status_code == 422
        assert "Propositions de stagiaires" in response.get_data(as_text=True)
    assert applications()[0].status == S.PROPOSED
    assert seats_taken(proposed.period) == 3
