"""Search views. GET only: the filters live in the URL (shareable, back button), validated by
GET forms; a value no control can send answers 400 with the French message beside its field."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from capindustrie.applications.pupil_view import applied_offer_ids
from capindustrie.authz import role_required
from capindustrie.caching import public_page
from capindustrie.extensions import limiter
from capindustrie.htmx import is_fragment_request, render
from capindustrie.models import Filiere, Role
from capindustrie.search import bp, services
from capindustrie.search.forms import PublicSearchForm, PupilSearchForm, SchoolPickForm

UNKNOWN_SCHOOL = (
    "Établissement introuvable : cherchez-le par son nom, sa commune ou son code postal, "
    "puis choisissez-le dans la liste."
)


def _results(page: str, form, status: int = 200, **context):
    return render(
        page,
        "search/_results.html",
        status=status,
        form=form,
        filter_args=form.filter_args(),
        announce=is_fragment_request(),
        **context,
    )


def _public_search_rate_limit() -> str:
    return current_app.config["PUBLIC_SEARCH_RATE_LIMIT"]


def _signed_in() -> bool:
    return current_user.is_authenticated


# One budget for the public search pages together, per client address.
public_search_limit = limiter.shared_limit(
    _public_search_rate_limit, scope="public-search", exempt_when=_signed_in
)


def _run(form, school, level, period_start=None, period_end=None):
    return services.search_offers(
        school.latitude,
        school.longitude,
        level,
        form.radius_km,
        filiere=Filiere(form.filiere.data) if form.filiere.data else None,
        period_start=period_start,
        period_end=period_end,
        keyword=form.keyword,
        priority_school=school.is_priority,
        page=form.page_number,
    )


@bp.get("/recherche")
@role_required(Role.PUPIL)
def pupil_search():
    pupil = services.pupil_profile(current_user)
    if pupil is None:
        abort(404)
    klass = pupil.school_class
    school = klass.school
    form = PupilSearchForm(
        request.args, internship=(klass.internship_start, klass.internship_end), level=klass.level
    )
    context = {
        "school": school, "klass": klass, "uai": school.uai, "endpoint": "search.pupil_search",
    }
    if not form.validate():
        return _results("search/pupil.html", form, status=400, result=None, **context)
    dates = (klass.internship_start, klass.internship_end) if form.uses_my_dates() else (None, None)
    result = _run(form, school, klass.level, *dates)
    applied = applied_offer_ids(pupil, (hit.offer.id for hit in result.items))
    return _results("search/pupil.html", form, result=result, applied=applied, **context)


@bp.get("/offres")
@public_search_limit
@public_page
def public_search():
    form = PublicSearchForm(request.args)
    pick = SchoolPickForm(request.args)
    uai = services.normalise_uai(form.etablissement.data)
    context = {"pick": pick, "endpoint": "search.public_search", "uai": uai, "schools": []}
    if not uai:
        searched = pick.validate() and services.school_query_is_long_enough(pick.ecole.data)
        schools = services.find_schools(pick.ecole.data) if searched else []
        return render_template(
            "search/public.html", form=form, school=None, result=None,
            **{**context, "schools": schools, "searched": searched},
        )
    school = services.school_by_uai(uai)
    if school is None:
        return _results("search/public.html", form, status=400, school=None, result=None,
                        school_error=UNKNOWN_SCHOOL, **context)
    form.etablissement.data = uai
    if not form.niveau.data:
        form.niveau.data = services.default_level(school).value
    if not form.validate():
        return _results("search/public.html", form, status=400, school=school, result=None,
                        **context)
    result = _run(form, school, form.level, form.du.data, form.au.data)
    return _results("search/public.html", form, school=school, result=result, **context)


@bp.get("/offres/etablissements")
@public_search_limit
@public_page
def schools():
    """School suggestions for the public search and the public offer page (`offre`): links to
    the search from that school, or to the offer with its distance; with and without JavaScript.
    """
    pick = SchoolPickForm(request.args)
    searched = pick.validate() and services.school_query_is_long_enough(pick.ecole.data)
    return render(
        "search/public.html",
        "search/_schools.html",
        form=PublicSearchForm(formdata=None),
        pick=pick,
        school=None,
        result=None,
        schools=services.find_schools(pick.ecole.data) if searched else [],
        searched=searched,
        endpoint="search.public_search",
        uai="",
    )
