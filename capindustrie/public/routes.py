"""The public offer page: no login, no personal data (no tutor contact, nothing about pupils).

`?etablissement=<UAI>` adds the distance from that school. An unknown or malformed UAI answers
200 with a French message beside the school field: the offer itself exists, only the optional
parameter is wrong, and a typo should not hide the page.
"""

from flask import abort, render_template, request

from capindustrie.caching import public_page
from capindustrie.exports.feeds import job_posting
from capindustrie.models import OfferStatus
from capindustrie.public import bp, services


@bp.get("/offres/<int:offer_id>")
@public_page
def offer(offer_id: int):
    offer = services.public_offer(offer_id)
    if offer is None:
        abort(404)
    uai = services.normalise_uai(request.args.get("etablissement"))
    school, trip, school_error = None, None, None
    if uai:
        school = services.find_school(uai)
        if school is None:
            school_error = (
                "Établissement introuvable : saisissez le code UAI de l'établissement "
                "(7 chiffres et une lettre, par exemple 0770002J) ou choisissez-le dans la liste."
            )
        else:
            trip = services.commute(school, offer)
            if trip is None:
                school_error = (
                    "La position du lieu de stage n'est pas connue : distance indisponible."
                )
    return render_template(
        "public/offer.html",
        offer=offer,
        uai=uai,
        school=school,
        distance=trip.km if trip else None,
        travel=trip.travel if trip else None,
        school_error=school_error,
        nearby=services.nearest_schools(offer),
        job_posting=job_posting(offer) if offer.status == OfferStatus.PUBLISHED else None,
    )
