"""Indicator pages (staff only) and the public key figures. HTTP only: figures come from
services.py, territory.py and coverage.py; files from downloads.py."""

from flask import flash, redirect, render_template, request, url_for

from capindustrie.authz import role_required
from capindustrie.errors import render_error
from capindustrie.indicators import (
    bp,
    charts,
    coverage,
    downloads,
    feedback,
    headcounts,
    lists,
    services,
    territory,
)
from capindustrie.indicators.filters import (
    PRIORITY_CHOICES,
    FilterError,
    campaign_choices,
    epci_choices,
    filiere_choices,
    parse_filters,
    school_year_of,
    year_choices,
    year_label,
)
from capindustrie.indicators.forms import HeadcountForm
from capindustrie.models import Role, utcnow

PREFIX = "/agents/indicateurs"


def _filters_or_error(now):
    try:
        return parse_filters(request.args, now), None
    except FilterError as error:
        return None, render_error(400, str(error))


def _form_context(f, now) -> dict:
    return {
        "filters": f,
        "years": year_choices(now),
        "year_label": year_label,
        "epcis": epci_choices(),
        "priorities": PRIORITY_CHOICES,
        "filieres": filiere_choices(),
        "campaigns": campaign_choices(),
    }


@bp.get(PREFIX)
@role_required(Role.STAFF)
def dashboard():
    now = utcnow()
    f, error = _filters_or_error(now)
    if error:
        return error
    # The figures, the charts and the feedback read the applications in one shared pass.
    with services.shared_application_pass():
        board = services.dashboard(f, now)
        monthly, by_filiere, by_epci = (
            charts.monthly_chart(f),
            charts.filiere_chart(f),
            charts.epci_chart(f),
        )
        answers = feedback.figures(f)
        answers_previous = feedback.figures(f.previous()) if board.previous is not None else None
    return render_template(
        "indicators/dashboard.html",
        board=board,
        figures=services.FIGURES,
        monthly=monthly,
        by_filiere=by_filiere,
        by_epci=by_epci,
        feedback=answers,
        feedback_previous=answers_previous,
        feedback_figures=feedback.FEEDBACK_FIGURES,
        **_form_context(f, now),
    )


@bp.get(f"{PREFIX}/liste")
@role_required(Role.STAFF)
def figure_list():
    now = utcnow()
    f, error = _filters_or_error(now)
    if error:
        return error
    figure = request.args.get("indicateur", "")
    if figure not in lists.LISTS:
        return render_error(400, "Cet indicateur n'a pas de liste détaillée.")
    headers, rows, truncated = lists.rows(figure, f, now)
    return render_template(
        "indicators/list.html",
        spec=services.FIGURE_BY_KEY[figure],
        headers=headers,
        rows=rows,
        truncated=truncated,
        limit=lists.LIMIT,
        **_form_context(f, now),
    )


@bp.get(f"{PREFIX}/territoires")
@role_required(Role.STAFF)
def territories():
    now = utcnow()
    f, error = _filters_or_error(now)
    if error:
        return error
    epci_table = territory.by_epci(f)
    school_table = territory.by_school(f, now)
    try:
        epci_table = territory.sorted_table(
            epci_table, request.args.get("tri_epci"), request.args.get("ordre_epci")
        )
        school_table = territory.sorted_table(
            school_table, request.args.get("tri_college"), request.args.get("ordre_college")
        )
    except FilterError as exc:
        return render_error(400, str(exc))
    return render_template(
        "indicators/territories.html",
        epci_table=epci_table,
        school_table=school_table,
        **_form_context(f, now),
    )


@bp.get(f"{PREFIX}/couverture")
@role_required(Role.STAFF)
def coverage_page():
    now = utcnow()
    rows = coverage.coverage(now.date())
    return render_template(
        "indicators/coverage.html",
        rows=rows,
        table=coverage.coverage_table(rows),
        map_svg=coverage.coverage_map(rows),
        buckets=coverage.BUCKETS,
        travel_limit_km=coverage.travel_limit_km(),
    )


def _csv_routes(view):
    """One fixed URL per table (no free path segment): /agents/indicateurs/<table>.csv."""
    for name in downloads.TABLES:
        view = bp.get(f"{PREFIX}/{name}.csv", defaults={"name": name})(view)
    return view


@_csv_routes
@role_required(Role.STAFF)
def csv_download(name: str):
    now = utcnow()
    f, error = _filters_or_error(now)
    if error:
        return error
    return downloads.csv_response(name, downloads.TABLES[name](f, now))


@bp.get(f"{PREFIX}/indicateurs.xlsx")
@role_required(Role.STAFF)
def xlsx_download():
    now = utcnow()
    f, error = _filters_or_error(now)
    if error:
        return error
    return downloads.xlsx_response(f, now)


@bp.route(f"{PREFIX}/effectifs", methods=["GET", "POST"])
@role_required(Role.STAFF)
def import_headcounts():
    now = utcnow()
    form = HeadcountForm()
    form.year.choices = [(y, year_label(y)) for y in year_choices(now)]
    if request.method == "GET":
        form.year.data = school_year_of(now)
    problems = []
    if form.validate_on_submit():
        parsed = headcounts.parse(form.headcounts.data.read())
        if not parsed.problems:
            count = headcounts.save(form.year.data, parsed)
            flash(
                f"{count} effectif{'s' if count > 1 else ''} enregistré{'s' if count > 1 else ''} "
                f"pour {year_label(form.year.data)}.",
                "success",
            )
            return redirect(url_for("indicators.dashboard", annee=form.year.data), code=303)
        problems = parsed.problems
    status = 422 if request.method == "POST" else 200
    return render_template("indicators/headcounts.html", form=form, problems=problems), status


@bp.get("/chiffres")
def key_figures():
    now = utcnow()
    return render_template(
        "indicators/key_figures.html",
        figures=territory.public_figures(now),
        year=year_label(school_year_of(now)),
    )


@bp.get(f"{PREFIX}/avis/liste")
@role_required(Role.STAFF)
def feedback_list():
    """The rows behind a count of the feedback section (issue 13, point 4)."""
    now = utcnow()
    f, error = _filters_or_error(now)
    if error:
        return error
    key = request.args.get("indicateur", "")
    spec = feedback.FEEDBACK_BY_KEY.get(key)
    if spec is None or not spec.listed:
        return render_error(400, "Cet indicateur n'a pas de liste détaillée.")
    headers, rows, truncated = feedback.list_rows(key, f, lists.LIMIT)
    return render_template(
        "indicators/list.html",
        spec=spec,
        headers=headers,
        rows=rows,
        truncated=truncated,
        limit=lists.LIMIT,
        **_form_context(f, now),
    )
