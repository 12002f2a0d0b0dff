"""French error pages for every status; fragments or HX-Refresh for HTMX requests."""

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from capindustrie.extensions import db
from capindustrie.htmx import hx_refresh, is_fragment_request

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        "Requête invalide",
        "La requête n'a pas pu être traitée. Vérifiez les informations envoyées.",
    ),
    401: ("Connexion nécessaire", "Connectez-vous pour accéder à cette page."),
    403: ("Accès refusé", "Votre compte ne permet pas d'accéder à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès."),
    405: ("Action impossible", "Cette action n'est pas possible sur cette page."),
    410: ("Page plus disponible", "Cette page n'est plus disponible."),
    413: (
        "Fichier trop volumineux",
        "Le fichier ou le formulaire envoyé dépasse la taille autorisée.",
    ),
    414: (
        "Adresse trop longue",
        "L'adresse demandée est trop longue. Revenez à la page précédente et réessayez avec "
        "moins de critères.",
    ),
    422: (
        "Données invalides",
        "Certaines informations sont invalides. Corrigez-les puis réessayez.",
    ),
    429: (
        "Trop de demandes",
        "Trop de demandes en peu de temps depuis votre connexion. Patientez quelques minutes "
        "avant de réessayer.",
    ),
    500: (
        "Erreur du service",
        "Une erreur inattendue s'est produite. L'équipe a été prévenue ; réessayez plus tard.",
    ),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    template = "errors/_error.html" if is_fragment_request() else "errors/error.html"
    return render_template(template, status=status, title=title, message=detail or message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log.warning("CSRF refused: %s", error.description)
        if is_fragment_request():
            # A reload fetches a fresh token; the swap would otherwise fail silently.
            return hx_refresh(400)
        return render_error(
            400,
            "Le formulaire a expiré ou n'est pas authentique (jeton de sécurité manquant). "
            "Rechargez la page et recommencez.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:
            return render_error(429)
        return render_error(error.code or 500)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        log.exception("Unhandled error", exc_info=getattr(error, "original_exception", None))
        return render_error(500)
