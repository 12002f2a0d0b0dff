"""Issues 9 and 17: the folded search filters (phones) are summed up in one line (« Près du
collège …, 20 km, ma semaine de stage ») beside a « Filtres (n) » button counting the filters
changed from their defaults, and both follow each live (HTMX) update of the results."""

from datetime import date
from html import unescape

from capindustrie.extensions import db
from capindustrie.models import Role
from tests import factories as f
from tests.factories import login


def pupil_client(client, start=date(2027, 1, 11), end=date(2027, 1, 15)):
    teacher = f.user(Role.TEACHER)
    klass = f.school_class(teacher, start=start, end=end)
    pupil = f.pupil(klass)
    db.session.commit()
    login(client, pupil.user)
    return client


def test_pupil_search_summary_names_the_filters_in_force(client):
    html = unescape(
        pupil_client(client)
        .get("/recherche?rayon=30&filiere=logistique&q=robot&periode=toutes")
        .get_data(as_text=True)
    )
    assert "Près du collège Denecourt, 30 km, Logistique, « robot », toutes les dates</p>" in html
    assert '<span id="filtres-nombre">Filtres (4)</span>' in html
    assert '<details class="filters-panel" data-open-wide>' in html  # folded: no error


def test_pupil_search_defaults_come_from_the_class(client):
    """Level and internship dates of the class are the defaults: nothing counted as changed."""
    html = unescape(pupil_client(client).get("/recherche").get_data(as_text=True))
    assert "Trouver un stage de 3e" in html
    assert "Près du collège Denecourt, 20 km, ma semaine de stage</p>" in html
    assert '<span id="filtres-nombre">Filtres</span>' in html
    assert '<input checked id="periode-0" name="periode" type="radio" value="stage">' in html


def test_refused_filter_opens_the_panel_and_is_left_out_of_the_summary(client):
    response = pupil_client(client).get("/recherche?rayon=7")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert '<details class="filters-panel" data-open-wide open>' in html
    assert "Près du collège Denecourt, ma semaine de stage</p>" in html


def test_public_search_summary_names_level_and_dates(client):
    html = unescape(
        client.get("/offres?etablissement=0770002J&du=2027-01-11&au=2027-01-29").get_data(
            as_text=True
        )
    )
    assert "3e, 20 km, à partir du 11/01/2027, jusqu'au 29/01/2027</p>" in html
    assert '<span id="filtres-nombre">Filtres (2)</span>' in html
    assert "code UAI" not in html and "0770002J)" not in html


def test_live_results_update_the_summary_out_of_band(client):
    response = pupil_client(client).get(
        "/recherche?filiere=logistique", headers={"HX-Request": "true"}
    )
    html = unescape(response.get_data(as_text=True))
    assert (
        '<p class="search-summary-line" id="filtres-actifs" hx-swap-oob="true">'
        "Près du collège Denecourt, 20 km, Logistique, ma semaine de stage</p>" in html
    )
    assert '<span id="filtres-nombre" hx-swap-oob="true">Filtres (1)</span>' in html
    assert '<details class="filters-panel"' not in html  # the fragment, not the page
