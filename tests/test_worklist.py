"""« À traiter » (issue 17, point 5): what waits for each adult, on their landing page and as a
count in the menu, checked against data built by hand; and the menu costs one query a page.

The clock is frozen on Wednesday 25 November 2026, 10:00 in Paris.
"""

import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest
import time_machine
from flask import current_app
from flask import url_for as flask_url_for

from capindustrie.applications import services as applying
from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import CompanyStatus, EventStatus, OfferStatus, Role
from capindustrie.worklist import services as worklist
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import (
    MESSAGE,
    QueryCounter,
    application_in,
    company_user_of,
    fresh_session,
    published_period,
)

NOW = datetime(2026, 11, 25, 9)  # naive UTC, as stored
CLASS_WEEK = (date(2026, 12, 14), date(2026, 12, 18))  # 19 days ahead: inside the 3-week window
LATER_WEEK = date(2027, 1, 11)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(
        datetime(2026, 11, 25, 9, tzinfo=__import__("datetime").UTC), tick=False
    ):
        yield


def url_for(endpoint: str, **values) -> str:
    with current_app.test_request_context():
        return flask_url_for(endpoint, **values)


def words(html: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return unescape(re.sub(r" ([,.])", r"\1", text))


def page_text(response) -> str:
    return words(response.get_data(as_text=True))


def section(response, heading_id: str) -> str:
    """The text of the <section> labelled by `heading_id`."""
    html = response.get_data(as_text=True)
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.index("</section>", start)
    return words(html[start:end])


def menu_badge(response) -> str | None:
    html = response.get_data(as_text=True)
    nav = html[html.index('aria-label="Menu principal"') : html.index("</nav>")]
    found = re.search(r'<summary[^>]*>Menu <span class="menu-badge">(\d+)', nav)
    return found.group(1) if found else None


# --- Company -------------------------------------------------------------------------------------


def apply_at(pupil, period, when: datetime):
    application = applying.apply(pupil, period, MESSAGE, when)
    return application


@pytest.fixture
def company_data(app, teacher, klass):
    company = f.company(name="Usine Nord")
    user = company_user_of(company)
    first = published_period(company, seats=6)
    second = published_period(company, seats=6, start=date(2027, 1, 18), title="Atelier soudure")
    pupils = [f.pupil(klass, first_name=n) for n in ("Léa", "Inès", "Noah", "Zoé", "Tom")]
    apply_at(pupils[0], first, NOW - timedelta(days=6))  # the oldest: expires 29 November
    apply_at(pupils[1], first, NOW - timedelta(days=2))
    apply_at(pupils[2], second, NOW - timedelta(days=1))
    answered = apply_at(pupils[3], second, NOW - timedelta(days=8))
    applying.accept(answered, user, None, NOW - timedelta(days=7))  # no longer waiting
    refused = apply_at(pupils[4], first, NOW - timedelta(days=9))
    applying.refuse(refused, user, None, NOW - timedelta(days=9))
    # Another company's pending application is not counted.
    other = published_period(f.company(name="Autre usine"))
    apply_at(pupils[4], other, NOW - timedelta(days=9))
    db.session.commit()
    return user


def test_company_dashboard_lists_what_waits_with_the_oldest_expiry(client, company_data):
    login(client, company_data)
    response = client.get(url_for("companies.dashboard"))
    assert response.status_code == 200
    text = section(response, "a-traiter")
    assert "3 candidatures attendent votre réponse" in text
    # The oldest (6 days ago) expires APPLICATION_EXPIRY_DAYS (10) after it was sent.
    assert "la plus ancienne expire le dimanche 29 novembre 2026" in text
    assert "proposition" not in text
    assert menu_badge(response) == "3"


def test_company_with_nothing_waiting_is_told_so_without_badge(client, app):
    user = f.user(Role.COMPANY)
    db.session.commit()
    login(client, user)
    response = client.get(url_for("companies.dashboard"))
    assert "Aucune candidature n'attend votre réponse." in section(response, "a-traiter")
    assert menu_badge(response) is None


def test_company_applications_page_shows_pending_first(client, company_data):
    login(client, company_data)
    response = client.get(url_for("applications.company_list"))
    html = response.get_data(as_text=True)
    assert "3 candidatures attendent votre réponse" in section(response, "a-traiter")
    # « Atelier soudure » sorts first by title, but « Découvrir… » holds the oldest pending
    # application: it comes first; within an offer the pending cards come before the others.
    offers = re.findall(r'<h2 id="offre-\d+">([^<]+)</h2>', html)
    assert offers == ["Découvrir la maintenance industrielle", "Atelier soudure"]
    first = html[html.index('<h2 id="offre-') : html.index("Atelier soudure</h2>")]
    cards = re.findall(r"badge-application-(\w+)", first)
    assert cards == ["submitted", "submitted", "refused"]


def test_applications_page_orders_offers_by_their_oldest_pending_answer(client, app, klass):
    company = f.company()
    user = company_user_of(company)
    alpha = published_period(company, title="Alpha")  # alphabetically first, nothing pending
    beta = published_period(company, title="Beta")
    done = application_in(f.pupil(klass), alpha, S.REFUSED)
    apply_at(f.pupil(klass, first_name="Inès"), beta, NOW - timedelta(days=1))
    db.session.commit()
    assert done.status == S.REFUSED
    login(client, user)
    html = client.get(url_for("applications.company_list")).get_data(as_text=True)
    assert re.findall(r'<h2 id="offre-\d+">([^<]+)</h2>', html) == ["Beta", "Alpha"]


def test_company_sees_that_a_pupil_already_chose_another_internship(client, app, klass):
    company = f.company()
    user = company_user_of(company)
    mine = published_period(company, start=LATER_WEEK)
    pupil = f.pupil(klass, first_name="Inès", last_name="Moreau")
    waiting = apply_at(pupil, mine, NOW)
    elsewhere = published_period(f.company(name="Ailleurs SA"), start=date(2027, 1, 18))
    application_in(pupil, elsewhere, S.CONFIRMED)  # not overlapping: ours stays pending
    db.session.commit()
    assert waiting.status == S.SUBMITTED
    login(client, user)
    text = page_text(client.get(url_for("applications.company_list")))
    assert (
        "Inès M. a déjà choisi un autre stage, du lundi 18 janvier 2027 au vendredi 22 "
        "janvier 2027" in text
    )
    assert "Ailleurs SA" not in text  # only the dates, never the other company


# --- Teacher -------------------------------------------------------------------------------------


@pytest.fixture
def teacher_data(app, teacher):
    near = f.school_class(teacher, name="3e A", start=CLASS_WEEK[0], end=CLASS_WEEK[1])
    far = f.school_class(teacher, name="3e B", start=LATER_WEEK, end=LATER_WEEK + timedelta(days=4))
    in_week = published_period(start=CLASS_WEEK[0])
    other_week = published_period(start=LATER_WEEK)
    application_in(f.pupil(near, first_name="Léa"), in_week, S.CONFIRMED)  # to validate
    application_in(f.pupil(near, first_name="Noah"), in_week, S.VALIDATED)  # placed
    apply_at(f.pupil(near, first_name="Zoé"), other_week, NOW)  # outside the class's week
    f.pupil(near, first_name="Tom")  # nothing yet
    f.pupil(near, first_name="Jade")  # nothing yet
    f.pupil(far, first_name="Hugo")  # nothing yet, but the week is 7 weeks away
    # Another teacher's class is not counted.
    other = f.user(Role.TEACHER, first_name="Autre")
    stranger = f.school_class(other, name="3e Z", start=CLASS_WEEK[0], end=CLASS_WEEK[1])
    application_in(f.pupil(stranger), in_week, S.CONFIRMED, teacher=other)
    db.session.commit()
    return near, far


def test_teacher_work_counts_per_class(app, teacher, teacher_data):
    near, far = teacher_data
    work = {
        w.school_class.name: w
        for w in worklist.teacher_work(teacher, [near, far], date(2026, 11, 25))
    }
    assert (
        work["3e A"].to_validate,
        work["3e A"].without_application,
        work["3e A"].outside_week,
    ) == (1, 2, 1)
    assert (
        work["3e B"].to_validate,
        work["3e B"].without_application,
        work["3e B"].outside_week,
    ) == (0, None, 0)
    # Three weeks before 3e B's week (21 December), its pupils without anything count too.
    later = {
        w.school_class.name: w
        for w in worklist.teacher_work(teacher, [near, far], date(2026, 12, 21))
    }
    assert later["3e B"].without_application == 1


def test_teacher_landing_page_lists_what_waits(teacher_client, teacher_data):
    near, far = teacher_data
    response = teacher_client.get(url_for("classes.index"))
    text = section(response, "a-traiter")
    assert "3e A" in text
    assert "1 stage choisi attend votre validation" in text
    assert (
        "2 élèves n'ont encore aucune candidature, stage à partir du lundi 14 décembre 2026" in text
    )
    assert "1 candidature porte sur des dates hors de la semaine de stage de la classe" in text
    assert "3e B" not in text  # nothing waits there yet
    html = response.get_data(as_text=True)
    follow = url_for("placements.class_dashboard", class_id=near.id)
    assert f'href="{follow}?etat=a-valider"' in html
    assert menu_badge(response) == "1"


def test_class_follow_up_points_out_the_application_outside_the_week(teacher_client, teacher_data):
    near, _ = teacher_data
    text = page_text(teacher_client.get(url_for("placements.class_dashboard", class_id=near.id)))
    assert text.count("Hors des dates de stage de la classe") == 1


def test_teacher_badge_on_every_page(teacher_client, teacher_data):
    response = teacher_client.get(url_for("auth.change_password"))
    assert menu_badge(response) == "1"


# --- Staff ---------------------------------------------------------------------------------------


@pytest.fixture
def staff_data(app):
    staff = f.user(Role.STAFF)
    old = f.complete_offer(status=OfferStatus.SUBMITTED, title="Offre ancienne")
    old.created_at = NOW - timedelta(days=3)
    new = f.complete_offer(status=OfferStatus.SUBMITTED, title="Offre récente")
    new.created_at = NOW - timedelta(hours=1)
    f.complete_offer(status=OfferStatus.PUBLISHED, title="Déjà publiée")
    pending = f.company(name="Nouvelle usine", status=CompanyStatus.PENDING)
    pending.created_at = NOW - timedelta(days=5)
    db.session.commit()
    return staff


def test_staff_queue_shows_items_with_their_age(client, staff_data):
    login(client, staff_data)
    response = client.get(url_for("moderation.queue"))
    text = section(response, "a-traiter")
    assert "2 offres à modérer, la plus ancienne depuis 3 jours" in text
    assert "1 entreprise à valider, la plus ancienne depuis 5 jours" in text
    assert "événement" not in text
    rows = page_text(response)
    assert "depuis 3 jours (le" in rows and "depuis aujourd'hui (le" in rows
    assert menu_badge(response) == "3"


def test_staff_work_counts_events_waiting(app, staff_data):
    from tests.event_helpers import event

    proposed = event(company=f.company(), status=EventStatus.SUBMITTED)
    proposed.created_at = NOW - timedelta(days=1)
    event(status=EventStatus.PUBLISHED)
    db.session.commit()
    work = worklist.staff_work()
    assert (work.offers.count, work.companies.count, work.events.count) == (2, 1, 1)
    assert work.events.oldest == NOW - timedelta(days=1)
    assert work.total == 4


def test_waiting_since_words():
    assert worklist.waiting_since(NOW, NOW) == "depuis aujourd'hui"
    assert worklist.waiting_since(NOW - timedelta(days=1), NOW) == "depuis 1 jour"
    assert worklist.waiting_since(NOW - timedelta(days=3), NOW) == "depuis 3 jours"


# --- The menu costs one query, whatever the data ----------------------------------------------


def _worklist_statements(client, url) -> tuple[int, int]:
    fresh_session()
    with QueryCounter(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    about_applications = [s for s in counter.statements if "FROM application" in s]
    return len(counter), len(about_applications)


def test_company_menu_badge_is_one_query_whatever_the_number_of_offers(client, app, klass):
    company = f.company()
    user = company_user_of(company)
    period = published_period(company)
    apply_at(f.pupil(klass), period, NOW)
    db.session.commit()
    login(client, user)
    url = url_for("auth.change_password")
    small = _worklist_statements(client, url)
    company = db.session.merge(company)
    klass = db.session.merge(klass)
    for n in range(6):
        more = published_period(company, title=f"Offre {n}")
        apply_at(f.pupil(klass, first_name=f"Élève{n}"), more, NOW)
    db.session.commit()
    large = _worklist_statements(client, url)
    assert large == small
    assert small[1] == 1
    assert menu_badge(client.get(url)) == "7"


def test_staff_work_counts_reported_offers_once_each(client, staff_data):
    from capindustrie.models import OfferReport, ReportReason

    reported = f.complete_offer(status=OfferStatus.PUBLISHED, title="Offre signalée")
    for days in (2, 1):
        db.session.add(
            OfferReport(
                offer_id=reported.id,
                reason=ReportReason.MISLEADING,
                created_at=NOW - timedelta(days=days),
            )
        )
    db.session.commit()
    work = worklist.staff_work()
    assert work.reports.count == 1 and work.reports.oldest == NOW - timedelta(days=2)
    login(client, staff_data)
    response = client.get(url_for("moderation.queue"))
    text = section(response, "a-traiter")
    assert "1 offre signalée à examiner, le plus ancien signalement depuis 2 jours" in text
    assert menu_badge(response) == "4"
