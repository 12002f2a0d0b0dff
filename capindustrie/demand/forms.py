from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from capindustrie.formfields import REQUIRED
from capindustrie.forms import BaseForm


class OpenSeatsForm(BaseForm):
    week = HiddenField()
    # Coerced by parse_id in the route: an id out of the database's range is « unknown ».
    offer = SelectField("Sur l'offre", choices=[], validate_choice=False)
    seats = IntegerField(
        "Places",
        default=2,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=20, message="Indiquez entre 1 et 20 places."),
        ],
    )
