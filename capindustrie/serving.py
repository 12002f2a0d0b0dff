"""What gunicorn itself answers, in French, and without naming itself (used by gunicorn.conf.py).

gunicorn refuses some requests before the app sees them (a request line or a header over its
limits, a malformed request line) with an English page of its own, and stamps every response
with `Server: gunicorn`. Neither is a setting: `use_french_server_pages()` replaces the two
module-level names gunicorn reads at each use (`gunicorn.util.write_error` and
`gunicorn.http.wsgi.SERVER`). It depends on gunicorn's internals (checked with 23 to 27, and by
the production smoke test, `.ci/smoke_production.py`); if they move, gunicorn keeps working with
its own English pages. The app refuses long URLs itself first, with its own French 414 page,
well below gunicorn's ceiling (`MAX_URL_LENGTH` < `limit_request_line`), so in practice the
French pages above are only seen by malformed or hostile requests.
"""

import html

SERVER_NAME = "Cap Industrie"

# status → (reason phrase sent in the status line, French title, French message)
PAGES = {
    400: (
        "Bad Request",
        "Requête invalide",
        "La requête n'a pas pu être lue. Vérifiez l'adresse de la page et réessayez.",
    ),
    403: ("Forbidden", "Accès refusé", "Cette requête n'est pas autorisée."),
    414: (
        "URI Too Long",
        "Adresse trop longue",
        "L'adresse demandée est trop longue. Revenez à la page précédente et réessayez "
        "avec moins de critères.",
    ),
    417: ("Expectation Failed", "Requête invalide", "La requête n'a pas pu être lue. Réessayez."),
    431: (
        "Request Header Fields Too Large",
        "En-têtes trop volumineux",
        "Votre navigateur a envoyé des en-têtes trop volumineux. Supprimez les cookies de ce "
        "site puis réessayez.",
    ),
    500: (
        "Internal Server Error",
        "Erreur du service",
        "Une erreur inattendue s'est produite. Réessayez plus tard.",
    ),
    501: (
        "Not Implemented",
        "Requête non prise en charge",
        "Ce type de requête n'est pas pris en charge.",
    ),
}


def french_error_response(status: int) -> bytes:
    """A complete HTTP/1.1 response (status line, headers, body) for a request gunicorn refused."""
    reason, title, message = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    body = (
        '<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)} — Cap Industrie, Seine-et-Marne</title></head>\n"
        f"<body><main><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
        '<p><a href="/">Retour à l\'accueil de Cap Industrie</a></p></main></body>\n</html>\n'
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Server: {SERVER_NAME}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Language: fr\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    return head + body


def write_french_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error: the English detail (`mesg`) stays in the log."""
    from gunicorn import util

    util.write_nonblock(sock, french_error_response(int(status_int)))


def use_french_server_pages() -> None:
    import gunicorn.http.wsgi
    import gunicorn.util

    gunicorn.util.write_error = write_french_error
    gunicorn.http.wsgi.SERVER = SERVER_NAME
