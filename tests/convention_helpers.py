"""Complete what a convention needs (school profile, family, host signatory) as the teacher and
the company would, then issue it through the real service."""

import io
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.conventions import services as conventions
from capindustrie.extensions import db
from capindustrie.models import Placement, PupilFamily, Role, SchoolProfile, SchoolStatus
from tests import factories as f
from tests.placement_helpers import NOW, application_in, published_period


def host_company_user():
    """Hugo Bernard of « Mécanique de la Brie », the host company's account."""
    return f.user(
        Role.COMPANY,
        email="atelier@exemple.fr",
        company_obj=f.company("Mécanique de la Brie"),
        first_name="Hugo",
        last_name="Bernard",
    )


def validated_placement(klass, company_user) -> Placement:
    """A new pupil of `klass` validated on a period of the user's company: its placement."""
    application = application_in(
        f.pupil(klass), published_period(company_user.company), S.VALIDATED
    )
    db.session.commit()
    return db.session.scalar(select(Placement).where(Placement.application_id == application.id))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def fill_school_profile(school, public: bool = True) -> SchoolProfile:
    profile = conventions.school_profile(school.id) or SchoolProfile(school_id=school.id)
    profile.status = SchoolStatus.PUBLIC if public else SchoolStatus.PRIVATE_CONTRACT
    profile.phone = "+33164000001"
    profile.email = "ce.0770002j@ac-creteil.fr"
    profile.head_name = "Claire Morel"
    profile.board_authorisation_date = date(2026, 9, 22) if public else None
    db.session.add(profile)
    return profile


def fill_family(pupil, two_representatives: bool = True, pai: bool = False) -> PupilFamily:
    family = conventions.family_of(pupil.id) or PupilFamily(pupil_id=pupil.id)
    family.rep1_name, family.rep1_email, family.rep1_phone = (
        "Nadia Durand",
        "nadia.durand@exemple.fr",
        "+33612345678",
    )
    if two_representatives:
        family.rep2_name, family.rep2_email, family.rep2_phone = (
            "Marc Durand",
            "marc.durand@exemple.fr",
            "+33698765432",
        )
    family.pai = pai
    family.pai_kit = "sa mère, chaque matin" if pai else None
    family.insurance_certificate = True
    db.session.add(family)
    if pupil.birth_date is None:
        pupil.birth_date = date(2012, 5, 3)
    return family


def fill_parties(placement):
    parties = conventions.parties_of(placement)
    parties.host_rep_name = parties.host_rep_name or "Hugo Bernard"
    parties.host_rep_function = "Directeur du site"
    parties.host_rep_email = parties.host_rep_email or "direction@exemple.fr"
    parties.host_rep_phone = "+33160000002"
    parties.referent_phone = "+33611223344"
    return parties


def complete(placement, **family_options) -> None:
    fill_school_profile(placement.pupil.school_class.school)
    fill_family(placement.pupil, **family_options)
    fill_parties(placement)
    db.session.commit()


def issue(placement, teacher=None, now=NOW):
    teacher = teacher or placement.pupil.school_class.teachers[0]
    version = conventions.issue(placement, teacher, now)
    db.session.commit()
    return version
