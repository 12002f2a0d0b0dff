"""Indicators (issue 13) on the hand-built year of tests/indicator_data.py: every expected number
is worked out by hand from that module's docstring, in the comment beside it."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.geo.distance import TravelMode, distance_km, estimate_travel_minutes
from capindustrie.indicators import coverage, services
from capindustrie.indicators.filters import FilterError, Filters, parse_filters
from capindustrie.indicators.privacy import MASKED, masked_count, masked_sort_key
from capindustrie.indicators.territory import by_epci, by_school
from capindustrie.models import (
    Application,
    Commune,
    Filiere,
    Level,
    OfferStatus,
    Role,
    School,
    User,
)
from tests import factories as f
from tests import indicator_data
from tests.factories import login
from tests.indicator_data import FONTAINEBLEAU_EPCI, MELUN_EPCI, NOW


@pytest.fixture
def data(app):
    return indicator_data.build()


def figures(**filters):
    return services.compute(Filters(2026, **filters), NOW)


def test_every_figure_of_the_year(data):
    values = figures()
    assert values["companies_registered"] == 2  # C1 and C2 approved; C3 pending
    assert values["companies_active"] == 2  # O1 (C1) and O2 (C2); O3 is a draft
    assert values["offers"] == 2  # O1, O2 (O4's period is in 2025-2026)
    assert values["seats"] == 11  # P1 4 + P2 2 + P3 3 + P4 2
    assert values["pupils"] == 5  # a1 a2 a3 b1 b2 (z1 is in a 2025 class)
    assert values["applicants"] == 4  # a1 a2 b1 b2
    assert values["applications"] == 6  # a1→P1 a2→P1 a2→P3 b1→P3 b2→P2 b2→P1
    assert values["confirmed"] == 3  # a1→P1 (validated) a2→P1 (confirmed) b1→P3 (validated)
    assert values["validated"] == 2  # a1→P1, b1→P3
    assert values["fill_rate"] == pytest.approx(2 / 11)
    assert values["placed_share"] == pytest.approx(2 / 5)
    # Company answers: 2, 1, 5, 3 days (the timer's expiry is no answer) → median (2 + 3) / 2.
    assert values["answer_days"] == pytest.approx(2.5)
    assert values["events"] == 1  # E1 (E2 not held yet, E3 cancelled)
    assert values["classes_registered"] == 2  # 3e A and 3e B
    assert values["pupils_registered"] == 8  # E1: 2 + 3, E2: 3
    assert values["attendance_rate"] == pytest.approx(3 / 5)  # (2 + 1) present of 2 + 3
    assert values["satisfaction"] == pytest.approx(4.5)  # (4 + 5) / 2


def test_median_distance_and_travel_time_against_a_direct_computation(data):
    """a1 (Bois-le-Roi) → O1 at Melun's town hall; b1 (Melun) → O2 at Fontainebleau's."""
    melun, fontainebleau = db.session.get(Commune, "77288"), db.session.get(Commune, "77186")
    a, b = data["school_a"], data["school_b"]
    d1 = distance_km(a.latitude, a.longitude, melun.latitude_townhall, melun.longitude_townhall)
    d2 = distance_km(
        b.latitude, b.longitude, fontainebleau.latitude_townhall, fontainebleau.longitude_townhall
    )
    values = figures()
    assert values["distance_km"] == pytest.approx((d1 + d2) / 2, abs=0.001)
    expected_minutes = (
        estimate_travel_minutes(d1).minutes + estimate_travel_minutes(d2).minutes
    ) / 2
    assert values["travel_minutes"] == expected_minutes


def test_filter_by_epci_splits_offer_side_and_pupil_side(data):
    values = figures(epci=MELUN_EPCI)
    assert values["companies_registered"] == 1  # C1 (Melun); C2 is in Fontainebleau
    assert values["offers"] == 1 and values["seats"] == 6  # O1: P1 4 + P2 2
    assert values["pupils"] == 2  # school B's b1 b2
    assert values["applications"] == 3 and values["applicants"] == 2  # b1→P3 b2→P2 b2→P1
    assert values["validated"] == 1  # b1→P3 (an offer in Fontainebleau: pupil side)
    assert values["fill_rate"] == pytest.approx(1 / 6)  # a1→P1 on O1's 6 seats
    assert values["events"] == 1  # E1 is in Melun
    assert values["classes_registered"] == 1 and values["pupils_registered"] == 2
    assert values["attendance_rate"] == pytest.approx(1.0)
    assert values["satisfaction"] == pytest.approx(4.0)


def test_filters_priority_level_and_filiere(data):
    rep = figures(priority="rep")  # school B only (REP+)
    assert (rep["pupils"], rep["applications"], rep["validated"]) == (2, 3, 1)
    outside = figures(priority="hors")  # school A
    assert (outside["pupils"], outside["applications"], outside["validated"]) == (3, 3, 1)
    seconde = figures(level=Level.SECONDE)  # P4 only; no 2nde class
    assert (seconde["offers"], seconde["seats"], seconde["pupils"]) == (1, 2, 0)
    assert seconde["applications"] == 0 and seconde["fill_rate"] == 0
    aero = figures(filiere=Filiere.AERONAUTICS)  # O2: P3 3 + P4 2; a2→P3 b1→P3
    assert (aero["offers"], aero["seats"], aero["applications"], aero["validated"]) == (1, 5, 2, 1)


def test_previous_year_is_compared_when_it_has_data(data):
    board = services.dashboard(Filters(2026), NOW)
    assert board.previous is not None
    # 2025-2026: O4 (1 seat), z1's class, z1→P5 validated, C2 approved in June 2025.
    assert board.previous["offers"] == 1 and board.previous["seats"] == 1
    assert board.previous["pupils"] == 1 and board.previous["validated"] == 1
    assert board.previous["companies_registered"] == 1
    assert services.dashboard(Filters(2025), NOW).previous is None  # nothing in 2024-2025


def test_small_counts_are_masked_below_five():
    assert [masked_count(n) for n in (0, 1, 4, 5, 12)] == [0, MASKED, MASKED, 5, 12]
    assert masked_count(None) is None
    # Masked cells sort together: their order reveals nothing.
    assert masked_sort_key(1) == masked_sort_key(4) < masked_sort_key(5)


def test_table_by_epci_has_the_23_epcis_and_masks_pupils(data):
    table = by_epci(Filters(2026))
    assert len(table.rows) == 23
    rows = {row["siren"]: row for row in table.rows}
    melun, fontainebleau = rows[MELUN_EPCI], rows[FONTAINEBLEAU_EPCI]
    assert (melun["offers"], melun["seats"], melun["companies"]) == (1, 6, 1)
    assert (fontainebleau["offers"], fontainebleau["seats"]) == (1, 5)
    assert (melun["pupils"], melun["applicants"], melun["validated"]) == (2, 2, 1)
    shown = dict(
        zip(
            [k for k, _ in table.columns],
            table.display_rows()[[r["siren"] for r in table.rows].index(MELUN_EPCI)],
            strict=True,
        )
    )
    assert shown["pupils"] == MASKED and shown["validated"] == MASKED
    assert shown["seats"] == 6  # not a count of pupils: never masked


def test_table_by_school_lists_schools_with_a_class_or_seats_nearby(data):
    table = by_school(Filters(2026), NOW)
    uais = {row["uai"] for row in table.rows}
    assert {"0770002J", "0770033T"} <= uais
    # On 1 March 2027 only P4 (2nde, June) is still open: collèges have no seat nearby, so
    # only the two collèges with a class and the lycées within 10 km of O2 are listed.
    assert all(
        row["uai"] in ("0770002J", "0770033T") or row["seats_10km"] > 0 for row in table.rows
    )
    row_a = next(r for r in table.rows if r["uai"] == "0770002J")
    assert (row_a["pupils"], row_a["applicants"], row_a["validated"]) == (3, 2, 1)


def test_coverage_of_a_school_against_a_direct_computation(data):
    """On 1 December 2026 every period is open: P1 2 seats left (4 − a1 − a2), P2 2, P3 2
    (3 − b1), P4 2 (2nde). For Bois-le-Roi's collège (3e), sum the seats left of 3e periods by
    geodesic distance, directly."""
    today = date(2026, 12, 1)
    rows = {row.uai: row for row in coverage.coverage(today)}
    assert len(rows) == 263
    school = data["school_a"]
    p1, p2, p3, _p4, _p5 = data["periods"]
    expected = {10: 0, 20: 0, 45: 0}
    for period in (p1, p2, p3):
        offer = period.offer
        km = distance_km(school.latitude, school.longitude, offer.latitude, offer.longitude)
        for limit, radius in ((10, 10), (20, 20), (45, coverage.travel_limit_km())):
            if km <= radius:
                expected[limit] += period.seats - period.seats_taken
    row = rows["0770002J"]
    assert (row.seats_10km, row.seats_20km, row.seats_45min) == (
        expected[10],
        expected[20],
        expected[45],
    )
    assert row.seats_20km == 6  # Melun and Fontainebleau are both within 20 km
    # The lycées see P4 only (2nde): the naive per-school loop finds the same everywhere.
    assert coverage.coverage_naive(today) == coverage.coverage(today)


def test_travel_limit_matches_the_search_model():
    limit = coverage.travel_limit_km()
    assert estimate_travel_minutes(limit).minutes <= 45
    assert estimate_travel_minutes(limit + 0.01).minutes > 45


@pytest.mark.parametrize(
    "args",
    [
        {"annee": "1999"},
        {"annee": "2030"},
        {"annee": "abc"},
        {"epci": "123"},
        {"rep": "peut-etre"},
        {"niveau": "4e"},
        {"filiere": "chimie"},
        {"campagne": "x"},
        {"campagne": "99999"},
    ],
)
def test_unknown_filters_are_refused(app, args):
    with pytest.raises(FilterError):
        parse_filters(args, NOW)


# HTTP ------------------------------------------------------------------------------------------

STAFF_URLS = [
    "/agents/indicateurs?annee=2026",
    "/agents/indicateurs/liste?indicateur=validated&annee=2026",
    "/agents/indicateurs/territoires?annee=2026",
    "/agents/indicateurs/couverture",
    "/agents/indicateurs/epci.csv?annee=2026",
    "/agents/indicateurs/couverture.csv",
    "/agents/indicateurs/indicateurs.xlsx?annee=2026",
]


@pytest.fixture
def staff_client(client, data):
    login(client, f.user(Role.STAFF))
    return client


@pytest.mark.parametrize("url", STAFF_URLS)
def test_only_staff_reach_the_indicators(app, data, url):
    assert app.test_client().get(url).status_code == 302  # anonymous → login
    for role in (Role.PUPIL, Role.TEACHER, Role.COMPANY):
        client = app.test_client()
        login(client, f.user(role))
        assert client.get(url).status_code == 403, role
    client = app.test_client()
    login(client, f.user(Role.STAFF))
    assert client.get(url).status_code == 200


def test_dashboard_page_shows_figures_links_and_charts(staff_client):
    page = staff_client.get(f"/agents/indicateurs?annee=2026&epci={MELUN_EPCI}").get_data(
        as_text=True
    )
    assert "Indicateurs — année scolaire 2026-2027" in page
    assert (
        f"/agents/indicateurs/liste?indicateur=validated&amp;annee=2026&amp;epci={MELUN_EPCI}"
        in page
    )
    assert "2025-2026" in page  # the comparison column
    assert page.count("<svg") >= 3 and "Stages validés par filière" in page


def test_a_bad_filter_answers_a_french_400(staff_client):
    response = staff_client.get("/agents/indicateurs?annee=1990")
    assert response.status_code == 400
    assert "année scolaire doit être une année de 2020" in response.get_data(as_text=True)
    response = staff_client.get("/agents/indicateurs/territoires?annee=2026&tri_epci=secret")
    assert response.status_code == 400
    assert "ne peut pas être trié" in response.get_data(as_text=True)


def test_list_behind_a_figure(staff_client):
    page = staff_client.get("/agents/indicateurs/liste?indicateur=validated&annee=2026").get_data(
        as_text=True
    )
    assert "2 lignes" in page and "Ana Élève" not in page  # « last first »
    assert "Élève Ana" in page and "Élève Dia" in page and "Élève Bao" not in page
    assert staff_client.get("/agents/indicateurs/liste?indicateur=inconnu").status_code == 400


def test_territories_sorted_and_masked(staff_client):
    page = staff_client.get(
        "/agents/indicateurs/territoires?annee=2026&tri_epci=seats&ordre_epci=desc"
    ).get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert page.index("CA Melun Val de Seine") < page.index("CA du Pays de Fontainebleau")
    assert "&lt; 5" in page


def test_csv_download_is_utf8_bom_semicolons(staff_client):
    response = staff_client.get("/agents/indicateurs/epci.csv?annee=2026")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["EPCI", "SIREN"]
    assert len(rows) == 24
    melun = next(r for r in rows if r[1] == MELUN_EPCI)
    assert melun[4] == "6" and melun[5] == MASKED


def test_xlsx_workbook_reads_back(staff_client):
    response = staff_client.get("/agents/indicateurs/indicateurs.xlsx?annee=2026")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == [
        "Tableau de bord",
        "Par EPCI",
        "Par établissement",
        "Couverture",
        "Avis après le stage",  # issue 13, point 4
    ]
    dashboard = {row[0]: row[1:] for row in book["Tableau de bord"].iter_rows(values_only=True)}
    assert dashboard["Indicateur"] == ("2026-2027", "2025-2026")
    assert dashboard["Stages validés par l'enseignant"] == (2, 1)
    assert dashboard["Places offertes"] == (11, 1)
    assert dashboard["Taux de remplissage (stages validés / places) (%)"][0] == 18.2
    assert book["Par EPCI"].max_row == 24
    assert book["Couverture"].max_row == 264


def test_coverage_page_has_map_legend_and_table(staff_client):
    page = staff_client.get("/agents/indicateurs/couverture").get_data(as_text=True)
    assert page.count('r="1.6"') == 507  # every commune, a faint point
    assert page.count('r="4.2"') == 263  # every school
    assert "Aucune place à 10 km" in page and "Tableau (équivalent de la carte)" in page
    assert "http" not in page.split('<svg xmlns="http://www.w3.org/2000/svg"')[1].split("</svg>")[0]


def test_public_key_figures_show_no_personal_data(client, data):
    page = client.get("/chiffres").get_data(as_text=True)
    assert "Cap Industrie en chiffres" in page
    assert "Élève" not in page and "Ana" not in page


def test_every_page_footer_leads_to_the_public_key_figures(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/chiffres"' in home
    assert client.get("/chiffres").status_code == 200


def test_migration_0016_fills_the_answer_delay_of_existing_applications(tmp_path):
    """Applications answered before answer_days existed get it from their transition log: the
    company's first answer counts, a timer's expiry does not."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from capindustrie import create_app
    from capindustrie.refdata.services import load_reference_data
    from tests.conftest import base_config

    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade()
        load_reference_data()
        indicator_data.build()
        answered, unanswered = db.session.scalars(
            sa.select(Application.id).order_by(Application.id).limit(2)
        )
        company_user = db.session.scalar(sa.select(User.id).where(User.role == Role.COMPANY))
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM application_transition"))
        db.session.remove()
        downgrade(revision="0012")
        with db.engine.begin() as conn:
            rows = [
                (answered, company_user, "accepted", "+3.5 days"),  # the first answer
                (answered, company_user, "refused", "+7 days"),
                (unanswered, None, "expired", "+2 days"),  # a timer: no answer
            ]
            for application_id, actor, status, delay in rows:
                conn.execute(
                    sa.text(
                        "INSERT INTO application_transition (application_id, actor_id, "
                        "to_status, created_at) SELECT id, :actor, :to, "
                        "strftime('%Y-%m-%d %H:%M:%f', created_at, :delay) "
                        "FROM application WHERE id = :a"
                    ),
                    {"a": application_id, "actor": actor, "to": status, "delay": delay},
                )
        db.session.remove()

        upgrade()

        days = dict(db.session.execute(sa.text("SELECT id, answer_days FROM application")).all())
        assert days[answered] == pytest.approx(3.5)
        assert days[unanswered] is None
        db.session.remove()
        db.engine.dispose()


def test_coverage_in_45_minutes_counts_the_train_as_the_search_does(app):
    """The collège of Souppes is 400 m from its station on line R; an offer 100 m from the
    Nemours station, 10.7 km away (beyond the bus's 7 km), is reached in 45 minutes by train,
    and the search shows it so; an offer 1.9 km from that station is not (nor by bus). Each
    count equals the search's own estimate for the pair."""
    from capindustrie.geo.transit import stations

    nemours = next(s for s in stations() if s.name == "Nemours-Saint-Pierre")
    school = db.session.scalar(select(School).where(School.uai == "0770048J"))
    origin = (school.latitude, school.longitude)

    def offer_near_nemours(north_km: float, seats: int, reserved=False):
        offer = f.complete_offer(
            f.company(),
            status=OfferStatus.PUBLISHED,
            commune_insee="77333",
            periods=((date(2027, 1, 11), date(2027, 1, 15), seats),),
        )
        offer.latitude = nemours.latitude + north_km / 111.195
        offer.longitude = nemours.longitude
        offer.reserved_priority_education = reserved
        return offer

    near = offer_near_nemours(0.1, 3)
    offer_near_nemours(0.1, 5, reserved=True)  # for REP/REP+ only: Souppes is not
    far = offer_near_nemours(-1.9, 7)
    db.session.commit()

    def estimate(offer):
        km = distance_km(*origin, offer.latitude, offer.longitude)
        return km, estimate_travel_minutes(km, origin, (offer.latitude, offer.longitude))

    km, by_train = estimate(near)
    assert km > coverage.travel_limit_km() and km < 20
    assert (by_train.mode, by_train.minutes <= 45) == (TravelMode.TRAIN, True)
    assert estimate(far)[1].minutes > 45

    today = date(2026, 12, 1)
    row = next(r for r in coverage.coverage(today) if r.uai == "0770048J")
    # The far one lies 1.9 km south of the station, towards Souppes: within 10 km.
    assert (row.seats_10km, row.seats_20km, row.seats_45min) == (7, 3 + 7, 3)
    assert coverage.coverage_naive(today) == coverage.coverage(today)


def test_coverage_is_kept_until_a_seat_or_an_offer_changes(data):
    """The coverage reads only the catalogue: asked again, it runs no query; once a seat is
    taken (or an offer changes) it is computed again and shows the change."""
    import sqlalchemy as sa

    today = date(2026, 12, 1)
    first = {row.uai: row for row in coverage.coverage(today)}
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert {row.uai: row for row in coverage.coverage(today)} == first
        assert statements == []

        p1 = data["periods"][0]
        p1.seats_taken += 1  # as an accepted application does
        db.session.commit()
        again = {row.uai: row for row in coverage.coverage(today)}
        assert statements, "computed again after the change"
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    school = "0770002J"
    assert again[school].seats_20km == first[school].seats_20km - 1
