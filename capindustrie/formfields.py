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
