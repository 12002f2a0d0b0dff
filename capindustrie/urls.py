"""Absolute links for e-mails and PDFs.

Built from the configured PUBLIC_BASE_URL, never from the request's Host header (which whoever
sends the request controls), and usable from a scheduler job, where there is no request."""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, url_scheme=base.scheme or "https", script_name=base.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)
