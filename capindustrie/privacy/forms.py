from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from capindustrie.auth.passwords import verify_password
from capindustrie.forms import BaseForm


class CloseAccountForm(BaseForm):
    understood = BooleanField(
        "Je comprends que mon compte et mes données personnelles seront supprimés définitivement.",
        validators=[DataRequired("Cochez la case pour confirmer la fermeture.")],
    )
    password = PasswordField(
        "Mot de passe", validators=[DataRequired("Saisissez votre mot de passe pour confirmer.")]
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        if self.user is None or not verify_password(self.user.password_hash, field.data or ""):
            raise ValidationError("Le mot de passe est incorrect.")
