"""Validators shared by the forms of every area."""

from wtforms.validators import ValidationError

from capindustrie.offers.rules import plain_text_problem

REQUIRED = "Ce champ est obligatoire."


class PlainText:
    """Length limit counted as the user sees it (CRLF is one character), no control characters.
    HTML is kept as typed: Jinja escapes it on output."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def __call__(self, form, field):
        problem = plain_text_problem(field.data, self.max_length)
        if problem:
            raise ValidationError(problem)


def in_french(field_class, message: str):
    """The field, with WTForms' English parsing and choice errors replaced by `message`."""

    class French(field_class):
        def process_formdata(self, valuelist):
            try:
                super().process_formdata(valuelist)
            except ValueError as exc:
                raise ValueError(message) from exc

        def pre_validate(self, form):
            try:
                super().pre_validate(form)
            except ValidationError as exc:
                raise ValidationError(message) from exc

    French.__name__ = field_class.__name__  # the field macro reads f.type
    return French
