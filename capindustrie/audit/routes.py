"""The audit log page (staff only): read-only, filtered, paginated."""

from flask import request

from capindustrie.audit import bp, services
from capindustrie.audit.forms import AuditFilterForm
from capindustrie.authz import role_required
from capindustrie.extensions import db
from capindustrie.htmx import render
from capindustrie.inputs import page_number
from capindustrie.models import Role

PER_PAGE = 50


@bp.get("/")
@role_required(Role.STAFF)
def index():
    form = AuditFilterForm(request.args, actor_choices=services.staff_choices())
    form.clean()
    filters = services.EntryFilters(
        action=form.action.data or None,
        actor_id=int(form.actor.data) if form.actor.data else None,
        since=form.since.data,
        until=form.until.data,
    )
    results = db.paginate(
        services.entries_select(filters), page=_page_number(), per_page=PER_PAGE, error_out=False
    )
    return render(
        "audit/index.html",
        "audit/_results.html",
        form=form,
        results=results,
        query=form.query(),
        actions=services.ACTIONS,
        retention=services.RETENTION_LABEL,
    )


def _page_number() -> int:
    return page_number(request.args.get("page"))
