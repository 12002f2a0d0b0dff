"""Issue 9: the folded search filters (phones) are summed up in words, and the summary follows
each live (HTMX) update of the results."""

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
    assert "Filtres : 30 km, Logistique, « robot », toutes les périodes" in html
    assert '<details class="filters-panel" data-open-wide>' in html  # folded: no error


def test_refused_filter_opens_the_panel_and_is_left_out_of_the_summary(client):
    response = pupil_client(client).get("/recherche?rayon=7")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert '<details class="filters-panel" data-open-wide open>' in html
    assert "Filtres : mes dates" in html


def test_public_search_summary_names_level_and_dates(client):
    html = unescape(
        client.get("/offres?etablissement=0770002J&du=2027-01-11&au=2027-01-29").get_data(
            as_text=True
        )
    )
    assert "Filtres : 3e, 20 km, à partir du 11/01/2027, jusqu'au 29/01/2027" in html


def test_live_results_update_the_summary_out_of_band(client):
    response = pupil_client(client).get(
        "/recherche?filiere=logistique", headers={"HX-Request": "true"}
    )
    html = unescape(response.get_data(as_text=True))
    assert (
        '<span id="filtres-actifs" hx-swap-oob="true">Filtres : 20 km, Logistique, mes dates'
        in html
    )
    assert '<details class="filters-panel"' not in html  # the fragment, not the page
