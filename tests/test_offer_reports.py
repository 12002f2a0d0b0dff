"""« Signaler cette offre » (issue 14, point 4): the form on every public offer page, the staff's
« Signalements » list grouped by offer, the three decisions (e-mails, audit log, the offer
leaving search), the reporter told the outcome, the company never told who reported, the rate
limit per address, and who may reach the moderation pages."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import (
    AuditEntry,
    Level,
    OfferReport,
    OfferStatus,
    OutboxMessage,
    ReportOutcome,
    Role,
    utcnow,
)
from capindustrie.search.services import search_offers
from tests import factories as f
from tests.factories import signed_in

HX = {"HX-Request": "true"}
STAFF_MESSAGE = "Cette offre ressemble à un emploi saisonnier : merci de la corriger."


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def outbox_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


@pytest.fixture
def world(app):
    company_user = f.user(
        Role.COMPANY, email="rh@forges.example", first_name="Rémi", last_name="Hache"
    )
    offer = f.complete_offer(company_user.company, status=OfferStatus.PUBLISHED)
    teacher = f.user(
        Role.TEACHER, email="ines.signaleuse@ac-creteil.fr", first_name="Inès", last_name="Vigie"
    )
    klass = f.school_class(teacher)
    pupil = f.pupil(klass, first_name="Zoé", last_name="Témoin")
    staff = f.user(Role.STAFF, email="agent@departement77.fr")
    db.session.commit()
    return {
        "company_user": company_user,
        "offer": offer,
        "teacher": teacher,
        "pupil": pupil.user,
        "staff": staff,
    }


def report(client, offer, reason="disguised_job", comment="", **kwargs):
    return client.post(
        f"/offres/{offer.id}/signaler", data={"reason": reason, "comment": comment}, **kwargs
    )


def search_ids(offer) -> list[int]:
    result = search_offers(offer.latitude, offer.longitude, Level.TROISIEME, 10)
    return [hit.offer.id for hit in result.items]


# --- Reporting -----------------------------------------------------------------------------------


def test_every_public_offer_page_links_to_the_report_form(client, world):
    offer = world["offer"]
    page = client.get(f"/offres/{offer.id}")
    assert page.status_code == 200
    assert f'href="/offres/{offer.id}/signaler"' in text(page)
    assert "Signaler cette offre" in text(page)

    form_page = client.get(f"/offres/{offer.id}/signaler")
    assert form_page.status_code == 200 and "<html" in text(form_page)
    for label in (
        "Offre suspecte ou déguisée en emploi",
        "Contenu inapproprié",
        "Adresse erronée",
        "Offre trompeuse",
        "Autre raison",
    ):
        assert label in text(form_page)
    fragment = client.get(f"/offres/{offer.id}/signaler", headers=HX)
    assert "<html" not in text(fragment) and 'id="signalement"' in text(fragment)


def test_anonymous_report_without_javascript_is_saved_and_thanked(client, world):
    offer = world["offer"]
    response = report(client, offer, "wrong_address", "Le numéro de rue n'existe pas.")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/offres/{offer.id}"
    assert "votre signalement est transmis" in text(client.get(response.headers["Location"]))
    saved = db.session.scalars(select(OfferReport)).one()
    assert (saved.offer_id, saved.reason.value, saved.reporter_id) == (
        offer.id,
        "wrong_address",
        None,
    )
    assert saved.comment == "Le numéro de rue n'existe pas." and saved.outcome is None


def test_htmx_report_answers_the_thanks_fragment(client, world):
    response = report(client, world["offer"], "misleading", headers=HX)
    assert response.status_code == 200
    assert "<html" not in text(response) and "Signalement envoyé" in text(response)
    assert count(OfferReport) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "comment": "Rien"}, "Choisissez la raison du signalement."),
        ({"comment": "Rien"}, "Choisissez la raison du signalement."),
        ({"reason": "n_importe_quoi"}, "Choix inconnu"),
        ({"reason": "other", "comment": "   "}, "il est obligatoire avec « Autre raison »"),
        ({"reason": "misleading", "comment": "x" * 1001}, "Ce texte dépasse 1000 caractères."),
    ],
)
def test_bad_reports_get_a_french_error_and_nothing_is_saved(client, world, data, message):
    for headers in ({}, HX):
        response = client.post(f"/offres/{world['offer'].id}/signaler", data=data, headers=headers)
        assert response.status_code == 422
        assert message in text(response).replace("&#39;", "'").replace("&#34;", '"')
    assert count(OfferReport) == 0


def test_other_reason_with_a_comment_is_accepted(client, world):
    assert report(client, world["offer"], "other", "Le tuteur demande un CV.").status_code == 303
    assert count(OfferReport) == 1


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REJECTED])
def test_an_offer_that_is_not_public_cannot_be_reported(client, world, status):
    offer = f.complete_offer(world["company_user"].company, status=status)
    db.session.commit()
    assert client.get(f"/offres/{offer.id}/signaler").status_code == 404
    assert report(client, offer).status_code == 404
    assert count(OfferReport) == 0


def test_reports_are_rate_limited_per_address_then_allowed_after_the_window(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2/hour")
    with app.app_context():
        offer = f.complete_offer(status=OfferStatus.PUBLISHED)
        db.session.commit()
        start = utcnow()
        with time_machine.travel(start, tick=False) as clock:
            client = app.test_client()
            codes = [report(client, offer).status_code for _ in range(2)]
            limited = report(client, offer)
            assert codes == [303, 303]
            assert limited.status_code == 429
            assert "Trop de demandes" in text(limited) and '<html lang="fr">' in text(limited)
            # Another address is not affected.
            other = report(app.test_client(), offer, environ_base={"REMOTE_ADDR": "10.0.0.9"})
            assert other.status_code == 303
            # Reading the form is not limited.
            assert client.get(f"/offres/{offer.id}/signaler").status_code == 200
            clock.shift(timedelta(hours=1, seconds=1))
            assert report(client, offer).status_code == 303
        assert count(OfferReport) == 4


# --- The staff's list and the decisions ----------------------------------------------------------


def three_reports(app, world):
    offer = world["offer"]
    assert (
        report(app.test_client(), offer, "disguised_job", "On me parle de salaire.").status_code
        == 303
    )
    teacher = signed_in(app, world["teacher"])
    assert report(teacher, offer, "misleading", "Ce n'est pas de l'observation.").status_code == 303
    pupil = signed_in(app, world["pupil"])
    assert report(pupil, offer, "disguised_job").status_code == 303
    return teacher, pupil


def test_reports_of_one_offer_group_together_in_the_staff_list(app, world):
    three_reports(app, world)
    other = f.complete_offer(
        world["company_user"].company, status=OfferStatus.PUBLISHED, title="Usinage de précision"
    )
    db.session.commit()
    report(app.test_client(), other, "wrong_address")
    staff = signed_in(app, world["staff"])

    queue = text(staff.get("/moderation/"))
    assert "2</strong> offres signalées à examiner" in queue

    listing = staff.get("/moderation/signalements")
    html = text(listing).replace("&#39;", "'")
    assert listing.status_code == 200
    assert html.count("/moderation/signalements/") == 2
    assert "3 signalements" in html and "1 signalement<" in html
    assert "Offre suspecte ou déguisée en emploi (2)" in html and "Offre trompeuse" in html
    # The most reported first.
    assert html.index(world["offer"].title) < html.index("Usinage de précision")

    detail = text(staff.get(f"/moderation/signalements/{world['offer'].id}")).replace("&#39;", "'")
    assert "On me parle de salaire." in detail and "Ce n'est pas de l'observation." in detail
    assert "anonyme" in detail and "un ou une élève" in detail
    assert "3 signalements, dont 3 à examiner" in detail


def decide(staff, offer, decision, message=STAFF_MESSAGE, **kwargs):
    return staff.post(
        f"/moderation/signalements/{offer.id}",
        data={"decision": decision, "message": message},
        **kwargs,
    )


def hide(staff, offer, message=STAFF_MESSAGE, **kwargs):
    """The confirmation's POST (« Retirer l'offre »): the decision form asks first."""
    return staff.post(
        f"/moderation/signalements/{offer.id}/retirer", data={"message": message}, **kwargs
    )


def audit_entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_hiding_an_offer_takes_it_out_of_search_and_tells_everyone(app, world):
    offer = world["offer"]
    teacher_client, pupil_client = three_reports(app, world)
    assert offer.id in search_ids(offer)
    staff = signed_in(app, world["staff"])

    # The decision form asks first (issue 17), the message carried over to the confirmation.
    asked = decide(staff, offer, "hidden")
    assert asked.status_code == 200 and "confirm-panel" in text(asked)
    assert STAFF_MESSAGE.replace("'", "&#39;") in text(asked)
    assert offer.status == OfferStatus.PUBLISHED and count(AuditEntry) == 0

    response = hide(staff, offer)

    assert (
        response.status_code == 303 and response.headers["Location"] == "/moderation/signalements"
    )
    db.session.expire_all()
    assert offer.status == OfferStatus.REJECTED and offer.rejection_reason == STAFF_MESSAGE
    assert {r.outcome for r in db.session.scalars(select(OfferReport))} == {ReportOutcome.HIDDEN}
    assert offer.id not in search_ids(offer)
    gone = app.test_client().get(f"/offres/{offer.id}")
    assert gone.status_code == 410 and "n'est plus disponible" in text(gone).replace("&#39;", "'")
    # The company: the staff's message.
    [mail] = outbox_to("rh@forges.example")
    assert "retirée" in mail.subject and STAFF_MESSAGE in mail.body
    # The audit log: who, what, on which offer, why.
    [entry] = audit_entries("offer_report.hide")
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.reason) == (
        world["staff"].id,
        "offer",
        offer.id,
        STAFF_MESSAGE,
    )
    assert entry.details["reports"] == 3
    # The reporters: the teacher by e-mail, the pupil (no address) on « Mes signalements ».
    [told] = outbox_to("ines.signaleuse@ac-creteil.fr")
    assert "l'offre a été retirée du site" in told.body and STAFF_MESSAGE not in told.body
    mine = text(pupil_client.get("/mes-signalements"))
    assert offer.title.replace("'", "&#39;") in mine and "Offre retirée" in mine
    assert "Offre retirée" in text(teacher_client.get("/mes-signalements"))
    # Nothing left to decide: a second decision is refused in French.
    again = decide(staff, offer, "dismissed")
    assert again.status_code == 422 and "déjà été traité" in text(again).replace("&#39;", "'")
    assert len(audit_entries("offer_report.dismiss")) == 0


def test_asking_for_a_fix_keeps_the_offer_published_and_mails_the_company(app, world):
    offer = world["offer"]
    three_reports(app, world)
    staff = signed_in(app, world["staff"])

    assert decide(staff, offer, "fix_requested", headers=HX).headers["HX-Redirect"] == (
        "/moderation/signalements"
    )

    db.session.expire_all()
    assert offer.status == OfferStatus.PUBLISHED and offer.id in search_ids(offer)
    [mail] = outbox_to("rh@forges.example")
    assert "correction" in mail.subject and STAFF_MESSAGE in mail.body
    assert "reste publiée" in mail.body
    [entry] = audit_entries("offer_report.request_fix")
    assert entry.reason == STAFF_MESSAGE and entry.object_id == offer.id
    [told] = outbox_to("ines.signaleuse@ac-creteil.fr")
    assert "invitée à corriger" in told.body
    assert "Sans suite" not in text(staff.get("/moderation/signalements"))


def test_dismissing_tells_the_reporter_but_not_the_company(app, world):
    offer = world["offer"]
    three_reports(app, world)
    staff = signed_in(app, world["staff"])

    assert decide(staff, offer, "dismissed", "Offre vérifiée : conforme.").status_code == 303

    db.session.expire_all()
    assert offer.status == OfferStatus.PUBLISHED
    assert outbox_to("rh@forges.example") == []
    [entry] = audit_entries("offer_report.dismiss")
    assert entry.reason == "Offre vérifiée : conforme."
    [told] = outbox_to("ines.signaleuse@ac-creteil.fr")
    assert "classé sans suite" in told.body
    assert "Aucun signalement n'attend de décision." in text(staff.get("/moderation/signalements"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "hidden", "message": ""}, "Indiquez le motif de la décision"),
        ({"decision": "hidden", "message": "court"}, "au moins 10 caractères"),
        ({"decision": "", "message": STAFF_MESSAGE}, "Choisissez une décision."),
        ({"decision": "supprimer", "message": STAFF_MESSAGE}, "Choix inconnu"),
    ],
)
def test_a_bad_decision_changes_nothing(app, world, data, message):
    offer = world["offer"]
    three_reports(app, world)
    staff = signed_in(app, world["staff"])
    before = count(OutboxMessage)
    for headers in ({}, HX):
        response = staff.post(f"/moderation/signalements/{offer.id}", data=data, headers=headers)
        assert response.status_code == 422
        assert message in text(response).replace("&#39;", "'")
    db.session.expire_all()
    assert offer.status == OfferStatus.PUBLISHED
    assert all(r.outcome is None for r in db.session.scalars(select(OfferReport)))
    assert count(AuditEntry) == 0 and count(OutboxMessage) == before


@pytest.mark.parametrize("role", [Role.COMPANY, Role.PUPIL, Role.TEACHER])
def test_only_staff_reach_the_reports(app, world, role):
    three_reports(app, world)
    user = world["company_user"] if role == Role.COMPANY else f.user(role)
    db.session.commit()
    client = signed_in(app, user)
    offer = world["offer"]
    assert client.get("/moderation/signalements").status_code == 403
    assert client.get(f"/moderation/signalements/{offer.id}").status_code == 403
    assert decide(client, offer, "hidden").status_code == 403
    assert client.get(f"/moderation/signalements/{offer.id}/retirer").status_code == 403
    assert hide(client, offer).status_code == 403
    db.session.expire_all()
    assert offer.status == OfferStatus.PUBLISHED and count(AuditEntry) == 0
    anonymous = app.test_client().get("/moderation/signalements")
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]


def test_the_company_never_learns_who_reported(app, world):
    offer = world["offer"]
    three_reports(app, world)
    staff = signed_in(app, world["staff"])
    decide(staff, offer, "fix_requested")
    decide_again = signed_in(app, world["pupil"])
    report(decide_again, offer, "inappropriate", "Encore un problème.")
    hide(staff, offer)

    company = signed_in(app, world["company_user"])
    from capindustrie.offers.wizard import LAST_STEP

    responses = [
        company.get(url)
        for url in (
            "/entreprise/",
            f"/entreprise/offres/{offer.id}/etape/{LAST_STEP}",
            "/mes-signalements",
        )
    ]
    assert [r.status_code for r in responses] == [200, 200, 200]
    pages = [text(r) for r in responses]
    # The company sees why its offer was taken down (the staff's words), and nothing more.
    assert STAFF_MESSAGE.replace("'", "&#39;") in pages[1]
    mails = [m.subject + m.body for m in outbox_to("rh@forges.example")]
    assert len(mails) == 2
    secrets_ = ("Inès", "Vigie", "ines.signaleuse", "Zoé", "Témoin", world["pupil"].username)
    for content in pages + mails:
        for secret in secrets_:
            assert secret not in content
    # The company's own « Mes signalements » lists only its own reports (none).
    assert "Vous n'avez signalé aucune offre." in pages[2]
