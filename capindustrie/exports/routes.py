"""Export views. Staff: the export page, trigger, progress, history and downloads, deliveries.
Public: the JSON Schema and format documentation, the RSS/Atom feeds (no personal data)."""

import threading

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from capindustrie import ROOT
from capindustrie.audit.services import record
from capindustrie.authz import role_required
from capindustrie.exports import bp, feeds, runs, services
from capindustrie.exports.forms import KIND_LABELS, ExportTriggerForm
from capindustrie.extensions import db
from capindustrie.htmx import redirect_to, render
from capindustrie.inputs import page_number
from capindustrie.models import DeliveryState, ExportKind, ExportRun, Role

HISTORY_PER_PAGE = 20
DELIVERIES_PER_PAGE = 50


# Staff ---------------------------------------------------------------------------------------


@bp.get("/export/")
@role_required(Role.STAFF)
def index():
    return _render_index(ExportTriggerForm())


def _render_index(form, error: str | None = None, status: int = 200):
    page = page_number(request.args.get("page"))
    history = db.paginate(
        services.history_select(), page=page, per_page=HISTORY_PER_PAGE, error_out=False
    )
    return render(
        "exports/index.html",
        "exports/_trigger.html",
        status=status,
        form=form,
        error=error,
        history=history,
        overview=services.overview(),
        kind_labels=KIND_LABELS,
    )


@bp.post("/export/lancer")
@role_required(Role.STAFF)
def trigger():
    form = ExportTriggerForm()
    if not form.validate_on_submit():
        return _render_index(form, status=422)
    try:
        run = runs.claim_run(ExportKind(form.kind.data), "staff", current_user.id)
    except runs.ExportAlreadyRunning as exc:
        return _render_index(form, error=str(exc), status=422)
    record(current_user, "export.run", run, kind=run.kind, trigger="staff")
    db.session.commit()
    _start(run.id)
    return redirect_to("exports.run_detail", run_id=run.id)


def _start(run_id: int) -> None:
    """Run the claimed export: in a background thread (the page polls its progress), or inline
    when EXPORT_ASYNC is off (tests)."""
    app = current_app._get_current_object()
    if not app.config["EXPORT_ASYNC"]:
        runs.execute_run(run_id)
        return

    def work():
        with app.app_context():
            runs.execute_run(run_id)

    threading.Thread(target=work, name=f"export-{run_id}", daemon=True).start()


@bp.get("/export/executions/<int:run_id>")
@role_required(Role.STAFF)
def run_detail(run_id: int):
    return _run_page(run_id)


@bp.get("/export/executions/<int:run_id>/progression")
@role_required(Role.STAFF)
def run_progress(run_id: int):
    return _run_page(run_id)


def _run_page(run_id: int):
    """The run's page, or its progress fragment for the HTMX poll (render() picks)."""
    run = db.get_or_404(ExportRun, run_id)
    return render(
        "exports/run.html", "exports/_progress.html", run=run, warnings=runs.run_warnings(run)
    )


@bp.get("/export/executions/<int:run_id>/fichier.<any(csv, json):fmt>")
@role_required(Role.STAFF)
def download(run_id: int, fmt: str):
    run = db.get_or_404(ExportRun, run_id)
    name = run.csv_file if fmt == "csv" else run.json_file
    path = runs.export_dir() / name if name else None
    if path is None or not path.is_file():
        abort(404)
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)


@bp.get("/export/envois")
@role_required(Role.STAFF)
def deliveries():
    state = request.args.get("etat") or None
    if state is not None and state not in {s.value for s in DeliveryState}:
        state = None
    page = page_number(request.args.get("page"))
    results = db.paginate(
        services.deliveries_select(state),
        page=page,
        per_page=DELIVERIES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "exports/deliveries.html",
        results=results,
        state=state,
        labels=services.DELIVERY_LABELS,
        counts=services.delivery_counts(),
    )


# Public --------------------------------------------------------------------------------------


@bp.get("/export/schema/v1.json")
def schema():
    response = send_file(runs.formats.SCHEMA_PATH, mimetype="application/schema+json", max_age=3600)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/export/format")
def format_doc():
    text = (ROOT / "docs" / "export-format.md").read_text(encoding="utf-8")
    return Response(text, mimetype="text/markdown", headers={"Cache-Control": "max-age=3600"})


@bp.get("/flux/etablissement/<uai>.rss")
def school_feed(uai: str):
    school = feeds.school_for_feed(uai)
    if school is None:
        abort(404)
    items = feeds.nearest_offers(school)
    return feeds.cached_feed_response(
        lambda: render_template(
            "exports/school_feed.xml",
            school=school,
            items=items,
            self_url=url_for("exports.school_feed", uai=school.uai, _external=True),
        ),
        "application/rss+xml; charset=utf-8",
        feeds.last_modified([hit.offer for hit in items]),
    )


@bp.get("/flux/offres.atom")
def new_offers_feed():
    offers = feeds.newest_offers()
    return feeds.cached_feed_response(
        lambda: render_template(
            "exports/offers_feed.xml",
            offers=offers,
            self_url=url_for("exports.new_offers_feed", _external=True),
        ),
        "application/atom+xml; charset=utf-8",
        feeds.last_modified(offers),
    )


@bp.app_template_filter("rfc822")
def _rfc822(value):
    return feeds.rfc822(value)


@bp.app_template_filter("rfc3339")
def _rfc3339(value):
    return feeds.rfc3339(value)


@bp.context_processor
def _labels():
    from capindustrie.models import ExportStatus

    return {
        "status_labels": services.STATUS_LABELS,
        "trigger_labels": runs.TRIGGER_LABELS,
        "delivery_labels": services.DELIVERY_LABELS,
        "STATUS": ExportStatus,
    }
