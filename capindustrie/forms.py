"""The one base class of every form of the app: the input rules shared by all fields live here,
so a form written tomorrow gets them without anyone remembering to add them."""

import unicodedata
from datetime import date, datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SubmitField,
    TextAreaField,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.form import BaseForm as WTFormsBaseForm
from wtforms.validators import Length, StopValidation

from capindustrie.form_translations import FRENCH, FrenchCSRF
from capindustrie.inputs import DB_INT_MAX

# Plausible years for every date typed in the app (births of pupils, internships, events). Beyond
# them, date arithmetic fails (« year 10000 is out of range ») before any rule can answer.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Length limits of fields that declare none: enough for any real value, far below a database or
# memory problem. A field with a Length (or PlainText) validator is bounded by that, with its
# own message.
DEFAULT_MAX_LENGTH = 1000
DEFAULT_MAX_LENGTH_MULTILINE = 10_000
# Hidden fields carry signed payloads (a class roster preview): bounded by MAX_CONTENT_LENGTH.
DEFAULT_MAX_LENGTH_HIDDEN = 5_000_000

LINE_BREAKS = {"\r", "\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"}
MULTILINE_ALLOWED = {"\r", "\n", "\t"}

SINGLE_LINE_MESSAGE = "Ce champ tient sur une seule ligne : retirez les retours à la ligne."
CONTROL_MESSAGE = (
    "Ce champ contient un caractère invisible non autorisé (caractère de contrôle) : "
    "retirez-le puis réessayez."
)
DATE_RANGE_MESSAGE = f"Date invalide : l'année doit être comprise entre {MIN_YEAR} et {MAX_YEAR}."
NUMBER_RANGE_MESSAGE = "Nombre invalide : il est beaucoup trop grand."

# Fields whose raw value the rules leave alone: files, tick boxes, buttons, the CSRF token
# (checked by Flask-WTF, with its own French error page), and containers of other forms (each
# sub-form is a BaseForm and checks its own fields).
_NOT_TYPED = (FileField, BooleanField, SubmitField, CSRFTokenField, FormField, FieldList)


def text_problem(value: str, multiline: bool, check_controls: bool = True) -> str | None:
    """The French reason a typed value is refused: NUL and other control characters anywhere,
    line breaks (and tabs) outside multi-line fields; with `check_controls` off (passwords), NUL
    only."""
    if not check_controls:
        return CONTROL_MESSAGE if "\x00" in value else None
    for char in value:
        if char in LINE_BREAKS and not multiline:
            return SINGLE_LINE_MESSAGE
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") and not (multiline and char in MULTILINE_ALLOWED):
            return CONTROL_MESSAGE
        if category in ("Zl", "Zp") and not multiline:
            return SINGLE_LINE_MESSAGE
    return None


def declared_max_length(field) -> int | None:
    """The limit a field states itself: Length(max=…) or PlainText(max_length)."""
    limits = []
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max not in (None, -1):
            limits.append(validator.max)
        elif isinstance(getattr(validator, "max_length", None), int):
            limits.append(validator.max_length)
    return min(limits) if limits else None


def default_max_length(field) -> int:
    if isinstance(field, TextAreaField):
        return DEFAULT_MAX_LENGTH_MULTILINE
    if isinstance(field, HiddenField):
        return DEFAULT_MAX_LENGTH_HIDDEN
    return DEFAULT_MAX_LENGTH


def length_problem(field, values: list[str]) -> str | None:
    """Over the field's limit. A field that states its own limit refuses with its own message
    (its validators follow; the form's `validate_<field>` is then skipped, see below)."""
    if declared_max_length(field) is not None:
        return None
    limit = default_max_length(field)
    # Browsers send a textarea's line breaks as CRLF but count them as one character.
    longest = max(len(v.replace("\r\n", "\n")) for v in values)
    if longest > limit:
        return (
            f"Ce champ est trop long : {limit} caractères au maximum "
            f"(vous en avez saisi {longest})."
        )
    return None


def value_problem(field) -> str | None:
    """Parsed values the database or date arithmetic cannot take."""
    data = field.data
    if isinstance(field, (DateField, DateTimeField)) and isinstance(data, (date, datetime)):
        if not MIN_YEAR <= data.year <= MAX_YEAR:
            return DATE_RANGE_MESSAGE
    if isinstance(field, (IntegerField, DecimalField, FloatField)) and data is not None:
        try:
            if abs(data) > DB_INT_MAX:
                return NUMBER_RANGE_MESSAGE
        except (TypeError, ValueError, ArithmeticError):
            return NUMBER_RANGE_MESSAGE
    return None


def input_rule(form, field) -> None:
    """The first validator of every field of every form. A refusal stops the field's chain:
    nothing after it (a database lookup, date arithmetic) ever sees the refused value."""
    raw = [v for v in (field.raw_data or []) if isinstance(v, str)]
    if field.process_errors and any(v.strip() for v in raw):
        # A typed value that could not even be parsed (a date, a number): its message is
        # already there. (An empty one is left to InputRequired or Optional, which follow.)
        raise StopValidation()
    if raw:
        multiline = isinstance(field, TextAreaField)
        # Passwords are hashed, never shown or stored: only NUL is refused in them.
        check_controls = not isinstance(field, PasswordField)
        for value in raw:
            problem = text_problem(value, multiline, check_controls)
            if problem:
                raise StopValidation(problem)
        values = [field.data] if isinstance(field.data, str) else raw
        if problem := length_problem(field, values):
            raise StopValidation(problem)
    if problem := value_problem(field):
        raise StopValidation(problem)


def unless_already_refused(validator):
    """A form's `validate_<field>` runs only on a value its field's own validators accepted:
    an e-mail address whose format is wrong is never looked up in the database."""

    def guarded(form, field):
        if field.errors:
            return None
        return validator(form, field)

    return guarded


class InputRules:
    """The shared input rules, run by every BaseForm's `validate` before anything else."""

    def validate(self, extra_validators=None) -> bool:
        for field in self:
            if not isinstance(field, _NOT_TYPED) and input_rule not in field.validators:
                field.validators = [input_rule, *field.validators]
        # What wtforms.Form.validate does, with the form's own `validate_<field>` guarded.
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name in self._fields:
            inline = getattr(type(self), f"validate_{name}", None)
            if inline is not None:
                extra.setdefault(name, []).append(inline)
        guarded = {
            name: [unless_already_refused(v) for v in validators]
            for name, validators in extra.items()
        }
        return WTFormsBaseForm.validate(self, guarded)


class BaseForm(InputRules, FlaskForm):
    """Every form of Cap Industrie derives from this class (a test checks it)."""

    class Meta:
        # Every built-in message in French, without flask-babel (see form_translations).
        locales = ["fr_FR", "fr"]
        csrf_class = FrenchCSRF

        def get_translations(self, form):
            return FRENCH


class SubForm(BaseForm):
    """A form repeated inside another (FieldList of FormField): the same input rules, and no
    CSRF token of its own (the enclosing form carries it)."""

    class Meta:
        csrf = False
