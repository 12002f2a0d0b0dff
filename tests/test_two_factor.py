"""Staff two-factor sign-in (issue 14): enrolment with a QR code, the code step after the
password, replayed / wrong codes, single-use recovery codes, optional factor for teachers and
companies, and a staff reset written to the audit log."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from capindustrie.auth import two_factor as tf
from capindustrie.extensions import db
from capindustrie.models import AuditEntry, RecoveryCode, Role, TwoFactor, utcnow
from tests import factories as f

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def password_login(client, user, **kwargs):
    return client.post(
        "/connexion", data={"identifier": user.email, "password": f.PASSWORD}, **kwargs
    )


def enrolled(user, secret=SECRET) -> list[str]:
    """Enrol `user` through the service with a known secret; the recovery codes."""
    factor = tf.start_enrolment(user, secret=secret)
    codes = tf.confirm_enrolment(factor, pyotp.TOTP(secret).at(utcnow() - timedelta(seconds=30)))
    db.session.commit()
    return codes


def code_now(secret=SECRET) -> str:
    return pyotp.TOTP(secret).now()


def test_staff_without_a_factor_must_enrol_before_any_staff_page(client):
    staff = f.user(Role.STAFF)
    response = password_login(client, staff)
    assert response.status_code == 303
    blocked = client.get("/moderation/")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith(
        "/compte/double-authentification"
    )
    assert client.get("/journal/").status_code == 302

    page = client.get("/compte/double-authentification").get_data(as_text=True)
    assert "<svg" in page and "<path" in page
    qr = page[page.index("<svg") : page.index("</svg>")]
    assert "style" not in qr and "script" not in qr
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)

    wrong = client.post("/compte/double-authentification", data={"code": "000000"})
    assert wrong.status_code == 422 and "Code refusé" in wrong.get_data(as_text=True)
    done = client.post("/compte/double-authentification", data={"code": code_now(secret)})
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", html)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and all(h.startswith("$argon2id$") for h in stored)
    assert not any(code in h for code in codes for h in stored)
    assert client.get("/moderation/").status_code == 200


def test_enrolled_staff_pass_the_code_step_and_a_replayed_code_is_refused(app):
    staff = f.user(Role.STAFF)
    enrolled(staff)
    first = app.test_client()
    assert password_login(first, staff).status_code == 303
    step = first.get("/moderation/")
    assert step.status_code == 302 and "/connexion/code" in step.headers["Location"]
    assert "Code de connexion" in first.get("/connexion/code").get_data(as_text=True)

    wrong = first.post("/connexion/code", data={"code": "123456"})
    assert wrong.status_code == 422 and "Code refusé" in wrong.get_data(as_text=True)
    assert first.get("/moderation/").status_code == 302
    code = code_now()
    accepted = first.post("/connexion/code?next=/journal/", data={"code": code})
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/journal/"
    assert first.get("/moderation/").status_code == 200

    second = app.test_client()
    password_login(second, staff)
    replay = second.post("/connexion/code", data={"code": code})
    assert replay.status_code == 422
    assert second.get("/moderation/").status_code == 302
    factor = db.session.scalar(select(TwoFactor))
    db.session.refresh(factor)
    assert factor.last_step is not None


def test_a_recovery_code_works_once(app):
    staff = f.user(Role.STAFF)
    codes = enrolled(staff)
    first = app.test_client()
    password_login(first, staff)
    ok = first.post("/connexion/code", data={"code": codes[3].upper()})
    assert ok.status_code == 303
    assert first.get("/moderation/").status_code == 200

    second = app.test_client()
    password_login(second, staff)
    again = second.post("/connexion/code", data={"code": codes[3]})
    assert again.status_code == 422 and "déjà utilisé" in again.get_data(as_text=True)
    assert second.get("/moderation/").status_code == 302
    assert tf.remaining_recovery_codes(staff) == 9


def test_codes_are_checked_by_time_step(app):
    staff = f.user(Role.STAFF)
    tf.start_enrolment(staff, secret=SECRET)
    factor = tf.pending_factor(staff)
    now = utcnow()
    old = pyotp.TOTP(SECRET).at(now - timedelta(minutes=5))
    assert not tf.check_code(factor, old, now)
    assert not tf.check_code(factor, "12 34", now) and not tf.check_code(factor, "abcdef", now)
    current = pyotp.TOTP(SECRET).at(now)
    assert tf.check_code(factor, current, now)
    assert not tf.check_code(factor, current, now)  # replayed
    assert tf.check_code(factor, pyotp.TOTP(SECRET).at(now + timedelta(seconds=30)), now)


def test_two_factor_is_optional_for_teachers_and_companies(app, client):
    teacher = f.user(Role.TEACHER)
    password_login(client, teacher)
    assert client.get("/classes/").status_code == 200

    page = client.get("/compte/double-authentification").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    assert (
        client.post("/compte/double-authentification", data={"code": code_now(secret)}).status_code
        == 200
    )

    later = app.test_client()
    password_login(later, teacher)
    assert "/connexion/code" in later.get("/classes/").headers["Location"]

    assert client.post("/compte/double-authentification/desactiver").status_code == 303
    assert tf.confirmed_factor(teacher) is None


def test_pupils_have_no_two_factor_page(client):
    pupil = f.user(Role.PUPIL)
    f.login(client, pupil)
    assert client.get("/compte/double-authentification").status_code == 403


def test_another_staff_member_resets_a_factor_and_it_is_audited(app, client):
    agent = f.user(Role.STAFF)
    lost = f.user(Role.STAFF, first_name="Sacha")
    enrolled(lost)
    f.login(client, agent)
    reason = "Téléphone perdu, identité vérifiée par téléphone."

    own = client.post(
        "/staff/double-authentification", data={"email": agent.email, "reason": reason}
    )
    assert own.status_code == 422
    response = client.post(
        "/staff/double-authentification", data={"email": lost.email.upper(), "reason": reason}
    )
    assert response.status_code == 303
    assert tf.confirmed_factor(lost) is None
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.object_id, entry.actor_id, entry.reason) == (
        "two_factor.reset",
        lost.id,
        agent.id,
        reason,
    )


@pytest.mark.parametrize("role", [Role.TEACHER, Role.COMPANY, Role.PUPIL])
def test_only_staff_reset_factors(client, role):
    f.login(client, f.user(role))
    assert client.get("/staff/double-authentification").status_code == 403
