"""The one base class of every form of the app: the input rules shared by all fields live here,
so a form written tomorrow gets them without anyone remembering to add them."""

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """Every form of Cap Industrie derives from this class (a test checks it)."""
