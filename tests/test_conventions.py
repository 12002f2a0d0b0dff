"""Completing, issuing and amending a convention over HTTP: the checklist, the school profile,
the family, the host's signatory, the frozen version and the amendment, with their refusals
and who may do what."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from capindustrie.applications.states import S
from capindustrie.conventions import services as conventions
from capindustrie.extensions import db
from capindustrie.models import (
    AgreementVersion,
    Placement,
    PupilFamily,
    Role,
    SchoolProfile,
    SchoolStatus,
)
from tests import factories as f
from tests.convention_helpers import (
    complete,
    fill_parties,
    host_company_user,
    issue,
    pdf_text,
    validated_placement,
)
from tests.factories import login
from tests.placement_helpers import application_in, published_period


@pytest.fixture
def company_user():
    return host_company_user()


@pytest.fixture
def placement(klass, company_user):
    return validated_placement(klass, company_user)


def version_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AgreementVersion))


def page(response) -> str:
    return response.get_data(as_text=True)


# --- The checklist -------------------------------------------------------------------------------


def test_the_teacher_sees_what_is_missing_with_links(client, teacher, placement):
    login(client, teacher)

    html = page(client.get(f"/stages/{placement.id}/convention"))

    assert "Informations à compléter avant d'établir la convention" in html
    for item in [
        "Le profil de l&#39;établissement (Collège Denecourt)",
        "Le téléphone du professeur référent",
        "Un représentant légal au moins : nom, e-mail et téléphone",
        "projet d&#39;accueil individualisé (PAI)",
        "attestation d&#39;assurance responsabilité civile",
        "Le représentant de l&#39;entreprise qui signe",
    ]:
        assert item in html, item
    assert f'href="/etablissement/profil-convention?stage={placement.id}"' in html
    assert f'href="/stages/{placement.id}/convention/famille"' in html
    assert "Établir la convention</button>" not in html


def test_issuing_while_fields_are_missing_is_refused(client, teacher, placement):
    login(client, teacher)

    response = client.post(f"/stages/{placement.id}/convention/etablir")

    assert response.status_code == 409
    assert "La convention ne peut pas encore être établie : il manque" in page(response)
    assert version_count() == 0


def test_the_company_is_asked_for_its_signatory_only(client, company_user, placement):
    login(client, company_user)

    html = page(client.get(f"/stages/{placement.id}/convention"))

    assert f'href="/stages/{placement.id}/convention/signataire"' in html
    assert "/famille" not in html and "profil-convention" not in html
    # The company sees the pupil as it did on the application: first name and initial.
    assert "Léa D." in html and "Durand" not in html


# --- School profile ------------------------------------------------------------------------------


def test_school_profile_is_filled_once_for_the_school(client, teacher, placement):
    login(client, teacher)
    form = page(client.get(f"/etablissement/profil-convention?stage={placement.id}"))
    assert 'checked id="status-0" name="status" required type="radio" value="public"' in form

    refused = client.post(
        f"/etablissement/profil-convention?stage={placement.id}",
        data={
            "status": "public",
            "phone": "01 64 00 00 01",
            "email": "ce@ac-creteil.fr",
            "head_name": "Claire Morel",
        },
    )
    assert refused.status_code == 422
    assert "indiquez la date de la délibération du conseil" in page(refused)
    assert db.session.scalar(select(SchoolProfile)) is None

    response = client.post(
        f"/etablissement/profil-convention?stage={placement.id}",
        data={
            "status": "public",
            "phone": "01 64 00 00 01",
            "email": "CE@ac-creteil.fr",
            "head_name": "Claire Morel",
            "board_authorisation_date": "22/09/2026",
        },
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/stages/{placement.id}/convention")
    profile = db.session.scalar(select(SchoolProfile))
    assert (profile.school_id, profile.status, profile.phone, profile.email) == (
        teacher.school_id,
        SchoolStatus.PUBLIC,
        "+33164000001",
        "ce@ac-creteil.fr",
    )
    assert profile.board_authorisation_date == date(2026, 9, 22)


def test_school_profile_refuses_a_bad_phone_and_other_roles(client, teacher, company_user):
    login(client, teacher)
    response = client.post(
        "/etablissement/profil-convention",
        data={
            "status": "prive_sous_contrat",
            "phone": "12345",
            "email": "ce@ac-creteil.fr",
            "head_name": "Claire Morel",
        },
    )
    assert response.status_code == 422 and "Numéro de téléphone français attendu" in page(response)
    assert db.session.scalar(select(SchoolProfile)) is None

    login(client, company_user)
    assert client.get("/etablissement/profil-convention").status_code == 403


def test_school_profile_back_link_only_to_a_placement_the_teacher_sees(client, placement):
    stranger = f.user(Role.TEACHER)
    login(client, stranger)
    assert client.get(f"/etablissement/profil-convention?stage={placement.id}").status_code == 404


# --- Family --------------------------------------------------------------------------------------

FAMILY = {
    "birth_date": "03/05/2012",
    "referent_phone": "06 11 22 33 44",
    "rep1_name": "Nadia Durand",
    "rep1_email": "Nadia.Durand@exemple.fr",
    "rep1_phone": "06 12 34 56 78",
    "pai": "non",
    "insurance_certificate": "y",
}


def test_family_form_saves_what_the_convention_needs(client, teacher, placement):
    login(client, teacher)

    response = client.post(f"/stages/{placement.id}/convention/famille", data=FAMILY)

    assert response.status_code == 303
    family = db.session.scalar(select(PupilFamily))
    assert (family.rep1_name, family.rep1_email, family.rep1_phone) == (
        "Nadia Durand",
        "nadia.durand@exemple.fr",
        "+33612345678",
    )
    assert family.pai is False and family.insurance_certificate is True
    assert placement.pupil.birth_date == date(2012, 5, 3)
    assert conventions.parties_of(placement).referent_phone == "+33611223344"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pai": "oui"}, "Indiquez qui apporte la trousse d&#39;urgence"),
        ({"rep1_phone": "0800"}, "Numéro de téléphone français attendu"),
        ({"rep1_email": "pas-une-adresse"}, "Adresse e-mail invalide."),
        ({"birth_date": "31/02/2012"}, "date"),
    ],
)
def test_family_form_refuses_bad_input_and_saves_nothing(
    client, teacher, placement, changes, message
):
    login(client, teacher)

    response = client.post(f"/stages/{placement.id}/convention/famille", data={**FAMILY, **changes})

    assert response.status_code == 422 and message in page(response)
    assert db.session.scalar(select(PupilFamily)) is None


def test_only_the_pupils_teachers_fill_the_family(client, company_user, placement, klass):
    login(client, company_user)
    assert client.post(f"/stages/{placement.id}/convention/famille", data=FAMILY).status_code == 403
    login(client, placement.pupil.user)
    assert client.get(f"/stages/{placement.id}/convention/famille").status_code == 403
    login(client, f.user(Role.TEACHER))
    assert client.post(f"/stages/{placement.id}/convention/famille", data=FAMILY).status_code == 404
    assert db.session.scalar(select(PupilFamily)) is None


# --- Host signatory ------------------------------------------------------------------------------


def test_the_signatory_is_prefilled_from_the_company_account(client, company_user, placement):
    login(client, company_user)
    form = page(client.get(f"/stages/{placement.id}/convention/signataire"))
    assert 'value="Hugo Bernard"' in form and 'value="atelier@exemple.fr"' in form

    response = client.post(
        f"/stages/{placement.id}/convention/signataire",
        data={
            "host_rep_name": "Hugo Bernard",
            "host_rep_function": "Directeur du site",
            "host_rep_email": "atelier@exemple.fr",
            "host_rep_phone": "01 60 00 00 02",
        },
    )

    assert response.status_code == 303
    parties = conventions.parties_of(placement)
    assert (parties.host_rep_function, parties.host_rep_phone) == (
        "Directeur du site",
        "+33160000002",
    )


def test_another_company_never_sees_the_convention(client, placement):
    other = f.user(Role.COMPANY)
    login(client, other)
    assert client.get(f"/stages/{placement.id}/convention").status_code == 404
    assert (
        client.post(
            f"/stages/{placement.id}/convention/signataire",
            data={
                "host_rep_name": "Intrus",
                "host_rep_function": "Intrus",
                "host_rep_email": "intrus@exemple.fr",
                "host_rep_phone": "01 60 00 00 02",
            },
        ).status_code
        == 404
    )
    assert conventions.parties_of(placement).host_rep_name != "Intrus"


def test_a_pupil_sees_only_their_own_convention(client, klass, placement):
    login(client, placement.pupil.user)
    assert client.get(f"/stages/{placement.id}/convention").status_code == 200
    login(client, f.pupil(klass, "Tom", "Voisin").user)
    assert client.get(f"/stages/{placement.id}/convention").status_code == 404


# --- Issuing -------------------------------------------------------------------------------------


def test_issuing_freezes_version_one_once(client, teacher, placement):
    complete(placement)
    login(client, teacher)
    assert "Établir la convention</button>" in page(
        client.get(f"/stages/{placement.id}/convention")
    )

    response = client.post(f"/stages/{placement.id}/convention/etablir")

    assert response.status_code == 303
    version = db.session.scalar(select(AgreementVersion))
    assert version.number == 1 and len(version.content_hash) == 64
    content = conventions.stored_content(version)
    assert content["pupil"]["legal_representatives"][0]["name"] == "Nadia Durand"
    assert conventions.content_hash(version.content) == version.content_hash

    again = client.post(f"/stages/{placement.id}/convention/etablir")
    assert again.status_code == 409 and "déjà établie" in page(again)
    assert version_count() == 1


def test_only_a_teacher_issues(client, company_user, placement):
    complete(placement)
    login(client, company_user)
    assert client.post(f"/stages/{placement.id}/convention/etablir").status_code == 403
    assert version_count() == 0


def test_validation_issues_at_once_when_everything_is_known(
    client, teacher, klass, company_user, placement
):
    # A first convention taught the platform the school, the company's signatory and the
    # teacher's phone; the same pupil's family is known too.
    complete(placement)
    issue(placement)
    second = application_in(
        placement.pupil,
        published_period(company_user.company, start=date(2027, 2, 1), title="Une autre semaine"),
        S.CONFIRMED,
    )
    db.session.commit()
    login(client, teacher)

    assert client.post(f"/candidatures/{second.id}/valider").status_code == 303

    new = db.session.scalar(select(Placement).where(Placement.application_id == second.id))
    assert [v.number for v in conventions.versions(new)] == [1]


# --- Amendments ----------------------------------------------------------------------------------


def test_an_amendment_takes_the_new_tutor_and_keeps_the_rest(client, teacher, placement):
    complete(placement)
    issue(placement)
    offer = placement.period.offer
    offer.tutor_name = "Inès Caron"
    offer.title = "Titre changé sans avenant"
    db.session.commit()
    login(client, teacher)

    response = client.post(
        f"/stages/{placement.id}/convention/avenant",
        data={"reason": "Changement de tutrice : Sam Leroy est absent."},
    )

    assert response.status_code == 303
    assert [v.number for v in conventions.versions(placement)] == [1, 2]
    amended = pdf_text(client.get(f"/stages/{placement.id}/convention.pdf").data)
    assert "Avenant n° 1" in amended and "Changement de tutrice" in amended
    assert "Inès Caron" in amended and "Titre changé" not in amended
    original = pdf_text(client.get(f"/stages/{placement.id}/convention.pdf?version=1").data)
    assert "Sam Leroy" in original and "Inès Caron" not in original


def test_an_amendment_with_nothing_changed_is_refused(client, teacher, placement):
    complete(placement)
    issue(placement)
    login(client, teacher)

    response = client.post(
        f"/stages/{placement.id}/convention/avenant",
        data={"reason": "Rien ne change vraiment ici."},
    )

    assert response.status_code == 409
    assert "n&#39;ont pas changé depuis la version 1" in page(response)
    assert version_count() == 1


def test_no_amendment_before_the_convention_is_issued(client, teacher, placement):
    login(client, teacher)
    response = client.post(
        f"/stages/{placement.id}/convention/avenant",
        data={"reason": "Changement de tutrice demandé."},
    )
    assert response.status_code == 409 and "pas encore établie" in page(response)


def test_no_amendment_during_the_internship_week(teacher, placement):
    complete(placement)
    issue(placement)
    placement.period.offer.tutor_name = "Inès Caron"
    during = datetime(2027, 1, 12, 9)  # Tuesday of the week

    with pytest.raises(conventions.ConventionRefused, match="aucun avenant n'est possible"):
        conventions.amend(placement, "Changement de tutrice.", teacher, during)
    db.session.rollback()
    assert version_count() == 1


def test_an_amendment_needs_a_reason(client, teacher, placement):
    complete(placement)
    issue(placement)
    login(client, teacher)
    response = client.post(f"/stages/{placement.id}/convention/avenant", data={"reason": ""})
    assert response.status_code == 422 and "Indiquez ce qui change" in page(response)


def test_the_company_cannot_amend(client, company_user, placement):
    complete(placement)
    issue(placement)
    fill_parties(placement)
    login(client, company_user)
    assert (
        client.post(
            f"/stages/{placement.id}/convention/avenant",
            data={"reason": "Nous changeons de tuteur."},
        ).status_code
        == 403
    )
    assert version_count() == 1


# --- Who may use each route ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/stages/{id}/convention"),
        ("get", "/stages/{id}/convention/famille"),
        ("post", "/stages/{id}/convention/etablir"),
        ("post", "/stages/{id}/convention/avenant"),
        ("post", "/stages/{id}/convention/signature-papier"),
        ("get", "/stages/{id}/convention/signatures/1/scan"),
    ],
)
def test_a_teacher_of_another_class_finds_nothing(client, placement, method, path):
    login(client, f.user(Role.TEACHER))
    response = getattr(client, method)(path.format(id=placement.id))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/stages/{id}/convention/famille"),
        ("post", "/stages/{id}/convention/etablir"),
        ("post", "/stages/{id}/convention/avenant"),
        ("post", "/stages/{id}/convention/signature-papier"),
        ("get", "/stages/{id}/convention/signatures/1/scan"),
        ("get", "/stages/{id}/convention/signataire"),
    ],
)
def test_the_pupil_only_reads_and_signs(client, placement, method, path):
    login(client, placement.pupil.user)
    assert getattr(client, method)(path.format(id=placement.id)).status_code == 403


def test_the_teacher_does_not_name_the_company_signatory(client, teacher, placement):
    login(client, teacher)
    response = client.post(
        f"/stages/{placement.id}/convention/signataire",
        data={
            "host_rep_name": "Quelqu'un",
            "host_rep_function": "Gérant",
            "host_rep_email": "x@exemple.fr",
            "host_rep_phone": "01 60 00 00 02",
        },
    )
    assert response.status_code == 403
    assert conventions.parties_of(placement).host_rep_name != "Quelqu'un"


def test_the_signatory_cannot_change_once_issued(client, company_user, placement):
    complete(placement)
    issue(placement)
    login(client, company_user)
    response = client.post(
        f"/stages/{placement.id}/convention/signataire",
        data={
            "host_rep_name": "Autre Personne",
            "host_rep_function": "Gérant",
            "host_rep_email": "autre@exemple.fr",
            "host_rep_phone": "01 60 00 00 03",
        },
    )
    assert response.status_code == 409
    assert "son signataire ne peut plus changer" in page(response)
    assert conventions.parties_of(placement).host_rep_name == "Hugo Bernard"


def test_the_class_dashboard_says_the_convention_is_to_be_issued(client, teacher, klass, placement):
    login(client, teacher)
    html = client.get(f"/classes/{klass.id}/suivi").get_data(as_text=True)
    assert "convention à établir" in html
