"""The teacher's classes over HTTP: classes, colleagues, pupil accounts, roster import, slips.

Every route takes the teacher role, and loads its class or pupil with get_for_user_or_404: a
class the teacher does not teach, or its pupils, are simply not found.
"""

from datetime import datetime

from flask import abort, current_app, flash, make_response, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.classes import bp, roster, services
from capindustrie.classes.forms import (
    ActionForm,
    ClassForm,
    ColleagueForm,
    MoveForm,
    PayloadForm,
    PupilForm,
    RosterForm,
)
from capindustrie.classes.slips import slips_pdf
from capindustrie.errors import render_error
from capindustrie.extensions import db
from capindustrie.filters import PARIS, french_date
from capindustrie.headers import attachment
from capindustrie.htmx import redirect_to
from capindustrie.models import Level, Pupil, Role, SchoolClass, User, utcnow
from capindustrie.offers.rules import school_year_label, school_year_of, troisieme_span
from capindustrie.text import elide, plural, search_key
from capindustrie.worklist import services as worklist
from capindustrie.worklist.helpers import remember_badge

SLIPS_EXPIRED = (
    "Les fiches de connexion se téléchargent dans les 15 minutes qui suivent la création des "
    "comptes. Pour en obtenir de nouvelles, utilisez « Nouvelles fiches de connexion » sur la "
    "page de la classe : les mots de passe provisoires seront remplacés."
)
SLIPS_STALE = (
    "Un mot de passe de ces fiches a changé depuis (l'élève a choisi le sien, ou il a été "
    "réinitialisé) : ces fiches ne sont plus valables. Demandez de nouvelles fiches depuis la "
    "page de la classe."
)
SLIPS_GONE = (
    "Ces fiches de connexion ont déjà été téléchargées, ou ne sont pas les vôtres : les mots "
    "de passe provisoires ne sont plus conservés. Pour en obtenir de nouveaux, utilisez "
    "« Nouvelles fiches de connexion » sur la page de la classe."
)
SLIPS_INVALID = (
    "Ces fiches de connexion ne sont pas valables. Recommencez depuis la page de la classe."
)
PREVIEW_INVALID = (
    "La prévisualisation a expiré (1 heure) ou n'est pas authentique : envoyez de nouveau le "
    "fichier."
)


def _today():
    return datetime.now(PARIS).date()


def _page(template: str, form=None, status: int | None = None, **context):
    """A form page: 422 when the submitted form was refused."""
    if status is None:
        status = 422 if form is not None and form.errors else 200
    return render_template(template, form=form, **context), status


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


# --- Classes -------------------------------------------------------------------------------------


@bp.get("/")
@role_required(Role.TEACHER)
def index():
    classes = services.teacher_classes(current_user)
    work = worklist.teacher_work(current_user, [k for k, _ in classes], _today())
    remember_badge(sum(item.to_validate for item in work))
    return render_template(
        "classes/index.html",
        classes=classes,
        year_label=school_year_label,
        work=work,
    )


def _date_hints(years: list[int]) -> list[str]:
    config = current_app.config
    hints = []
    for year in years:
        span = troisieme_span(year)
        fortnight = services.default_internship(Level.SECONDE, year, config)
        hints.append(
            f"En {school_year_label(year)} : 3e, une à trois semaines du lundi au vendredi "
            f"entre le {_short(span[0])} et le {_short(span[1])} ; 2nde, la quinzaine nationale "
            f"du {_short(fortnight[0])} au {_short(fortnight[1])}."
        )
    return hints


def _short(day) -> str:
    return french_date(day, weekday=False)


def _class_form(klass: SchoolClass | None = None) -> ClassForm:
    today = _today()
    years = services.school_year_choices(today, keep=klass.school_year if klass else None)
    data = {"school_year": school_year_of(today)}
    if klass is not None:
        data = {
            "name": klass.name,
            "level": klass.level.value,
            "school_year": klass.school_year,
            "internship_start": klass.internship_start,
            "internship_end": klass.internship_end,
        }
    return ClassForm(
        data=data,
        school_id=current_user.school_id,
        years=years,
        config=current_app.config,
        class_id=klass.id if klass else None,
    )


def _class_form_page(form: ClassForm, klass: SchoolClass | None):
    return _page(
        "classes/class_form.html",
        form,
        klass=klass,
        date_hints=_date_hints(list(form.school_year.choices)),
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def new_class():
    form = _class_form()
    if form.validate_on_submit():
        try:
            klass = services.create_class(current_user, form.details(), current_app.config)
            db.session.commit()
        except IntegrityError:
            # Another teacher created the same name a moment ago: the constraint decides.
            db.session.rollback()
            form.add_error("name", "Ce nom de classe vient d'être pris : choisissez-en un autre.")
        else:
            flash(f"Classe « {klass.name} » créée. Ajoutez maintenant ses élèves.", "success")
            return redirect_to("classes.detail", class_id=klass.id)
    return _class_form_page(form, None)


@bp.route("/<int:class_id>/modifier", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def edit_class(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = _class_form(klass)
    if form.validate_on_submit():
        try:
            services.update_class(klass, form.details(), current_app.config)
            db.session.commit()
        except services.ClassRuleError as refusal:
            db.session.rollback()
            form.add_error(refusal.field or "name", refusal.message)
        except IntegrityError:
            db.session.rollback()
            form.add_error("name", "Ce nom de classe vient d'être pris : choisissez-en un autre.")
        else:
            flash("Classe enregistrée.", "success")
            return redirect_to("classes.detail", class_id=klass.id)
    return _class_form_page(form, klass)


def _detail_page(
    klass: SchoolClass,
    colleague_form: ColleagueForm | None = None,
    status: int = 200,
    message: str | None = None,
):
    return _page(
        "classes/detail.html",
        colleague_form or ColleagueForm(formdata=None),
        status=status,
        klass=klass,
        pupils=services.class_pupils(klass),
        year_label=school_year_label,
        max_teachers=services.MAX_TEACHERS,
        action_form=ActionForm(formdata=None),
        message=message,
    )


@bp.get("/<int:class_id>")
@role_required(Role.TEACHER)
def detail(class_id: int):
    return _detail_page(get_for_user_or_404(SchoolClass, class_id))


# --- Colleagues ----------------------------------------------------------------------------------


@bp.post("/<int:class_id>/collegues")
@role_required(Role.TEACHER)
def add_colleague(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = ColleagueForm()
    if form.validate_on_submit():
        try:
            colleague = services.add_colleague(klass, form.email.data)
        except services.ClassRuleError as refusal:
            db.session.rollback()
            form.add_error("email", refusal.message)
        else:
            db.session.commit()
            flash(f"{colleague.display_name} est maintenant professeur de la classe.", "success")
            return redirect_to("classes.detail", class_id=klass.id)
    return _detail_page(klass, colleague_form=form, status=422)


@bp.post("/<int:class_id>/professeurs/<int:user_id>/retirer")
@role_required(Role.TEACHER)
def remove_colleague(class_id: int, user_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    colleague = db.session.get(User, user_id)
    if colleague is None or colleague not in klass.teachers:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_colleague(klass, colleague)
    except services.ClassRuleError as refusal:
        db.session.rollback()
        return _detail_page(klass, status=422, message=refusal.message)
    db.session.commit()
    if colleague.id == current_user.id:
        flash(f"Vous n'êtes plus professeur de la classe « {klass.name} ».", "success")
        return redirect_to("classes.index")
    flash(f"{colleague.display_name} n'est plus professeur de la classe.", "success")
    return redirect_to("classes.detail", class_id=klass.id)


# --- Pupil accounts ------------------------------------------------------------------------------


def _accounts_page(klass: SchoolClass, accounts: list[services.NewAccount], title: str,
                   intro: str):
    """Shown once, right after the passwords were made. The passwords stay on the server,
    encrypted, for one download of the slips within SLIPS_MAX_AGE: the page carries only the
    batch's id, nothing that decodes into a password."""
    batch = services.keep_slips(_secret(), klass, current_user, accounts, utcnow())
    db.session.commit()
    response = make_response(render_template(
        "classes/accounts_created.html",
        klass=klass,
        accounts=accounts,
        title=title,
        intro=intro,
        batch_id=batch.id,
        slips_form=ActionForm(formdata=None),
        slips_minutes=services.SLIPS_MAX_AGE // 60,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:class_id>/eleves/nouveau", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def add_pupil(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = PupilForm(klass=klass, today=_today())
    if form.validate_on_submit():
        try:
            accounts = services.create_pupils(klass, [form.details()])
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.add_error("last_name", "Le compte n'a pas pu être créé : réessayez.")
        else:
            pupil = accounts[0].pupil
            return _accounts_page(
                klass, accounts, "Élève ajouté",
                f"Le compte {elide(pupil.user.display_name)} est créé, avec l'identifiant "
                f"{pupil.user.username}.",
            )
    return _page("classes/pupil_form.html", form, klass=klass)


def _import_page(
    klass: SchoolClass,
    form: RosterForm,
    parsed: roster.Roster | None = None,
    confirm_form: PayloadForm | None = None,
    status: int | None = None,
):
    return _page(
        "classes/import.html",
        form,
        status=status,
        klass=klass,
        roster=parsed,
        confirm_form=confirm_form,
        max_rows=roster.MAX_ROWS,
    )


@bp.route("/<int:class_id>/import", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def import_roster(class_id: int):
    """Upload → preview. Nothing is saved here: the preview carries the checked rows, signed,
    to the confirm step."""
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = RosterForm()
    if not form.validate_on_submit():
        return _import_page(klass, form)
    parsed = roster.parse_roster(form.roster.data.read(), _today(), services.class_name_keys(klass))
    if parsed.error:
        form.add_error("roster", parsed.error)
        return _import_page(klass, form, parsed)
    if not parsed.ok:
        return _import_page(klass, form, parsed, status=422)
    people = [services.PupilDetails(r.last_name, r.first_name, r.birth_date) for r in parsed.rows]
    confirm = PayloadForm(
        formdata=None, data={"payload": services.sign_roster(_secret(), klass, people)}
    )
    return _import_page(klass, RosterForm(formdata=None), parsed, confirm_form=confirm)


@bp.post("/<int:class_id>/import/confirmer")
@role_required(Role.TEACHER)
def confirm_import(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = PayloadForm()
    upload = RosterForm(formdata=None)
    try:
        if not form.validate_on_submit():
            raise services.PayloadError("missing")
        people = services.load_roster(_secret(), form.payload.data, klass)
    except services.PayloadError:
        upload.add_error("roster", PREVIEW_INVALID)
        return _import_page(klass, upload, status=400)
    # The class may have changed since the preview (a pupil added by hand, a second click).
    known = services.class_name_keys(klass)
    already = [p for p in people if roster.name_key(p.last_name, p.first_name) in known]
    if already or not people or len(people) > roster.MAX_ROWS:
        names = ", ".join(f"{p.first_name} {p.last_name}" for p in already[:5])
        upload.add_error(
            "roster",
            f"Rien n'a été enregistré : déjà dans la classe depuis la prévisualisation : {names}."
            if already
            else PREVIEW_INVALID,
        )
        return _import_page(klass, upload, status=409)
    try:
        accounts = services.create_pupils(klass, people)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        upload.add_error(
            "roster", "Rien n'a été enregistré : un identifiant vient d'être pris. Réessayez."
        )
        return _import_page(klass, upload, status=409)
    return _accounts_page(
        klass, accounts, "Élèves importés",
        f"{plural(len(accounts), 'compte élève créé', 'comptes élève créés')} dans la classe "
        f"« {klass.name} ».",
    )


@bp.post("/<int:class_id>/fiches/<int:batch_id>")
@role_required(Role.TEACHER)
def slips(class_id: int, batch_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    if not ActionForm().validate_on_submit():
        return render_error(400, SLIPS_INVALID)
    try:
        slip_list = services.take_slips(_secret(), batch_id, klass, current_user, utcnow())
    except services.PayloadError as problem:
        # The batch is gone either way (used, expired or stale): a second try cannot succeed.
        db.session.commit()
        detail = {"expired": SLIPS_EXPIRED, "stale": SLIPS_STALE, "gone": SLIPS_GONE}
        return render_error(400, detail.get(str(problem), SLIPS_INVALID))
    login_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("auth.login")
    response = make_response(slips_pdf(slip_list, login_url))
    db.session.commit()  # single use: the passwords are deleted once the PDF is made
    response.headers["Content-Type"] = "application/pdf"
    slug = search_key(klass.name).replace(" ", "-") or "classe"
    response.headers["Content-Disposition"] = attachment(f"fiches-connexion-{slug}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:class_id>/fiches/nouvelles", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def renew_slips(class_id: int):
    """Lost slips: new temporary passwords for the pupils who never logged in."""
    klass = get_for_user_or_404(SchoolClass, class_id)
    pupils = services.pupils_never_logged_in(klass)
    form = ActionForm()
    if pupils and form.validate_on_submit():
        accounts = [services.reset_password(p) for p in pupils]
        db.session.commit()
        return _accounts_page(
            klass, accounts, "Nouvelles fiches de connexion",
            f"Nouveaux mots de passe provisoires pour {plural(len(accounts), 'élève')} : les "
            "anciennes fiches ne fonctionnent plus.",
        )
    return _page("classes/renew_slips.html", form, klass=klass, pupils=pupils)


def _pupil_and_class(pupil_id: int) -> tuple[Pupil, SchoolClass]:
    pupil = get_for_user_or_404(Pupil, pupil_id)
    return pupil, pupil.school_class


@bp.route("/eleves/<int:pupil_id>/mot-de-passe", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def reset_password(pupil_id: int):
    pupil, klass = _pupil_and_class(pupil_id)
    form = ActionForm()
    if form.validate_on_submit():
        account = services.reset_password(pupil)
        db.session.commit()
        return _accounts_page(
            klass,
            [account],
            "Mot de passe réinitialisé",
            f"{pupil.user.display_name} a un nouveau mot de passe provisoire : l'ancien ne "
            "fonctionne plus et ses sessions ouvertes sont fermées.",
        )
    return _page("classes/reset_password.html", form, klass=klass, pupil=pupil)


@bp.route("/eleves/<int:pupil_id>/classe", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def move_pupil(pupil_id: int):
    pupil, klass = _pupil_and_class(pupil_id)
    targets = services.move_targets(pupil, current_user)
    form = MoveForm(targets=targets)
    if targets and form.validate_on_submit():
        target = get_for_user_or_404(SchoolClass, form.target.data)
        try:
            services.move_pupil(pupil, target, current_user)
        except services.ClassRuleError as refusal:
            db.session.rollback()
            form.add_error("target", refusal.message)
        else:
            db.session.commit()
            flash(f"{pupil.user.display_name} est maintenant en « {target.name} ».", "success")
            return redirect_to("classes.detail", class_id=klass.id)
    return _page("classes/move.html", form, klass=klass, pupil=pupil, targets=targets)


@bp.route("/eleves/<int:pupil_id>/supprimer", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def remove_pupil(pupil_id: int):
    pupil, klass = _pupil_and_class(pupil_id)
    problem = services.removal_problem(pupil)
    form = ActionForm()
    if problem is None and form.validate_on_submit():
        name = pupil.user.display_name
        services.remove_pupil(pupil, current_user, utcnow())
        db.session.commit()
        flash(f"Le compte {elide(name)} est supprimé, avec ses candidatures.", "success")
        return redirect_to("classes.detail", class_id=klass.id)
    status = 422 if problem and form.is_submitted() else 200
    return _page(
        "classes/remove.html", form, status=status, klass=klass, pupil=pupil, problem=problem
    )
