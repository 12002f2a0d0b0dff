from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from capindustrie.auth.forms import required_said
from capindustrie.auth.passwords import verify_password
from capindustrie.auth.wording import words_for
from capindustrie.forms import BaseForm


class CloseAccountForm(BaseForm):
    understood = BooleanField(
        "Je comprends que mon compte et mes données personnelles seront supprimés définitivement.",
        validators=[DataRequired("Cochez la case pour confirmer la fermeture.")],
    )
    password = PasswordField("Mot de passe", validators=[required_said("password_to_confirm")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.words = words_for(user)  # « tu » for a pupil (issue 17)

    def validate_password(self, field):
        if self.user is None or not verify_password(self.user.password_hash, field.data or ""):
            raise ValidationError("Le mot de passe est incorrect.")
