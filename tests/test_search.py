"""Offer search by commute distance (issue 4, items 1 and 2): the service against the naive
computation on real schools, each filter, and both routes (pupil and public)."""

import random
import re
from datetime import date, timedelta

import pytest
from geopy.distance import geodesic
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.filters import french_duration
from capindustrie.geo.distance import earth_centred_km
from capindustrie.models import (
    Commune,
    Filiere,
    Level,
    Offer,
    OfferStatus,
    Period,
    Role,
    School,
    SchoolType,
)
from capindustrie.search.services import (
    SHOWN_HALF_STEP_KM,
    search_offers,
    search_offers_naive,
    squared_chord,
)
from capindustrie.text import document_matches, keyword_terms, search_document
from tests import factories
from tests.factories import login

MEAUX, MELUN = "77284", "77288"
JANUARY = ((date(2027, 1, 11), date(2027, 1, 15), 4),)
MARCH = ((date(2027, 3, 8), date(2027, 3, 12), 2),)
JUNE = ((date(2027, 6, 14), date(2027, 6, 25), 3),)
HX = {"HX-Request": "true"}




def meaux_college() -> School:
    """A real public collège of Meaux, not in priority education."""
    return db.session.scalar(
        select(School)
        .where(School.commune_insee == MEAUX, School.kind == SchoolType.COLLEGE,
               School.public.is_(True), School.priority_education.is_(None))
        .order_by(School.uai)
    )


def rep_college() -> School:
    return db.session.scalar(
        select(School)
        .where(School.commune_insee == MEAUX, School.kind == SchoolType.COLLEGE,
               School.priority_education.is_not(None))
        .order_by(School.uai)
    )


def published(commune=MEAUX, title="Découvrir la maintenance industrielle", levels=("3e",),
              periods=JANUARY, company=None, **changes) -> Offer:
    offer = factories.complete_offer(company, status=OfferStatus.PUBLISHED, commune_insee=commune,
                                     title=title, levels=levels, periods=periods)
    for name, value in changes.items():
        setattr(offer, name, value)
    db.session.flush()
    return offer


def search_from(school: School, level=Level.TROISIEME, radius=20, **filters):
    return search_offers(school.latitude, school.longitude, level, radius,
                         priority_school=school.is_priority, **filters)


def around(school: School, km: float, bearing: float):
    """The point `km` from the school in the direction `bearing` (degrees), on the ellipsoid."""
    return geodesic(kilometers=km).destination((school.latitude, school.longitude), bearing)


def ids(result) -> list[int]:
    return [hit.offer.id for hit in result.items]


# The service -------------------------------------------------------------------------------


def test_an_offer_in_meaux_ranks_before_one_in_melun_from_a_meaux_college(app):
    school = meaux_college()
    melun = published(MELUN, title="A — atelier à Melun")
    meaux = published(MEAUX, title="Z — atelier à Meaux")

    result = search_from(school, radius=50)

    assert ids(result) == [meaux.id, melun.id]
    near, far = result.items
    assert near.distance_km == pytest.approx(
        geodesic((school.latitude, school.longitude), (meaux.latitude, meaux.longitude)).km)
    assert near.distance_km < 2 < 45 < far.distance_km < 50
    assert near.travel.mode.label == "à pied" and far.travel.mode.label == "en bus"
    assert far.travel.minutes > near.travel.minutes


def test_the_radius_keeps_only_offers_inside_it(app):
    school = meaux_college()
    meaux = published(MEAUX)
    published(MELUN)

    assert ids(search_from(school, radius=20)) == [meaux.id]
    assert search_from(school, radius=20).total == 1
    assert search_from(school, radius=50).total == 2


def test_offers_just_inside_and_just_outside_the_radius(app):
    """Points 1 cm on either side of the edge, in every direction: the exact geodesic decides.
    The edge is where the distance shown (one decimal) passes the radius: 20.05 km."""
    school = meaux_college()
    inside, outside = set(), set()
    for bearing in range(0, 360, 30):
        for km, bucket in ((20.04999, inside), (20.05001, outside)):
            point = around(school, km, bearing)
            offer = published(MEAUX, title=f"Offre {bearing} {km}")
            offer.latitude, offer.longitude = point.latitude, point.longitude
            bucket.add(offer.id)
    db.session.flush()

    result = search_from(school, radius=20, per_page=50)

    assert result.total == len(inside) == 12
    assert set(ids(result)) == inside


def test_an_offer_shown_at_the_radius_is_within_it(app, client):
    """Issue 17: « 30,0 km » is within 30 km — at exactly 30 km and at 30.04 km (shown 30,0),
    in the search of 30 km and not only in the 50 km one; 30.06 km (shown 30,1) is not."""
    school = meaux_college()
    placed = {}
    for km in (30.0, 30.04, 30.06):
        point = around(school, km, 200)
        offer = published(MEAUX, title=f"Offre à {km} km")
        offer.latitude, offer.longitude = point.latitude, point.longitude
        placed[km] = offer.id
    db.session.commit()

    assert ids(search_from(school, radius=30)) == [placed[30.0], placed[30.04]]
    assert ids(search_offers_naive(school.latitude, school.longitude, Level.TROISIEME, 30)) == [
        placed[30.0], placed[30.04]]
    html = page_text(client.get(f"/offres?etablissement={school.uai}&rayon=30"))
    assert html.count("30,0\u00a0km") == 2 and "30,1\u00a0km" not in html
    assert "2 offres</strong> à moins de 30 km" in html


def test_near_ties_are_ordered_by_the_exact_geodesic_on_every_page(app):
    """Offers 1 cm apart in distance, all around the school: the SQL approximation orders them
    differently (its error depends on the bearing); pages must still follow the geodesic."""
    school = meaux_college()
    rnd = random.Random(3)
    steps = list(range(24))
    rnd.shuffle(steps)
    for bearing, step in zip(range(0, 360, 15), steps, strict=True):
        point = around(school, 40 + step * 1e-5, bearing)
        offer = published(MEAUX, title=f"Offre {bearing:03d}")
        offer.latitude, offer.longitude = point.latitude, point.longitude
    db.session.flush()
    expected = [h.offer.id for h in search_offers_naive(school.latitude, school.longitude,
                                                        Level.TROISIEME, 50, per_page=100).items]
    assert len(expected) == 24

    for per_page in (1, 3):
        found = [i for page in range(1, 24 // per_page + 1)
                 for i in ids(search_from(school, radius=50, page=page, per_page=per_page))]
        assert found == expected


def test_crowded_points_and_offers_on_the_edge_are_exact_on_every_page(app):
    """More offers on one point than the first query fetches, and offers in the thin band at the
    radius beyond them: both take the second queries, the pages still equal the naive ones."""
    school = meaux_college()
    rnd = random.Random(11)
    for n in rnd.sample(range(45), 45):
        published(MEAUX, title=f"Même point {n % 7}")
    for bearing in range(0, 360, 40):
        # The edge is where the distance shown passes the radius: 20.05 km (« 20,0 km » is in).
        for km in (20.049999, 20.050001):
            point = around(school, km, bearing)
            offer = published(MEAUX, title=f"Bord {bearing}")
            offer.latitude, offer.longitude = point.latitude, point.longitude
    db.session.flush()
    naive = search_offers_naive(school.latitude, school.longitude, Level.TROISIEME, 20,
                                per_page=1000)
    assert naive.total == 45 + 9

    for page in range(1, 7):
        fast = search_from(school, radius=20, page=page)
        assert fast.total == naive.total
        assert ids(fast) == [h.offer.id for h in naive.items[(page - 1) * 10:page * 10]]


def test_the_disc_of_the_nearest_grows_when_the_kth_offer_sits_on_its_edge(app):
    """111 offers inside 50 km: the nearest are first looked for within 50 x sqrt(40/111) = 30 km,
    where the 10th offer lies 1 m from the edge; the disc must grow to be sure of the order."""
    school = meaux_college()
    origin = (school.latitude, school.longitude)
    for n in range(11):
        point = around(school, 50 * (40 / 111) ** 0.5 - 0.001, n * 32)
        offer = published(MEAUX, title=f"Bord du disque {n:02d}")
        offer.latitude, offer.longitude = point.latitude, point.longitude
    for n in range(100):
        point = around(school, 45, n * 3.6)
        offer = published(MEAUX, title=f"Loin {n:03d}")
        offer.latitude, offer.longitude = point.latitude, point.longitude
    db.session.flush()
    naive = search_offers_naive(*origin, Level.TROISIEME, 50, per_page=1000)

    for page in (1, 2, 12):
        fast = search_from(school, radius=50, page=page)
        assert fast.total == naive.total == 111
        assert ids(fast) == [h.offer.id for h in naive.items[(page - 1) * 10:page * 10]]


def test_equal_distances_are_ordered_by_title_then_id(app):
    school = meaux_college()
    b = published(MEAUX, title="Bobinage")
    a2 = published(MEAUX, title="Assemblage")
    a1 = published(MEAUX, title="Assemblage")

    assert ids(search_from(school)) == sorted([a1.id, a2.id]) + [b.id]


def test_filiere_filter(app):
    school = meaux_college()
    aero = published(MEAUX, company=factories.company(filiere=Filiere.AERONAUTICS))
    published(MEAUX, company=factories.company(filiere=Filiere.LOGISTICS))

    result = search_from(school, filiere=Filiere.AERONAUTICS)

    assert ids(result) == [aero.id]
    assert result.items[0].offer.filiere_label == "Aéronautique"


def test_level_filter_needs_the_level_and_an_open_period_of_that_level(app):
    school = meaux_college()
    troisieme = published(MEAUX, levels=("3e",), periods=JANUARY)
    seconde = published(MEAUX, levels=("2nde",), periods=JUNE)
    both = published(MEAUX, levels=("3e", "2nde"), periods=JANUARY + JUNE)
    # Says 3e but only has a 2nde period: nothing a 3e pupil can apply to.
    june_only = published(MEAUX, levels=("3e", "2nde"), periods=JUNE)
    # Has a 3e period but no longer says 3e.
    published(MEAUX, levels=("2nde",), periods=JANUARY)

    assert set(ids(search_from(school, Level.TROISIEME))) == {troisieme.id, both.id}
    assert set(ids(search_from(school, Level.SECONDE))) == {seconde.id, both.id, june_only.id}
    both_hit = next(h for h in search_from(school, Level.SECONDE).items if h.offer.id == both.id)
    assert [p.level for p in both_hit.periods] == [Level.SECONDE]


def test_period_filter_keeps_offers_with_a_period_overlapping_the_dates(app):
    school = meaux_college()
    january = published(MEAUX, periods=JANUARY)
    march = published(MEAUX, periods=MARCH)
    two = published(MEAUX, periods=JANUARY + MARCH)

    result = search_from(school, period_start=date(2027, 1, 13), period_end=date(2027, 1, 20))

    assert set(ids(result)) == {january.id, two.id}
    hit = next(h for h in result.items if h.offer.id == two.id)
    assert [p.start_date for p in hit.periods] == [date(2027, 1, 11)]
    assert set(ids(search_from(school))) == {january.id, march.id, two.id}
    # Touching on the last day counts; the day after does not.
    last_day = search_from(school, period_start=date(2027, 3, 12), period_end=date(2027, 3, 20))
    assert ids(last_day) == sorted([march.id, two.id])
    day_after = search_from(school, period_start=date(2027, 3, 13), period_end=date(2027, 3, 20))
    assert day_after.total == 0


def test_keyword_is_accent_and_case_insensitive_over_title_summary_company_and_commune(app):
    school = meaux_college()
    by_title = published(MEAUX, title="Mécanique de précision")
    by_summary = published(MEAUX, title="Atelier", summary="Usinage et MÉCANIQUE générale.")
    briardes = factories.company(name="Mécaniques Briardes")
    by_company = published(MEAUX, title="Visite", company=briardes)
    published(MEAUX, title="Logistique", summary="Préparation de commandes.")
    in_melun = published(MELUN, title="Chaudronnerie")

    found = set(ids(search_from(school, keyword="mecanique")))
    assert found == {by_title.id, by_summary.id, by_company.id}
    assert ids(search_from(school, keyword="  MÉCA précision ")) == [by_title.id]
    assert ids(search_from(school, radius=50, keyword="melun")) == [in_melun.id]
    assert search_from(school, keyword="mecanique logistique").total == 0


def test_keyword_in_texts_with_ligatures_and_other_unusual_characters(app):
    """« ﬁ » (a ligature) is folded to « fi » and « Œ » kept as one letter, on both sides."""
    school = meaux_college()
    ligature = published(MEAUX, title="Conﬁserie artisanale")
    oeuvre = published(MEAUX, title="Visite", summary="Un CHEF-D'ŒUVRE de mécanique.")
    published(MEAUX, title="Confection")

    assert ids(search_from(school, keyword="confiserie")) == [ligature.id]
    assert ids(search_from(school, keyword="œuvre")) == [oeuvre.id]
    assert ids(search_from(school, keyword="chef mecanique")) == [oeuvre.id]


def test_offers_reserved_to_priority_education_only_reach_rep_schools(app):
    reserved = published(MEAUX, title="Réservé REP", reserved_priority_education=True)
    open_to_all = published(MEAUX, title="Pour tous")

    assert ids(search_from(meaux_college())) == [open_to_all.id]
    rep = rep_college()
    assert rep.is_priority
    assert set(ids(search_from(rep))) == {reserved.id, open_to_all.id}


def test_full_periods_and_full_offers_are_hidden(app):
    school = meaux_college()
    full = published(MEAUX, title="Complet")
    full.periods[0].seats_taken = full.periods[0].seats
    partly = published(MEAUX, title="En partie", periods=JANUARY + MARCH)
    partly.periods[1].seats_taken = partly.periods[1].seats
    partly.periods[0].seats_taken = 1
    db.session.flush()

    result = search_from(school)

    assert ids(result) == [partly.id]
    assert [p.start_date for p in result.items[0].periods] == [date(2027, 1, 11)]
    assert result.items[0].seats_left == 3


def test_only_published_offers_are_found(app):
    school = meaux_college()
    visible = published(MEAUX)
    hidden = (OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.CLOSED, OfferStatus.ARCHIVED)
    for status in hidden:
        factories.complete_offer(status=status, commune_insee=MEAUX)

    assert ids(search_from(school)) == [visible.id]


def test_pagination_and_a_page_past_the_end(app):
    school = meaux_college()
    offers = [published(MEAUX, title=f"Offre {n:02d}") for n in range(23)]

    first, third = search_from(school, page=1), search_from(school, page=3)
    beyond = search_from(school, page=4)

    assert (first.total, first.pages, len(first.items)) == (23, 3, 10)
    assert ids(first) == [o.id for o in offers[:10]]
    assert ids(third) == [o.id for o in offers[20:]]
    assert beyond.items == [] and beyond.past_end and beyond.total == 23
    assert not search_from(school, page=1, keyword="introuvable").past_end


# Equality with the naive computation --------------------------------------------------------

VOCABULARY = ["Mécanique", "Électricité", "usinage", "Soudure", "chaudronnerie", "Qualité",
              "logistique", "Agroalimentaire", "Pharmacie", "énergie", "béton", "Aéronautique",
              "maintenance", "Œuvre", "ÉLECTRONIQUE", "fromagerie", "Impression 3D", "Robotique"]


def random_offers(rnd: random.Random, count: int) -> None:
    """`count` offers around the town halls of random communes (some exactly on it: ties)."""
    communes = db.session.scalars(select(Commune).order_by(Commune.insee)).all()
    companies = [
        factories.company(name=f"{rnd.choice(VOCABULARY)} {n}", filiere=rnd.choice(list(Filiere)))
        for n in range(25)
    ]
    levels = [("3e",), ("2nde",), ("3e", "2nde")]
    # Offers exactly on a few town halls share their distance: the title and id break ties.
    hubs = rnd.sample(communes, 10) + [db.session.get(Commune, MEAUX)]
    for _ in range(count):
        exact = rnd.random() < 0.2
        commune = rnd.choice(hubs if exact else communes)
        company = rnd.choice(companies)
        chosen = rnd.choice(levels)
        offer = Offer(
            company=company, title=" ".join(rnd.sample(VOCABULARY, 2)), filiere=company.filiere,
            for_3e="3e" in chosen, for_2nde="2nde" in chosen,
            status=OfferStatus.PUBLISHED if rnd.random() < 0.85 else OfferStatus.SUBMITTED,
            summary=" ".join(rnd.sample(VOCABULARY, 3)), site_commune_insee=commune.insee,
            latitude=commune.latitude_townhall + (0 if exact else rnd.uniform(-0.02, 0.02)),
            longitude=commune.longitude_townhall + (0 if exact else rnd.uniform(-0.03, 0.03)),
            reserved_priority_education=rnd.random() < 0.1,
        )
        for _ in range(rnd.choice((1, 1, 2))):
            level = Level(rnd.choice(chosen))
            if level == Level.SECONDE:
                start, end = date(2027, 6, 14), date(2027, 6, 25)
            else:
                start = date(2027, 1, 4) + timedelta(weeks=rnd.randrange(8))
                end = start + timedelta(days=4)
            seats = rnd.randint(1, 4)
            offer.periods.append(Period(level=level, start_date=start, end_date=end, seats=seats,
                                        seats_taken=rnd.choice((0, 0, seats))))
        db.session.add(offer)
    db.session.flush()


def signature(hits):
    return [(h.offer.id, h.distance_km, h.travel, [p.id for p in h.periods], h.seats_left)
            for h in hits]


def test_search_equals_the_naive_computation_on_random_offers(app):
    rnd = random.Random(20261125)
    random_offers(rnd, 300)
    schools = db.session.scalars(select(School).order_by(School.uai)).all()
    sample = rnd.sample(schools, 5) + [meaux_college(), rep_college()]
    compared = 0
    for school in sample:
        origin = (school.latitude, school.longitude)
        queries = [
            {"level": Level.TROISIEME},
            {"level": Level.SECONDE, "per_page": 7},
            {"level": None},
            {"level": Level.TROISIEME, "filiere": rnd.choice(list(Filiere))},
            {"level": Level.TROISIEME,
             "period_start": date(2027, 1, 18), "period_end": date(2027, 1, 29)},
            {"level": Level.TROISIEME,
             "keyword": rnd.choice(["mecanique", "ELECTRI", "œuvre", "qualite soudure"])},
            {"level": Level.SECONDE, "keyword": "e", "per_page": 3},
        ]
        for query in queries:
            per_page = query.pop("per_page", 10)
            level = query.pop("level")
            # Every match within 50 km at once; smaller radii and pages are cut from it here.
            naive = search_offers_naive(*origin, level, 50, priority_school=school.is_priority,
                                        per_page=10_000, **query)
            for radius in (5, 10, 20, 30, 50):
                # In the radius: shown (one decimal) at r,0 km or less.
                matches = [hit for hit in naive.items
                           if hit.distance_km < radius + SHOWN_HALF_STEP_KM]
                pages = -(-len(matches) // per_page)
                for page in {1, 2, max(1, pages), pages + 1}:
                    fast = search_offers(*origin, level, radius, priority_school=school.is_priority,
                                         page=page, per_page=per_page, **query)
                    expected = matches[(page - 1) * per_page:page * per_page]
                    where = (school.uai, radius, level, query, page)
                    assert (fast.total, fast.pages) == (len(matches), pages), where
                    assert signature(fast.items) == signature(expected), where
                    compared += 1
    assert compared > 400
    # The data really exercise the search: many hits at 50 km, several pages at 20 km.
    meaux = meaux_college()
    assert search_offers_naive(meaux.latitude, meaux.longitude, None, 50).total > 60
    assert search_offers_naive(meaux.latitude, meaux.longitude, None, 20).total > 20


def test_the_chord_is_within_its_margin_of_the_geodesic(app):
    """The margin (EPSILON = 1e-4) must dominate the chord's error in the 77, and the chord
    never exceeds the geodesic (so nothing inside the radius is ever cut off)."""
    rnd = random.Random(7)
    worst = 0.0
    for _ in range(3000):
        lat0, lon0 = rnd.uniform(48.1, 49.2), rnd.uniform(2.4, 3.6)
        lat, lon = lat0 + rnd.uniform(-0.5, 0.5), lon0 + rnd.uniform(-0.7, 0.7)
        exact = geodesic((lat0, lon0), (lat, lon)).km
        chord = squared_chord(earth_centred_km(lat0, lon0), *earth_centred_km(lat, lon)) ** 0.5
        assert chord <= exact * (1 + 1e-12)
        worst = max(worst, 1 - chord / exact)
    assert worst < 1e-5


@pytest.mark.parametrize("seed", range(3))
def test_the_sql_keyword_filter_agrees_with_search_key(app, seed):
    """Unusual characters (accents composed or not, ligatures, ß, Turkish İ, CJK, apostrophes,
    non-breaking spaces) as titles, random keywords: the database's LIKE on the stored text
    finds exactly the offers the Python rule accepts (every word, as typed or by its stem)."""
    rnd = random.Random(seed)
    alphabet = list("abcemnoqu EÉéèêëçÇœŒæ'’-.,\u0301\u00a0ﬁß²İ日") + ["e\u0301"]
    company = factories.company(name="X")
    titles = {}
    for _ in range(25):
        title = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30))).strip() or "a"
        offer = published(MEAUX, title=title, company=company, summary=None)
        titles[offer.id] = title
    school = meaux_college()
    for _ in range(40):
        keyword = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4)))
        terms = keyword_terms(keyword)
        if not terms:
            continue
        expected = {
            offer_id for offer_id, title in titles.items()
            if document_matches(search_document(title, "X", "Meaux"), terms)
        }
        found = search_from(school, keyword=keyword, per_page=100)
        assert set(ids(found)) == expected, (keyword, terms)


def test_keyword_words_do_not_span_two_fields(app):
    school = meaux_college()
    offer = published(MEAUX, title="Atelier Mél", summary="Un atelier")

    assert search_from(school, keyword="melun").total == 0
    assert ids(search_from(school, keyword="mel un")) == [offer.id]


@pytest.mark.parametrize("minutes, shown", [
    (5, "5 min"), (55, "55 min"), (60, "1 h"), (65, "1 h 05"), (225, "3 h 45"),
])
def test_travel_times_read_in_hours_and_minutes(minutes, shown):
    assert french_duration(minutes) == shown.replace(" ", "\u00a0")


# Public search (no login) -------------------------------------------------------------------


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_public_searches_are_rate_limited_and_signed_in_users_are_not(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_SEARCH_RATE_LIMIT="3/minute")
    with app.app_context():
        school = meaux_college()
        teacher = factories.user(Role.TEACHER)
        db.session.commit()
        url = f"/offres?etablissement={school.uai}"
        anonymous = app.test_client()

        codes = [anonymous.get(url).status_code for _ in range(2)]
        codes.append(anonymous.get("/offres/etablissements?ecole=meaux").status_code)
        limited = anonymous.get(url)

        assert codes == [200, 200, 200]
        assert limited.status_code == 429
        assert "Trop de demandes" in page_text(limited)
        signed_in = app.test_client()
        login(signed_in, teacher)
        assert [signed_in.get(url).status_code for _ in range(5)] == [200] * 5


def test_public_search_works_anonymously_and_shows_each_result(app, client):
    school = meaux_college()
    company = factories.company(name="Forges de Brie", filiere=Filiere.MATERIALS)
    meaux = published(MEAUX, title="Forger l'acier", company=company, periods=JANUARY + MARCH)
    melun = published(MELUN, title="Contrôle qualité")
    db.session.commit()

    response = client.get(f"/offres?etablissement={school.uai}&rayon=50")

    html = page_text(response)
    assert response.status_code == 200
    assert "<html" in html and 'id="resultats"' in html
    assert html.index("Forger l&#39;acier") < html.index("Contrôle qualité")
    assert "2 offres</strong> à moins de 50 km" in html
    assert "Forges de Brie" in html and "Industrie des matériaux" in html and "Meaux" in html
    km = geodesic((school.latitude, school.longitude), (meaux.latitude, meaux.longitude)).km
    assert f"{km:.1f}".replace(".", ",") + "\u00a0km" in html
    assert "≈ 15\u00a0min à pied (estimé)" in html
    # Melun is over 40 km away: beyond 1 h 30 no false precision (never « ≈ 3 h 45 »).
    assert "plus d&#39;1\u00a0h\u00a030 en bus (estimé)" in html
    assert "6 places libres" in html
    assert "semaine du 11 janvier 2027" in html
    assert "semaine du 8 mars 2027" in html
    assert f"/offres/{meaux.id}?etablissement={school.uai}" in html
    assert f"/offres/{melun.id}?etablissement={school.uai}" in html
    assert "Candidater" not in html


def test_public_search_defaults_to_20_km_and_the_school_level(app, client):
    published(MEAUX, title="Stage de troisième")
    published(MEAUX, title="Stage de seconde", levels=("2nde",), periods=JUNE)
    published(MELUN, title="Loin")
    db.session.commit()
    lycee = db.session.scalar(select(School).where(School.commune_insee == MEAUX,
                                                   School.kind == SchoolType.LYCEE))

    college_page = page_text(client.get(f"/offres?etablissement={meaux_college().uai}"))
    lycee_page = page_text(client.get(f"/offres?etablissement={lycee.uai.lower()}"))

    assert "Stage de troisième" in college_page and "Stage de seconde" not in college_page
    assert "Loin" not in college_page and "à moins de 20 km" in college_page
    assert "Stage de seconde" in lycee_page and "Stage de troisième" not in lycee_page
    both = page_text(client.get(f"/offres?etablissement={lycee.uai}&niveau=3e"))
    assert "Stage de troisième" in both


def test_public_search_date_filter(app, client):
    school = meaux_college()
    published(MEAUX, title="En janvier", periods=JANUARY)
    published(MEAUX, title="En mars", periods=MARCH)
    db.session.commit()

    html = page_text(client.get(f"/offres?etablissement={school.uai}&du=2027-03-01&au=2027-03-31"))

    assert "En mars" in html and "En janvier" not in html
    refused = client.get(f"/offres?etablissement={school.uai}&du=2027-03-31&au=2027-03-01")
    assert refused.status_code == 400
    assert "La date de fin doit suivre la date de début." in page_text(refused)


def test_a_site_on_the_schools_train_line_shows_the_train_estimate(app, client):
    """Collège Pierre Weczerka (Chelles) and Meaux: both near stations of line P."""
    published(MEAUX, title="Usinage à Meaux")
    db.session.commit()

    result = search_from(factories.school("0771471F"), radius=30)
    html = page_text(client.get("/offres?etablissement=0771471F&rayon=30"))

    assert result.items[0].travel.mode.label == "en train"
    assert "en train (estimé)" in html


def test_htmx_requests_get_only_the_results_fragment(app, client):
    school = meaux_college()
    published(MEAUX, title="Fragment")
    db.session.commit()

    response = client.get(f"/offres?etablissement={school.uai}&q=fragment", headers=HX)

    html = page_text(response)
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert html.count('id="resultats"') == 1 and "Fragment" in html
    # The count goes to the page's live region too (out-of-band swap).
    live = '<div id="live-region" hx-swap-oob="innerHTML">1 offre à moins de 20 km.</div>'
    assert live in html
    assert "HX-Request" in response.headers.get("Vary", "")
    full = page_text(client.get(f"/offres?etablissement={school.uai}&q=fragment"))
    assert "<html" in full and 'hx-swap-oob' not in full
    assert 'hx-trigger="input changed delay:300ms from:find input[type=search], change"' in full
    assert 'hx-push-url="true"' in full and 'hx-sync="this:replace"' in full
    assert ">Rechercher</button>" in full


def test_few_results_offer_to_widen_the_radius(app, client):
    school = meaux_college()
    published(MEAUX)
    db.session.commit()

    url = f"/offres?etablissement={school.uai}&rayon=20&filiere=industrie_du_futur"
    html = page_text(client.get(url))

    assert "Moins de 5 offres à moins de 20 km" in html
    link = re.search(r'<a href="([^"]+)">Élargir à 30 km</a>', html)
    assert link and "rayon=30" in link.group(1) and "filiere=industrie_du_futur" in link.group(1)
    at_fifty = page_text(client.get(f"/offres?etablissement={school.uai}&rayon=50"))
    assert "Élargir" not in at_fifty


def test_pagination_links_keep_the_filters(app, client):
    school = meaux_college()
    for n in range(12):
        published(MEAUX, title=f"Soudure {n:02d}")
    db.session.commit()

    html = page_text(client.get(f"/offres?etablissement={school.uai}&q=soudure&rayon=10"))

    assert "page 1 sur 2" in html
    next_link = re.search(r'href="([^"]+)"[^>]*rel="next"', html).group(1).replace("&amp;", "&")
    for part in ("page=2", "q=soudure", "rayon=10", f"etablissement={school.uai}", "niveau=3e"):
        assert part in next_link
    second = page_text(client.get(next_link))
    assert "Soudure 10" in second and "Soudure 00" not in second and "page 2 sur 2" in second


def test_a_page_past_the_end_is_an_empty_result_with_a_link_to_page_1(app, client):
    school = meaux_college()
    published(MEAUX)
    db.session.commit()

    response = client.get(f"/offres?etablissement={school.uai}&page=7&filiere=industrie_du_futur")

    html = page_text(response)
    assert response.status_code == 200
    assert "Cette page n'existe pas" in html
    link = re.search(r'<a href="([^"]+)">Revenir à la première page</a>', html).group(1)
    assert "page=1" in link and "filiere=industrie_du_futur" in link


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("rayon=7", "Rayon invalide"),
        ("rayon=abc", "Rayon invalide"),
        ("rayon=", "Rayon invalide"),
        ("filiere=inconnue", "Filière inconnue"),
        ("page=abc", "Numéro de page invalide"),
        ("page=0", "Numéro de page invalide"),
        ("page=-1", "Numéro de page invalide"),
        ("page=101", "Numéro de page trop grand (100 au plus)"),
        ("page=99999999999999999999", "Numéro de page trop grand"),
        ("q=" + "x" * 101, "ne peut pas dépasser 100 caractères"),
        ("niveau=CM2", "Niveau inconnu"),
        ("du=31-02-2027", "Date invalide"),
    ],
)
def test_bad_filters_answer_400_with_a_french_message(app, client, query, message):
    school = meaux_college()

    response = client.get(f"/offres?etablissement={school.uai}&{query}")

    assert response.status_code == 400
    html = page_text(response)
    assert message in html.replace("&#39;", "'")
    assert "Corrigez les filtres" in html


@pytest.mark.parametrize("uai", ["0000000A", "<script>", "x" * 300, "0770032S'--"])
def test_an_unknown_school_is_a_french_message_not_an_error(app, client, uai):
    response = client.get("/offres", query_string={"etablissement": uai})

    assert response.status_code == 400
    assert "Établissement introuvable" in page_text(response)
    assert "<script>" not in page_text(response)


def test_choosing_a_school_without_javascript_and_with_suggestions(app, client):
    start = page_text(client.get("/offres"))
    assert 'name="ecole"' in start and "Résultats" not in start

    found = page_text(client.get("/offres?ecole=meaux"))
    assert f"/offres?etablissement={meaux_college().uai}" in found
    assert "<html" in found

    fragment = client.get("/offres/etablissements?ecole=coll%C3%A8ge%20meaux", headers=HX)
    html = page_text(fragment)
    assert "<html" not in html and f"etablissement={meaux_college().uai}" in html
    none = page_text(client.get("/offres/etablissements?ecole=zzzzz", headers=HX))
    assert "Aucun établissement trouvé" in none
    too_short = page_text(client.get("/offres/etablissements?ecole=m", headers=HX))
    assert "<li" not in too_short
    too_long = page_text(client.get("/offres?ecole=" + "m" * 101))
    assert "100 caractères au plus." in too_long


# Pupil search -------------------------------------------------------------------------------


def pupil_in(school: School, level=Level.TROISIEME, start=None, end=None):
    teacher = factories.user(Role.TEACHER, school_obj=school)
    klass = factories.school_class(teacher, level=level, start=start, end=end,
                                   name="2nde 3" if level == Level.SECONDE else "3e B")
    return factories.pupil(klass).user


def test_pupil_search_uses_the_pupils_school_level_and_internship_dates(app, client):
    school = meaux_college()
    january = published(MEAUX, title="En janvier", periods=JANUARY)
    published(MEAUX, title="En mars", periods=MARCH)
    published(MEAUX, title="Pour les secondes", levels=("2nde",), periods=JUNE)
    published(MELUN, title="À Melun", periods=JANUARY)
    login(client, pupil_in(school, start=date(2027, 1, 11), end=date(2027, 1, 15)))

    response = client.get("/recherche")

    html = page_text(response)
    assert response.status_code == 200
    assert "Près du " + school.name.replace("Collège", "collège") in html
    assert "En janvier" in html and f"/offres/{january.id}?etablissement={school.uai}" in html
    assert "En mars" not in html and "Pour les secondes" not in html and "À Melun" not in html
    assert "Ma semaine de stage (du lundi 11 janvier 2027 au vendredi 15 janvier 2027)" in html
    every = page_text(client.get("/recherche?periode=toutes"))
    assert "En janvier" in every and "En mars" in every and "Pour les secondes" not in every
    wide = page_text(client.get("/recherche?periode=toutes&rayon=50"))
    assert "À Melun" in wide
    assert client.get("/recherche?periode=autre").status_code == 400


def test_pupil_of_a_seconde_class_without_dates_sees_every_seconde_period(app, client):
    published(MEAUX, title="Pour les troisièmes")
    published(MEAUX, title="Pour les secondes", levels=("2nde",), periods=JUNE)
    lycee = db.session.scalar(select(School).where(School.commune_insee == MEAUX,
                                                   School.kind == SchoolType.LYCEE))
    login(client, pupil_in(lycee, level=Level.SECONDE))

    html = page_text(client.get("/recherche"))

    assert "Pour les secondes" in html and "Pour les troisièmes" not in html
    assert "toutes les dates sont affichées" in html


def test_pupils_of_rep_schools_see_reserved_offers(app, client):
    published(MEAUX, title="Réservée REP", reserved_priority_education=True)
    login(client, pupil_in(rep_college()))

    assert "Réservée REP" in page_text(client.get("/recherche"))


def test_pupil_search_htmx_fragment(app, client):
    published(MEAUX, title="Fragment élève")
    login(client, pupil_in(meaux_college()))

    html = page_text(client.get("/recherche?q=eleve", headers=HX))

    assert "<html" not in html and "Fragment élève" in html


@pytest.mark.parametrize("role", [Role.TEACHER, Role.COMPANY, Role.STAFF])
def test_other_roles_cannot_use_the_pupil_search(app, client, role):
    login(client, factories.user(role))

    assert client.get("/recherche").status_code == 403


def test_anonymous_visitors_are_sent_to_login_for_the_pupil_search(app, client):
    response = client.get("/recherche")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
