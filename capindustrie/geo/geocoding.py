"""Geocoding of offer sites (DESIGN §5): the national address base when allowed, else the commune.

Online: geopy's `BANFrance` pointed at the IGN Géoplateforme (`data.geopf.fr/geocodage`; geopy's
default domain, api-adresse.data.gouv.fr, is shut down), behind geopy's per-process RateLimiter.
An answer is kept only when it is confident (score ≥ 0.5), in Seine-et-Marne, and in the commune
the company chose: a point in the wrong commune would mislead pupils more than the town hall.

Offline, disabled (tests), or on any failure: the town-hall point of the commune from the shipped
table (a large commune's geometric centre can lie in a forest), with precision "commune". The
only error is a commune we cannot identify; publication never waits on the network.
"""

import logging
import re
from dataclasses import dataclass

from flask import Flask, current_app
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import BANFrance
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import Commune, GeoPrecision
from capindustrie.text import search_key

logger = logging.getLogger("capindustrie.geo")

USER_AGENT = "cap-industrie/0.1 (Département de Seine-et-Marne)"
DEPARTEMENT_PREFIX = "77"
MIN_SCORE = 0.5
ADDRESS_TYPES = frozenset({"housenumber", "street"})
MIN_QUERY_LENGTH = 3
SUGGESTION_LIMIT = 5
UNKNOWN_COMMUNE = "Commune introuvable en Seine-et-Marne : vérifiez le code postal."
_EXTENSION_KEY = "capindustrie.geocode"
_POSTCODE = re.compile(r"\b\d{5}\b")


class GeocodingError(Exception):
    """The site's commune cannot be identified; the message is for the user (French)."""

    def __init__(self, message: str = UNKNOWN_COMMUNE):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GeoResult:
    latitude: float
    longitude: float
    precision: GeoPrecision
    label: str
    commune_insee: str | None
    score: float | None = None


@dataclass(frozen=True)
class AddressSuggestion:
    address: str
    postcode: str
    commune_insee: str
    label: str


# --- the network geocoder -------------------------------------------------------------------


def _build_geocoder(app: Flask):
    """The remote geocoder. Tests replace this function: they must never reach the network."""
    return BANFrance(
        domain=app.config["GEOCODER_DOMAIN"],
        user_agent=USER_AGENT,
        timeout=app.config["GEOCODER_TIMEOUT"],
    )


def _geocode_function(app: Flask):
    """The geocoder behind a rate limiter, built once per app: the limiter must remember the
    time of the previous call to space them."""
    function = app.extensions.get(_EXTENSION_KEY)
    if function is None:
        function = RateLimiter(
            _build_geocoder(app).geocode,
            min_delay_seconds=app.config["GEOCODER_MIN_DELAY_SECONDS"],
            max_retries=1,
            # geopy waits 5 s before retrying by default: too long inside a form submission.
            error_wait_seconds=app.config.get("GEOCODER_ERROR_WAIT_SECONDS", 0.5),
            swallow_exceptions=True,
        )
        app.extensions[_EXTENSION_KEY] = function
    return function


def _ask_geocoder(app: Flask, query: str, **kwargs):
    """The geocoder's answer, or None on any failure."""
    try:
        return _geocode_function(app)(query, **kwargs)
    except Exception as exc:  # noqa: BLE001 - an optional remote service never breaks a form
        logger.warning("geocoder failed: %s", type(exc).__name__)
        return None


# --- the shipped communes -------------------------------------------------------------------


def _clean_postcode(postcode: str | None) -> str | None:
    digits = "".join((postcode or "").split())
    return digits or None


def communes_for_postcode(postcode: str) -> list[Commune]:
    """Communes served by `postcode`, the most populous first."""
    rows = db.session.scalars(select(Commune).where(Commune.postcodes.contains(postcode)))
    # LIKE also matches inside a longer number: keep exact postcodes only.
    exact = [c for c in rows if postcode in _POSTCODE.findall(c.postcodes)]
    return sorted(exact, key=lambda c: (-(c.population or 0), c.name))


def _named_in(text: str | None, communes: list[Commune]) -> Commune | None:
    """The commune whose name appears as whole words in `text` (the longest name wins, so
    « Saint-Martin-des-Champs » beats a commune called « Champs »)."""
    padded = f" {search_key(text)} "
    named = [c for c in communes if f" {search_key(c.name)} " in padded]
    return max(named, key=lambda c: len(c.name), default=None)


def _resolve_commune(address: str | None, postcode: str | None,
                     commune_insee: str | None) -> tuple[Commune | None, list[Commune]]:
    """The site's commune as far as the shipped table tells, and the postcode's communes."""
    by_postcode = communes_for_postcode(postcode) if postcode else []
    if commune_insee:
        chosen = db.session.get(Commune, commune_insee.strip())
        if chosen is not None:
            return chosen, by_postcode
    if not by_postcode:
        return None, by_postcode
    return _named_in(address, by_postcode) or by_postcode[0], by_postcode


def _label(commune: Commune, postcode: str | None = None) -> str:
    codes = _POSTCODE.findall(commune.postcodes)
    shown = postcode if postcode in codes else (codes[0] if codes else "")
    return f"{commune.name} ({shown})" if shown else commune.name


def _town_hall(commune: Commune, postcode: str | None) -> GeoResult:
    return GeoResult(
        latitude=commune.latitude_townhall,
        longitude=commune.longitude_townhall,
        precision=GeoPrecision.COMMUNE,
        label=_label(commune, postcode),
        commune_insee=commune.insee,
        score=None,
    )


# --- geocoding a site -----------------------------------------------------------------------


def _rejection(properties: dict, commune_insee: str | None, postcode: str | None,
               postcode_communes: list[Commune]) -> str | None:
    """Why the answer cannot be trusted, or None when it can."""
    score = properties.get("score")
    citycode = str(properties.get("citycode") or "")
    if not isinstance(score, int | float) or score < MIN_SCORE:
        return "low_score"
    if not citycode.startswith(DEPARTEMENT_PREFIX):
        return "outside_departement"
    if commune_insee and citycode != commune_insee:
        return "other_commune"
    if (not commune_insee and postcode and properties.get("postcode") != postcode
            and citycode not in {c.insee for c in postcode_communes}):
        return "other_postcode"
    return None


def _geocode_online(app: Flask, address: str | None, postcode: str | None,
                    commune_insee: str | None, commune: Commune | None,
                    postcode_communes: list[Commune]) -> tuple[GeoResult | None, str]:
    # The commune's name helps the BAN only when we are sure of it.
    sure = commune is not None and (commune_insee or len(postcode_communes) == 1)
    query = " ".join(p for p in (address, postcode, commune.name if sure else None) if p)
    if not query.strip():
        return None, "empty_query"
    location = _ask_geocoder(app, query)
    if location is None:
        return None, "no_answer"
    properties = (getattr(location, "raw", None) or {}).get("properties") or {}
    reason = _rejection(properties, commune_insee, postcode, postcode_communes)
    if reason:
        return None, reason
    precision = (GeoPrecision.ADDRESS if properties.get("type") in ADDRESS_TYPES
                 else GeoPrecision.COMMUNE)
    return GeoResult(
        latitude=float(location.latitude),
        longitude=float(location.longitude),
        precision=precision,
        label=properties.get("label") or location.address,
        commune_insee=str(properties["citycode"]),
        score=float(properties["score"]),
    ), "accepted"


def geocode_site(address: str | None, postcode: str | None,
                 commune_insee: str | None) -> GeoResult:
    """Where an offer's site is: the BAN's point when it is trustworthy, else the commune's town
    hall. Raises GeocodingError only when the commune cannot be identified."""
    app = current_app._get_current_object()
    postcode = _clean_postcode(postcode)
    commune, postcode_communes = _resolve_commune(address, postcode, commune_insee)
    outcome = "disabled"
    if app.config["GEOCODER_ENABLED"]:
        result, outcome = _geocode_online(app, address, postcode, commune_insee, commune,
                                          postcode_communes)
        if result is not None:
            logger.info("geocode: accepted precision=%s commune=%s score=%.2f",
                        result.precision.value, result.commune_insee, result.score)
            return result
    if commune is None:
        logger.info("geocode: commune unknown (%s)", outcome)
        raise GeocodingError()
    logger.info("geocode: town hall of commune=%s (%s)", commune.insee, outcome)
    return _town_hall(commune, postcode)


# --- address suggestions (the wizard's autocompletion) --------------------------------------


def _ban_suggestion(location) -> AddressSuggestion | None:
    properties = (getattr(location, "raw", None) or {}).get("properties") or {}
    citycode = str(properties.get("citycode") or "")
    if not citycode.startswith(DEPARTEMENT_PREFIX):
        return None
    street = properties.get("type") in ADDRESS_TYPES or properties.get("type") == "locality"
    return AddressSuggestion(
        address=(properties.get("name") or "") if street else "",
        postcode=str(properties.get("postcode") or ""),
        commune_insee=citycode,
        label=properties.get("label") or location.address,
    )


def suggest_communes(query: str, limit: int = SUGGESTION_LIMIT) -> list[AddressSuggestion]:
    """Offline suggestions: « Commune (code postal) » for the shipped communes matching `query`
    (a part of a name or postcode, or a full address that names the commune or its postcode)."""
    key = search_key(query)
    if len(key) < MIN_QUERY_LENGTH:
        return []
    matches = list(db.session.scalars(select(Commune).where(Commune.search_key.contains(key))))
    if not matches:
        every = list(db.session.scalars(select(Commune)))
        padded = f" {key} "
        codes = set(_POSTCODE.findall(key))
        matches = [c for c in every if f" {search_key(c.name)} " in padded
                   or codes & set(_POSTCODE.findall(c.postcodes))]
    matches.sort(key=lambda c: (not c.search_key.startswith(key), -(c.population or 0), c.name))
    suggestions = [
        AddressSuggestion(address="", postcode=code, commune_insee=c.insee,
                          label=f"{c.name} ({code})")
        for c in matches
        for code in _POSTCODE.findall(c.postcodes)
    ]
    return suggestions[:limit]


def suggest_addresses(query: str, limit: int = SUGGESTION_LIMIT) -> list[AddressSuggestion]:
    """Addresses in Seine-et-Marne for the autocompletion: the BAN's when enabled and it answers
    something in the département, the shipped communes otherwise (so it also works offline)."""
    if len(search_key(query)) < MIN_QUERY_LENGTH:
        return []
    app = current_app._get_current_object()
    if app.config["GEOCODER_ENABLED"]:
        found = _ask_geocoder(app, query.strip(), exactly_one=False, limit=limit) or []
        suggestions = [s for s in map(_ban_suggestion, found) if s is not None]
        if suggestions:
            return suggestions[:limit]
    return suggest_communes(query, limit)
