"""Forms of the indicators area (staff)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from capindustrie.forms import BaseForm


class HeadcountForm(BaseForm):
    year = SelectField(
        "Année scolaire",
        coerce=int,
        validators=[InputRequired(message="Choisissez l'année scolaire.")],
    )
    headcounts = FileField(
        "Fichier des effectifs (CSV)",
        validators=[FileRequired(message="Choisissez le fichier CSV des effectifs.")],
    )
