"""The error summary's entries: every message of a form, each with the id of the field it
concerns, so the summary can link to the field (`href="#id"`) and app.js can focus it.

Read from the fields themselves rather than `form.errors`: a FieldList caches its errors at
validation time, while routes add errors found later by the domain rules (periods, hours).
"""

from dataclasses import dataclass

from wtforms import FieldList, FormField

# Fields with nothing to click: a summary entry for them is plain text.
UNLINKED_TYPES = frozenset({"HiddenField", "CSRFTokenField"})


@dataclass(frozen=True)
class ErrorEntry:
    target_id: str | None  # the field's id, or None when there is no field to go to
    label: str  # the field's label, "" for a message about the whole form
    message: str


def error_entries(form, anchor: str | None = None) -> list[ErrorEntry]:
    """Field errors in the order of the form, then the form-level errors (`form.form_errors`),
    which link to `anchor` when given (e.g. the form or the block they are about)."""
    if form is None:
        return []
    entries = list(_field_entries(form, prefix=""))
    for message in getattr(form, "form_errors", None) or []:
        entries.append(ErrorEntry(anchor, "", message))
    return entries


def _field_entries(form, prefix: str):
    for field in form:
        if isinstance(field, FieldList):
            yield from _list_entries(field, prefix)
        elif isinstance(field, FormField):
            yield from _field_entries(field.form, prefix)
        elif field.errors:
            linked = field.type not in UNLINKED_TYPES
            label = prefix + field.label.text if linked else ""
            for message in _flat(field.errors):
                yield ErrorEntry(_target(field) if linked else None, label, message)


def _target(field) -> str:
    # Radio buttons have no element of the field's own id when rendered one by one: go to the
    # first choice (`<id>-0`, WTForms' naming), which exists however they are rendered.
    if field.type == "RadioField":
        return f"{field.id}-0"
    return field.id


def _list_entries(field_list: FieldList, prefix: str):
    # « Jour 2 — Titre du jour », « Période 1 — Places »: numbered as on screen.
    for number, entry in enumerate(field_list.entries, start=1):
        entry_prefix = f"{prefix}{field_list.label.text} {number} — "
        if isinstance(entry, FormField):
            yield from _field_entries(entry.form, entry_prefix)
        elif entry.errors:
            for message in _flat(entry.errors):
                yield ErrorEntry(entry.id, f"{prefix}{field_list.label.text} {number}", message)


def _flat(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            yield from _flat(value)
    elif isinstance(errors, list | tuple):
        for value in errors:
            yield from _flat(value)
    else:
        yield errors
