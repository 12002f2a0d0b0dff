"""The public offer page: no login, no personal data (no tutor contact, nothing about pupils).

`?etablissement=<UAI>` adds the distance from that school. The school is picked with the same
autocomplete as the public search (`/offres/etablissements?offre=<id>`, whose links come back
here); without JavaScript, `?ecole=<text>` lists the matching schools on the page itself. An
unknown school answers 200 with a French message beside the school field: the offer itself
exists, only the optional parameter is wrong, and a typo should not hide the page.
"""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from capindustrie.caching import public_page
from capindustrie.errors import render_error
from capindustrie.exports.feeds import job_posting
from capindustrie.models import OfferStatus, Role
from capindustrie.public import bp, services
from capindustrie.reports.services import was_hidden
from capindustrie.search import services as search_services
from capindustrie.search.forms import SchoolPickForm
from capindustrie.search.routes import UNKNOWN_SCHOOL


@bp.get("/offres/<int:offer_id>")
@public_page
def offer(offer_id: int):
    offer = services.public_offer(offer_id)
    if offer is None:
        if was_hidden(offer_id):
            return render_error(
                410,
                "Cette offre n'est plus disponible : elle a été retirée par l'équipe de "
                "modération du Département.",
            )
        abort(404)
    pick = SchoolPickForm(request.args)
    pick.offre.data = str(offer.id)  # suggestions lead back to this offer
    uai = services.normalise_uai(request.args.get("etablissement"))
    school, trip, school_error = None, None, None
    if not uai and current_user.is_authenticated and current_user.role == Role.PUPIL:
        # A pupil sees the distance from their own school without asking (issue 17).
        pupil = search_services.pupil_profile(current_user)
        uai = pupil.school_class.school.uai if pupil is not None else ""
    if uai:
        school = services.find_school(uai)
        if school is None:
            school_error = UNKNOWN_SCHOOL
        else:
            trip = services.commute(school, offer)
            if trip is None:
                school_error = (
                    "La position du lieu de stage n'est pas connue : distance indisponible."
                )
    searched = bool(pick.ecole.data) and pick.validate() and (
        search_services.school_query_is_long_enough(pick.ecole.data)
    )
    return render_template(
        "public/offer.html",
        offer=offer,
        uai=uai,
        school=school,
        distance=trip.km if trip else None,
        travel=trip.travel if trip else None,
        school_error=school_error or " ".join(pick.ecole.errors),
        pick=pick,
        schools=search_services.find_schools(pick.ecole.data) if searched else [],
        searched=searched,
        nearby=services.nearest_schools(offer),
        job_posting=job_posting(offer) if offer.status == OfferStatus.PUBLISHED else None,
        journey_url=services.journey_planner_url(
            current_app.config["JOURNEY_PLANNER_URL"], school, offer
        ) if trip else None,
    )
