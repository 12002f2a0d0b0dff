"""The server-side page cache of the anonymous public pages (capindustrie/caching.py,
cache_store.py): a repeat or another visitor's same search costs no query; every kind of change
to what the pages show gives a fresh page and a new ETag (a 304 only when nothing changed);
nothing personal is ever stored or served to someone else; the rate limit still counts."""

import re
import shutil
import socket
import subprocess
import time
from datetime import date

import pytest
from sqlalchemy import text, update

from capindustrie import cache_store
from capindustrie.applications import services as applying
from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Period, ProgramDay, Role
from capindustrie.offers import lifecycle
from capindustrie.refdata import cache as school_cache
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import MESSAGE, NOW, QueryCounter, company_user_of

SCHOOL = "0770002J"  # Collège Denecourt, Bois-le-Roi
SEARCH = f"/offres?etablissement={SCHOOL}&rayon=20"
HTMX = {"HX-Request": "true"}
TITLE = "Usinage de précision"


@pytest.fixture
def offer(app):
    offer = f.complete_offer(
        status=OfferStatus.PUBLISHED, title=TITLE, commune_insee=f.school(SCHOOL).commune_insee
    )
    db.session.commit()
    return offer


def urls(offer) -> list[tuple[str, dict]]:
    """The public pages that show `offer`: the search fragment and page, the offer page."""
    return [
        (SEARCH, HTMX),
        (SEARCH, {}),
        (f"/offres/{offer.id}?etablissement={SCHOOL}", {}),
    ]


def visit_without_query(client, url, headers=None):
    """The answer, asserting it came from the cache: not one SQL statement was sent."""
    with QueryCounter(db.engine) as queries:
        response = client.get(url, headers=headers or {})
    assert len(queries) == 0, queries.statements
    return response


def test_a_repeat_and_another_visitor_are_served_from_the_cache_without_any_query(app, offer):
    for url, headers in urls(offer):
        first = app.test_client().get(url, headers=headers)
        assert first.status_code == 200
        assert TITLE in first.get_data(as_text=True)

        again = visit_without_query(app.test_client(), url, headers)
        assert again.get_data() == first.get_data()
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Cache-Control"] == "public, max-age=60"
        assert {"Cookie"} <= set(again.vary) and set(again.vary) == set(first.vary)

        not_modified = visit_without_query(
            app.test_client(), url, {**headers, "If-None-Match": first.headers["ETag"]}
        )
        assert not_modified.status_code == 304
        assert not_modified.get_data() == b""


def test_the_order_of_parameters_shares_an_entry_but_repeated_values_keep_theirs(app, offer):
    client = app.test_client()
    client.get(f"/offres?etablissement={SCHOOL}&rayon=20", headers=HTMX)
    visit_without_query(client, f"/offres?rayon=20&etablissement={SCHOOL}", HTMX)

    # The form reads the first value: `rayon=30&rayon=20` is a 30 km search, not the 20 km one.
    wider = client.get(f"/offres?etablissement={SCHOOL}&rayon=30&rayon=20", headers=HTMX)
    assert "à moins de 30 km" in wider.get_data(as_text=True)
    narrower = client.get(f"/offres?etablissement={SCHOOL}&rayon=20&rayon=30", headers=HTMX)
    assert "à moins de 20 km" in narrower.get_data(as_text=True)


def test_page_and_fragment_are_separate_entries(app, offer):
    client = app.test_client()
    page = client.get(SEARCH)
    fragment = client.get(SEARCH, headers=HTMX)

    assert "<html" in page.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<html" in visit_without_query(client, SEARCH).get_data(as_text=True)
    assert "<html" not in visit_without_query(client, SEARCH, HTMX).get_data(as_text=True)


# Every kind of change a public page shows: (what it does, what the pages show after it).


def take_a_seat(offer):
    klass = f.school_class(f.user(Role.TEACHER))
    application = applying.apply(f.pupil(klass), offer.periods[0], MESSAGE, NOW)
    applying.accept(application, company_user_of(offer.company), None, NOW)
    return "3 places"


def withdraw_the_offer(offer):
    lifecycle.transition(offer, OfferStatus.CLOSED, company_user_of(offer.company), "Complet.")
    return None


def edit_the_title(offer):
    offer.title = "Chaudronnerie et soudure"
    return "Chaudronnerie et soudure"


def rename_the_company(offer):
    offer.company.name = "Forges de Bois-le-Roi"
    return "Forges de Bois-le-Roi"


def add_a_period(offer):
    db.session.add(
        Period(
            offer=offer,
            level=offer.periods[0].level,
            start_date=date(2027, 2, 8),
            end_date=date(2027, 2, 12),
            seats=2,
        )
    )
    return "8 février 2027"


def free_seats_with_a_core_update(offer):
    db.session.execute(
        update(Period).where(Period.offer_id == offer.id).values(seats=Period.seats + 5)
    )
    return "9 places"


def retitle_with_raw_sql_from_another_connection(offer):
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE offer SET title = 'Titre changé en SQL' WHERE id = :id"), {"id": offer.id}
        )
    return "Titre changé en SQL"


def retitle_through_a_common_table_expression(offer):
    db.session.execute(
        text(
            "WITH chosen AS (SELECT id FROM offer WHERE id = :id) "
            "UPDATE offer SET title = 'Titre par une CTE' WHERE id IN (SELECT id FROM chosen)"
        ),
        {"id": offer.id},
    )
    return "Titre par une CTE"


CHANGES = [
    take_a_seat,
    withdraw_the_offer,
    edit_the_title,
    rename_the_company,
    add_a_period,
    free_seats_with_a_core_update,
    retitle_with_raw_sql_from_another_connection,
    retitle_through_a_common_table_expression,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_every_change_gives_a_fresh_page_and_a_new_etag(app, offer, change):
    client = app.test_client()
    before = {}
    for url, headers in urls(offer):
        before[url, tuple(headers)] = client.get(url, headers=headers)
        visit_without_query(client, url, headers)  # cached

    shown = change(offer)
    db.session.commit()

    for url, headers in urls(offer):
        old = before[url, tuple(headers)]
        answer = client.get(url, headers={**headers, "If-None-Match": old.headers["ETag"]})
        body = answer.get_data(as_text=True)
        if shown is None and url.startswith("/offres?"):  # withdrawn: gone from the search
            assert answer.status_code == 200 and TITLE not in body
            continue
        if shown is None:  # withdrawn: its page says it is closed
            assert answer.status_code == 200 and "Offre fermée" in body
            continue
        assert answer.status_code == 200, url
        assert answer.headers["ETag"] != old.headers["ETag"]
        if url.startswith("/offres?"):  # the offer page shows seats in a table of its own
            assert shown in body, (url, shown)


def test_a_programme_change_refreshes_the_offer_page(app, offer):
    client = app.test_client()
    url = f"/offres/{offer.id}"
    first = client.get(url)
    visit_without_query(client, url)

    day = db.session.scalars(db.select(ProgramDay).where(ProgramDay.offer_id == offer.id)).first()
    day.activities = "Visite de la fonderie et de son laboratoire"
    db.session.commit()

    answer = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert answer.status_code == 200
    assert "Visite de la fonderie et de son laboratoire" in answer.get_data(as_text=True)


def test_a_rolled_back_change_or_a_write_elsewhere_keeps_the_cache(app, offer):
    client = app.test_client()
    client.get(SEARCH, headers=HTMX)

    offer.title = "Jamais enregistré"
    db.session.flush()
    db.session.rollback()
    f.user(Role.TEACHER, first_name="Nadia")  # a table no public page reads
    db.session.commit()

    body = visit_without_query(client, SEARCH, HTMX).get_data(as_text=True)
    assert TITLE in body and "Jamais enregistré" not in body


def test_the_tables_the_public_pages_read_are_all_watched_by_the_catalogue_version(app, offer):
    """Rendered without the cache and with the schools to load: every table their queries name
    must be one whose writes bump the version (cache_store.CATALOGUE_TABLES)."""
    app.config["PAGE_CACHE_ENABLED"] = False
    school_cache.clear()
    client = app.test_client()
    with QueryCounter(db.engine) as queries:
        for url, headers in [
            *urls(offer),
            (
                f"/offres?etablissement={SCHOOL}&rayon=30&filiere={offer.filiere.value}"
                "&motcle=usinage&du=2027-01-01&au=2027-06-30",
                HTMX,
            ),
            ("/offres?ecole=melun", {}),
            ("/offres/etablissements?ecole=melun", HTMX),
            (f"/offres/{offer.id}?ecole=melun", {}),
        ]:
            assert client.get(url, headers=headers).status_code == 200, url
    tables = {
        name.lower()
        for statement in queries.statements
        for name in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', statement, re.I)
    }
    assert {"offer", "period", "school"} <= tables  # the recording saw the pages' queries
    assert tables <= set(cache_store.CATALOGUE_TABLES)


# Personal pages


def test_a_signed_in_pupils_page_is_never_stored_nor_served_to_an_anonymous_visitor(app, offer):
    pupil = f.pupil(f.school_class(f.user(Role.TEACHER)))
    db.session.commit()
    signed_in = app.test_client()
    login(signed_in, pupil.user)

    own = signed_in.get(SEARCH)
    assert "Mes candidatures" in own.get_data(as_text=True)
    assert own.headers["Cache-Control"] == "no-store" and "ETag" not in own.headers

    with QueryCounter(db.engine) as queries:
        anonymous = app.test_client().get(SEARCH)
    assert len(queries) > 0  # rendered for the visitor: the pupil's page was not stored
    body = anonymous.get_data(as_text=True)
    assert "Mes candidatures" not in body and "X-CSRFToken" not in body


def test_the_anonymous_page_is_never_served_to_a_signed_in_pupil(app, offer):
    anonymous = app.test_client().get(SEARCH)
    assert "Mes candidatures" not in anonymous.get_data(as_text=True)
    pupil = f.pupil(f.school_class(f.user(Role.TEACHER)))
    db.session.commit()
    signed_in = app.test_client()
    login(signed_in, pupil.user)

    for headers in ({}, {"If-None-Match": anonymous.headers["ETag"]}):
        own = signed_in.get(SEARCH, headers=headers)
        assert own.status_code == 200
        body = own.get_data(as_text=True)
        assert "Mes candidatures" in body and "X-CSRFToken" in body
        assert own.headers["Cache-Control"] == "no-store" and "ETag" not in own.headers


def test_a_waiting_flash_message_is_shown_to_its_visitor_only(app, offer):
    app.test_client().get(SEARCH)  # cached
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Vous êtes déconnecté(e).")]

    own = client.get(SEARCH)

    assert "Vous êtes déconnecté(e)." in own.get_data(as_text=True)
    assert own.headers["Cache-Control"] == "private, no-cache"
    other = visit_without_query(app.test_client(), SEARCH)
    assert "Vous êtes déconnecté(e)." not in other.get_data(as_text=True)
    assert "Vous êtes déconnecté(e)." not in visit_without_query(client, SEARCH).get_data(
        as_text=True
    )


def test_answers_from_the_cache_still_count_against_the_public_search_limit(make_app, offer):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_SEARCH_RATE_LIMIT="3/minute")
    client = app.test_client()
    with app.app_context():
        statuses = [client.get(SEARCH, headers=HTMX).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_errors_are_not_cached(app, offer):
    client = app.test_client()
    for url in (f"/offres?etablissement={SCHOOL}&rayon=7", "/offres?etablissement=9999999Z"):
        for _ in range(2):
            answer = client.get(url)
            assert answer.status_code == 400 and "ETag" not in answer.headers
    assert client.get("/offres/999999").status_code == 404
    assert len(cache_store.get_store(app)) == 0


# Several workers, one Redis: the production set-up.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def test_workers_sharing_redis_see_each_others_changes(make_app, offer, redis_url):
    """Two apps, each with its own connection pool (two gunicorn workers): what one commits
    invalidates what the other cached."""
    reader, writer = make_app(PAGE_CACHE_URI=redis_url), make_app(PAGE_CACHE_URI=redis_url)
    assert isinstance(cache_store.get_store(reader), cache_store.RedisStore)
    with reader.app_context():
        first = reader.test_client().get(SEARCH, headers=HTMX)
        visit_without_query(reader.test_client(), SEARCH, HTMX)
        # Another worker answers it from the shared entry too.
    with writer.app_context():
        visit_without_query(writer.test_client(), SEARCH, HTMX)
        db.session.execute(update(Period).values(seats=Period.seats + 5))
        db.session.commit()
    with reader.app_context():
        answer = reader.test_client().get(
            SEARCH, headers={**HTMX, "If-None-Match": first.headers["ETag"]}
        )
        assert answer.status_code == 200
        assert "9 places" in answer.get_data(as_text=True)
        db.session.remove()
    with writer.app_context():
        db.session.remove()


def test_an_unreachable_redis_only_makes_the_pages_slower(make_app, offer):
    app = make_app(PAGE_CACHE_URI=f"redis://127.0.0.1:{free_port()}/0")
    with app.app_context():
        client = app.test_client()
        for _ in range(2):
            answer = client.get(SEARCH, headers=HTMX)
            assert answer.status_code == 200 and TITLE in answer.get_data(as_text=True)
        offer = db.session.merge(offer)
        offer.title = "Toujours enregistré"
        db.session.commit()  # the bump fails quietly; the commit stands
        assert "Toujours enregistré" in client.get(SEARCH, headers=HTMX).get_data(as_text=True)
        db.session.remove()
