from flask import current_app, render_template

from capindustrie.caching import public_page
from capindustrie.legal import bp
from capindustrie.legal.retention_rules import retention_rows
from capindustrie.legal.services import compliance, config_date


@bp.get("/mentions-legales")
@public_page
def legal_notice():
    return render_template("legal/legal_notice.html")


@bp.get("/confidentialite")
@public_page
def privacy():
    return render_template("legal/privacy.html", retention=retention_rows())


@bp.get("/accessibilite")
@public_page
def accessibility():
    config = current_app.config
    return render_template(
        "legal/accessibility.html",
        compliance=compliance(config.get("ACCESSIBILITY_AUDIT_RATE")),
        statement_date=config_date(config.get("ACCESSIBILITY_STATEMENT_DATE")),
        audit_date=config_date(config.get("ACCESSIBILITY_AUDIT_DATE")),
    )


@bp.app_template_global()
def accessibility_status() -> str:
    """The footer's « Accessibilité : … » mention, which the RGAA requires on every page."""
    return compliance(current_app.config.get("ACCESSIBILITY_AUDIT_RATE")).status
