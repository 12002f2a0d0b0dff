"""Signing a convention: links and one-time codes from the outbox, the pupil from their account,
paper signatures with their scan, the « convention signée » moment, and every refusal (expired,
reused, tampered, outdated, wrong party) leaving nothing signed."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from capindustrie.conventions import services as conventions
from capindustrie.conventions import signatures
from capindustrie.extensions import db
from capindustrie.models import (
    AgreementSignature,
    OutboxMessage,
    Role,
    SignatureInvitation,
    SignatureMethod,
    SignatureParty,
)
from tests import factories as f
from tests.convention_helpers import (
    complete,
    host_company_user,
    issue,
    pdf_text,
    validated_placement,
)
from tests.factories import login
from tests.placement_helpers import NOW

LINK = re.compile(r"/signature/([A-Za-z0-9_-]+)")
CODE = re.compile(r"Votre code pour signer la convention de stage est : (\d{6})")


@pytest.fixture
def company_user():
    return host_company_user()


@pytest.fixture
def placement(klass, company_user):
    placement = validated_placement(klass, company_user)
    complete(placement)
    issue(placement)
    return placement


def mails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


def link_of(address: str) -> str:
    [invitation] = [m for m in mails_to(address) if m.subject.startswith("Signature de")]
    return LINK.search(invitation.body).group(1)


def signature_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AgreementSignature))


def ask_code(client, token: str, address: str) -> str:
    response = client.post(f"/signature/{token}/code")
    assert response.status_code == 200, response.get_data(as_text=True)
    return CODE.search(mails_to(address)[-1].body).group(1)


def test_issuing_sends_a_personal_link_to_each_party_with_an_e_mail(placement, teacher):
    invited = {i.party: i.email for i in db.session.scalars(select(SignatureInvitation))}

    assert invited == {
        SignatureParty.HEAD: "ce.0770002j@ac-creteil.fr",
        SignatureParty.HOST: "atelier@exemple.fr",
        SignatureParty.TUTOR: "tuteur@exemple.fr",
        SignatureParty.REFERENT: teacher.email,
        SignatureParty.REP1: "nadia.durand@exemple.fr",
        SignatureParty.REP2: "marc.durand@exemple.fr",
    }
    # Tokens are stored hashed: the link in the e-mail is not in the database.
    token = link_of("nadia.durand@exemple.fr")
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SignatureInvitation)
            .where(SignatureInvitation.token_hash == token)
        )
        == 0
    )


def test_a_legal_representative_signs_through_the_link_with_a_code(client, placement):
    token = link_of("nadia.durand@exemple.fr")

    page = client.get(f"/signature/{token}").get_data(as_text=True)
    assert "Nadia Durand" in page and "représentant légal 1" in page
    code = ask_code(client, token, "nadia.durand@exemple.fr")
    response = client.post(
        f"/signature/{token}", data={"code": code}, environ_base={"REMOTE_ADDR": "203.0.113.7"}
    )

    assert response.status_code == 303
    signature = db.session.scalar(select(AgreementSignature))
    version = conventions.latest_version(placement)
    assert (signature.party, signature.method, signature.signer_name) == (
        SignatureParty.REP1,
        SignatureMethod.CODE,
        "Nadia Durand",
    )
    assert signature.ip_address == "203.0.113.7"
    assert signature.content_hash == version.content_hash
    assert "Vous avez signé le" in client.get(f"/signature/{token}").get_data(as_text=True)
    # The code is single-use.
    again = client.post(f"/signature/{token}", data={"code": code})
    assert again.status_code == 409 and signature_count() == 1


def test_a_wrong_code_counts_and_five_cancel_it(client, placement):
    token = link_of("nadia.durand@exemple.fr")
    code = ask_code(client, token, "nadia.durand@exemple.fr")
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    first = client.post(f"/signature/{token}", data={"code": wrong})
    assert first.status_code == 422 and "il reste 4 essais" in first.get_data(as_text=True)
    for _ in range(4):
        last = client.post(f"/signature/{token}", data={"code": wrong})
    assert "Ce code est maintenant annulé" in last.get_data(as_text=True)
    # Even the right code no longer works: a new one is needed.
    assert client.post(f"/signature/{token}", data={"code": code}).status_code == 409
    assert signature_count() == 0


def test_a_code_expires_after_ten_minutes(placement):
    token = link_of("nadia.durand@exemple.fr")
    invitation = signatures.invitation_for(token)
    signatures.send_code(invitation, NOW)
    code = CODE.search(mails_to("nadia.durand@exemple.fr")[-1].body).group(1)

    with pytest.raises(signatures.SignatureRefused, match="Ce code a expiré"):
        signatures.sign_with_code(invitation, code, None, NOW + timedelta(minutes=10, seconds=1))
    assert signature_count() == 0


def test_an_expired_link_is_refused(client, placement):
    token = link_of("nadia.durand@exemple.fr")
    invitation = signatures.invitation_for(token)
    invitation.expires_at = NOW - timedelta(days=1)
    db.session.commit()

    response = client.get(f"/signature/{token}")

    assert response.status_code == 410
    assert "Ce lien de signature a expiré" in response.get_data(as_text=True)
    assert client.post(f"/signature/{token}/code").status_code == 410


def test_a_tampered_or_unknown_link_is_not_found(client, placement):
    token = link_of("nadia.durand@exemple.fr")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.get(f"/signature/{tampered}")

    assert response.status_code == 404
    assert "Ce lien de signature n&#39;existe pas" in response.get_data(as_text=True)
    assert client.post(f"/signature/{tampered}", data={"code": "123456"}).status_code == 404


def test_a_link_to_an_outdated_version_signs_nothing(client, teacher, placement):
    token = link_of("nadia.durand@exemple.fr")
    code = ask_code(client, token, "nadia.durand@exemple.fr")
    placement.period.offer.tutor_name = "Inès Caron"
    conventions.amend(placement, "Changement de tutrice.", teacher, NOW)
    db.session.commit()

    response = client.post(f"/signature/{token}", data={"code": code})

    assert response.status_code == 409
    assert "remplacée depuis par la version 2" in response.get_data(as_text=True)
    assert signature_count() == 0
    # The amendment asked everyone again.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SignatureInvitation)
            .where(SignatureInvitation.party == SignatureParty.REP1)
        )
        == 2
    )


def test_the_pupil_signs_from_their_account_only_their_own(client, klass, placement, company_user):
    login(client, f.pupil(klass, "Tom", "Voisin").user)
    assert (
        client.post(f"/stages/{placement.id}/convention/signer", data={"read": "y"}).status_code
        == 404
    )
    login(client, company_user)
    assert (
        client.post(f"/stages/{placement.id}/convention/signer", data={"read": "y"}).status_code
        == 403
    )
    login(client, placement.pupil.user)
    unticked = client.post(f"/stages/{placement.id}/convention/signer", data={})
    assert unticked.status_code == 422 and signature_count() == 0

    assert (
        client.post(f"/stages/{placement.id}/convention/signer", data={"read": "y"}).status_code
        == 303
    )
    twice = client.post(f"/stages/{placement.id}/convention/signer", data={"read": "y"})
    assert twice.status_code == 409 and signature_count() == 1


PDF_SCAN = b"%PDF-1.4\n% scan\n"


def test_the_teacher_records_a_paper_signature_with_its_scan(client, teacher, placement):
    login(client, teacher)

    response = client.post(
        f"/stages/{placement.id}/convention/signature-papier",
        data={
            "party": "chef_etablissement",
            "signer_name": "Claire Morel",
            "scan": (io.BytesIO(PDF_SCAN), "signature.pdf"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    signature = db.session.scalar(select(AgreementSignature))
    assert (signature.party, signature.method, signature.recorded_by_id) == (
        SignatureParty.HEAD,
        SignatureMethod.PAPER,
        teacher.id,
    )
    scan = client.get(f"/stages/{placement.id}/convention/signatures/{signature.id}/scan")
    assert scan.status_code == 200 and scan.data == PDF_SCAN
    assert scan.mimetype == "application/pdf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "party": "chef_etablissement",
                "signer_name": "Claire Morel",
                "scan": (b"MZ\x90\x00 not a scan", "virus.pdf"),
            },
            "PDF, PNG ou JPEG",
        ),
        (
            {"party": "quelqu_un", "signer_name": "Claire Morel", "scan": (PDF_SCAN, "scan.pdf")},
            "Choisissez un signataire dans la liste",
        ),
        ({"party": "chef_etablissement", "signer_name": "Claire Morel"}, "Joignez le scan"),
    ],
)
def test_bad_paper_signatures_record_nothing(client, teacher, placement, data, message):
    if "scan" in data:
        content, name = data["scan"]
        data = {**data, "scan": (io.BytesIO(content), name)}
    login(client, teacher)

    response = client.post(
        f"/stages/{placement.id}/convention/signature-papier",
        data=data,
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert signature_count() == 0


def test_only_the_class_teachers_record_paper_signatures(client, company_user, placement):
    for user, status in ((company_user, 403), (f.user(Role.TEACHER), 404)):
        login(client, user)
        response = client.post(
            f"/stages/{placement.id}/convention/signature-papier",
            data={
                "party": "chef_etablissement",
                "signer_name": "X",
                "scan": (io.BytesIO(PDF_SCAN), "s.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == status
    assert signature_count() == 0


def test_all_signed_tells_the_company_once_and_the_pdf_lists_every_signature(
    client, teacher, placement, company_user
):
    version = conventions.latest_version(placement)
    login(client, teacher)
    overview = client.get(f"/stages/{placement.id}/convention").get_data(as_text=True)
    assert "en attente" in overview and "Convention signée" not in overview
    for address in (
        "ce.0770002j@ac-creteil.fr",
        "atelier@exemple.fr",
        "tuteur@exemple.fr",
        teacher.email,
        "nadia.durand@exemple.fr",
    ):
        token = link_of(address)
        code = ask_code(client, token, address)
        assert client.post(f"/signature/{token}", data={"code": code}).status_code == 303
    signatures.sign_as_pupil(version, placement.pupil.user, None, NOW)
    db.session.commit()
    assert not signatures.is_fully_signed(version)
    assert not [
        m for m in mails_to("atelier@exemple.fr") if m.subject.startswith("Convention signée")
    ]

    token = link_of("marc.durand@exemple.fr")
    code = ask_code(client, token, "marc.durand@exemple.fr")
    assert client.post(f"/signature/{token}", data={"code": code}).status_code == 303

    assert signatures.is_fully_signed(version)
    told = [m for m in mails_to("atelier@exemple.fr") if m.subject.startswith("Convention signée")]
    assert len(told) == 1
    login(client, teacher)
    overview = client.get(f"/stages/{placement.id}/convention").get_data(as_text=True)
    assert "Convention signée</strong> par toutes les parties" in overview
    first = client.get(f"/stages/{placement.id}/convention.pdf").data
    assert client.get(f"/stages/{placement.id}/convention.pdf").data == first
    text = pdf_text(first)
    assert "Page des signatures" in text
    for label in (
        "Chef d'établissement Claire Morel",
        "Représentant de l'entreprise",
        "Tuteur ou tutrice Sam Leroy",
        "Professeur référent",
        "Élève Léa Durand",
        "Représentant légal 1 Nadia Durand",
        "Représentant légal 2 Marc Durand",
    ):
        assert label in text, label
    assert text.count(f"empreinte signée : {version.content_hash}") == 7


def test_a_signature_link_gives_the_pdf_of_its_version(client, placement):
    token = link_of("nadia.durand@exemple.fr")
    response = client.get(f"/signature/{token}/convention.pdf")
    assert response.status_code == 200 and "Nadia Durand" in pdf_text(response.data)


def test_the_pupil_page_offers_signing(client, placement):
    login(client, placement.pupil.user)
    html = client.get(f"/stages/{placement.id}/convention").get_data(as_text=True)
    assert "Signer la convention</button>" in html


def test_unsigned_parties_are_reminded_once_with_a_fresh_link(client, placement):
    signed_token = link_of("nadia.durand@exemple.fr")
    code = ask_code(client, signed_token, "nadia.durand@exemple.fr")
    assert client.post(f"/signature/{signed_token}", data={"code": code}).status_code == 303
    old_token = link_of("marc.durand@exemple.fr")

    assert signatures.remind_unsigned(NOW + timedelta(days=2)) == 0
    later = NOW + timedelta(days=3, minutes=1)
    assert signatures.remind_unsigned(later) == 5  # head, host, tutor, referent, Marc
    assert signatures.remind_unsigned(later) == 0

    [reminder] = [m for m in mails_to("marc.durand@exemple.fr") if m.subject.startswith("Rappel")]
    new_token = LINK.search(reminder.body).group(1)
    assert client.get(f"/signature/{old_token}").status_code == 404
    assert client.get(f"/signature/{new_token}").status_code == 200
    assert not [m for m in mails_to("nadia.durand@exemple.fr") if m.subject.startswith("Rappel")]


def test_the_class_dashboard_shows_where_each_convention_stands(client, teacher, klass, placement):
    login(client, teacher)
    dashboard = f"/classes/{klass.id}/suivi"
    assert "convention en signature" in client.get(dashboard).get_data(as_text=True)

    version = conventions.latest_version(placement)
    for awaited in signatures.parties_of(version):
        signatures.record_paper(
            version, awaited.party, awaited.name, "scan.pdf", PDF_SCAN, teacher, None, NOW
        )
    db.session.commit()

    html = client.get(dashboard).get_data(as_text=True)
    assert "convention signée" in html and "convention en signature" not in html
    assert conventions.latest_version(placement).fully_signed_at == NOW
