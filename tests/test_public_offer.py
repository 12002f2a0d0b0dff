"""The public offer page: no login, only published or closed offers, no personal data, and the
distance from a chosen school with an estimated travel time."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import CompanyStatus, OfferStatus, ProgramDay, Role, School, SchoolType
from tests import factories as f
from tests.test_moderation import MEAUX, MELUN, make_offer

S = OfferStatus
KM = re.compile(r"chip-distance\"><span class=\"visually-hidden\">à </span>(\d+,\d)\u00a0km")


def published(**kwargs):
    offer = make_offer(f.company(name="Mécanique de la Marne"), status=S.PUBLISHED, **kwargs)
    db.session.commit()
    return offer


def college_in(insee: str) -> School:
    return db.session.scalars(
        select(School)
        .where(School.commune_insee == insee, School.kind == SchoolType.COLLEGE)
        .order_by(School.uai)
    ).first()


def test_published_offer_shows_program_and_practical_info_without_tutor_contact(client):
    offer = published(title="Au cœur de l'usine")
    response = client.get(f"/offres/{offer.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<title>Au cœur de l&#39;usine[^<]*</title>", html)
    assert "<h1>Au cœur de l&#39;usine</h1>" in html
    assert "Mécanique de la Marne" in html and "Industrie du futur" in html
    for n in range(1, 6):
        assert f"Jour {n} — Jour {n}" in html
    assert '<p class="pre-line">Visite de l&#39;atelier.\nQuestions.</p>' in html
    assert "observation uniquement" in html and "D. 4153-15" in html
    # Non-breaking spaces keep « 09 h 00 » on one line.
    assert "de 09\u00a0h\u00a000 à 16\u00a0h\u00a000" in html
    assert "de 12\u00a0h\u00a000 à 13\u00a0h\u00a000" in html
    assert "Meaux" in html
    # No « Position sur la carte » line: there is no map (issue 17).
    assert "Position sur la carte" not in html
    # The programme: one line per day that opens; the company in its own section.
    assert '<details class="program-day">' in html
    assert "L'entreprise</h2>" in html
    assert "Places restantes" in html
    # No personal data: neither the tutor's contact nor their name.
    assert "sam.leroy@usine.example" not in html
    assert "01 64 12 34 56" not in html and "+33164123456" not in html
    assert "Sam Leroy" not in html


def test_seats_left_per_period_and_closed_offer_says_offre_fermee(client):
    offer = published()
    offer.periods[0].seats_taken = 2
    db.session.commit()
    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "<td>3</td>\n            <td>1</td>" in html

    offer.status = S.CLOSED
    db.session.commit()
    response = client.get(f"/offres/{offer.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Issue 17: a closed offer is « fermée », not « complet » (seats may be left).
    assert "Offre fermée" in html and "Complet" not in html
    assert "Se connecter pour candidater" not in html and "Candidater" not in html


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.REJECTED, S.ARCHIVED])
def test_offers_not_published_are_not_found(client, status):
    offer = make_offer(f.company(), status=status)
    db.session.commit()
    assert client.get(f"/offres/{offer.id}").status_code == 404


def test_a_company_does_not_see_its_own_draft_on_the_public_page(client):
    company = f.company(status=CompanyStatus.APPROVED)
    member = f.user(Role.COMPANY, company_obj=company)
    offer = make_offer(company, status=S.DRAFT)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = f.session_id(member)
        session["_fresh"] = True
    assert client.get(f"/offres/{offer.id}").status_code == 404


def test_unknown_offer_is_not_found(client):
    assert client.get("/offres/987654").status_code == 404


def test_distance_from_a_college_in_meaux_to_a_site_in_meaux(client):
    offer = published(insee=MEAUX)
    college = college_in(MEAUX)

    html = client.get(f"/offres/{offer.id}?etablissement={college.uai.lower()}").get_data(
        as_text=True
    )

    km = float(KM.search(html).group(1).replace(",", "."))
    assert km < 5
    assert college.name in unescape(html)
    assert re.search("≈ \\d+\u00a0min (à pied|en bus) \\(estimé\\)", html)


def test_distance_from_meaux_to_melun_is_far(client):
    offer = published(insee=MELUN)
    html = client.get(f"/offres/{offer.id}?etablissement={college_in(MEAUX).uai}").get_data(
        as_text=True
    )
    km = float(KM.search(html).group(1).replace(",", "."))
    assert 35 < km < 50  # Meaux – Melun, about 40 km as the crow flies


@pytest.mark.parametrize(
    "value", ["0000000Z", "pas un code", "<script>alert(1)</script>", "x" * 500]
)
def test_unknown_school_gives_a_french_message_not_an_error(client, value):
    offer = published()
    response = client.get(f"/offres/{offer.id}", query_string={"etablissement": value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Établissement introuvable" in html and 'aria-invalid="true"' in html
    assert "<script>alert" not in html and "km</strong>" not in html


def test_school_picker_lists_the_15_nearest_schools(client):
    offer = published(insee=MEAUX)
    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    nearby = re.search(r'<details class="nearby-schools">(.*?)</details>', html, re.S).group(1)
    uais = re.findall(rf'href="/offres/{offer.id}\?etablissement=(\d{{7}}[A-Z])"', nearby)
    assert len(uais) == 15 and college_in(MEAUX).uai in uais


# --- Picking the school: the same autocomplete as the public search -------------------------------


def test_the_school_is_searched_by_name_not_typed_as_a_uai_code(client):
    offer = published(insee=MEAUX)
    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert 'name="ecole"' in html and 'method="get"' in html
    assert f'hx-get="/offres/etablissements?offre={offer.id}"' in html
    # No field asks for a UAI code any more.
    assert 'name="etablissement"' not in html and "code UAI" not in html


def test_suggestions_from_the_offer_page_lead_back_to_the_offer(client):
    offer = published(insee=MEAUX)
    fragment = client.get(f"/offres/etablissements?ecole=amyot&offre={offer.id}",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'href="/offres/{offer.id}?etablissement=0771762X"' in fragment
    assert "Collège Jacques Amyot — Melun (77000)" in unescape(fragment)
    # From the search page (no offer), the same suggestions lead to the search.
    search = client.get("/offres/etablissements?ecole=amyot",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'href="/offres?etablissement=0771762X"' in search


@pytest.mark.parametrize("offre", ["abc", "0", "-3", "1" * 12])
def test_a_malformed_offer_parameter_gives_no_link_to_it(client, offre):
    response = client.get("/offres/etablissements", query_string={"ecole": "amyot", "offre": offre},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "?etablissement=" not in response.get_data(as_text=True)


def test_without_javascript_the_page_lists_the_schools_then_shows_the_distance(client):
    offer = published(insee=MELUN)
    page = client.get(f"/offres/{offer.id}", query_string={"ecole": "Jacques Amyot"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    links = re.findall(rf'href="(/offres/{offer.id}\?etablissement=\w+)"', html)
    assert f"/offres/{offer.id}?etablissement=0771762X" in links
    chosen = client.get(f"/offres/{offer.id}?etablissement=0771762X").get_data(as_text=True)
    km = float(KM.search(chosen).group(1).replace(",", "."))
    assert km < 5 and "Collège Jacques Amyot" in unescape(chosen)
    assert "Changer d&#39;établissement" in chosen


def test_a_school_query_that_finds_nothing_or_is_too_long_says_so_in_french(client):
    offer = published()
    nothing = client.get(f"/offres/{offer.id}", query_string={"ecole": "zzzzzz"})
    assert nothing.status_code == 200
    assert "Aucun établissement trouvé pour « zzzzzz »" in unescape(nothing.get_data(as_text=True))
    too_long = client.get(f"/offres/{offer.id}", query_string={"ecole": "x" * 101})
    assert too_long.status_code == 200
    html = too_long.get_data(as_text=True)
    assert "100 caractères au plus." in html and 'aria-invalid="true"' in html


def test_html_in_offer_text_is_escaped_never_executed(client):
    offer = published(title="<script>alert('titre')</script>")
    offer.program_days[0].activities = "<script>alert('programme')</script>\n<b>gras</b>"
    offer.program_days[1].safety = '<img src=x onerror="alert(1)">'
    offer.dress_code = "<iframe src=//evil></iframe>"
    db.session.commit()

    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)

    assert "<script>alert" not in html and "<b>gras" not in html
    assert "<img src=x" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;programme&#39;)&lt;/script&gt;" in html
    assert "&lt;iframe src=//evil&gt;&lt;/iframe&gt;" in html


def test_program_with_ten_days_for_seconde_is_shown_in_order(client):
    offer = published()
    offer.for_2nde = True
    offer.program_days += [
        ProgramDay(day_number=n, title=f"Semaine 2, jour {n}", activities="Suite.")
        for n in range(6, 11)
    ]
    db.session.commit()
    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "Niveaux : 3e et 2nde" in html
    assert (
        html.index("Jour 5 —") < html.index("Jour 6 — Semaine 2, jour 6") < html.index("Jour 10 —")
    )
