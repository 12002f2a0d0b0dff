"""Forms of the convention: the school's profile, the pupil's family, the host's signatory,
issuing and amending."""

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from capindustrie.classes.forms import FrenchDateField
from capindustrie.formfields import REQUIRED, PlainText
from capindustrie.forms import BaseForm
from capindustrie.models import SCHOOL_STATUS_LABELS, SchoolStatus
from capindustrie.offers.rules import phone_problem

EMAIL = [Email("Adresse e-mail invalide."), Length(max=254)]


def _phone(form, field):
    if field.data and (problem := phone_problem(field.data)):
        raise ValidationError(problem)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SchoolProfileForm(BaseForm):
    status = RadioField(
        "Statut de l'établissement",
        choices=[SelectChoice(s.value, SCHOOL_STATUS_LABELS[s].capitalize()) for s in SchoolStatus],
        validators=[DataRequired("Choisissez le statut de l'établissement.")],
    )
    phone = StringField(
        "Téléphone de l'établissement",
        filters=[_strip],
        validators=[DataRequired(REQUIRED), _phone],
    )
    email = StringField(
        "E-mail de l'établissement", filters=[_strip], validators=[DataRequired(REQUIRED), *EMAIL]
    )
    head_name = StringField(
        "Nom du chef d'établissement",
        filters=[_strip],
        validators=[DataRequired(REQUIRED), Length(max=160), PlainText(160)],
    )
    board_authorisation_date = FrenchDateField(
        "Date de la délibération du conseil d'administration autorisant les conventions",
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        # After the fields: the date is Optional(), which stops its own validators when blank.
        valid = super().validate(extra_validators)
        field = self.board_authorisation_date
        if (
            self.status.data == SchoolStatus.PUBLIC.value
            and field.data is None
            and not field.errors
        ):
            field.errors = [
                "Pour un établissement public, indiquez la date de la délibération du conseil "
                "d'administration : la convention la cite."
            ]
            return False
        return valid


class FamilyForm(BaseForm):
    birth_date = FrenchDateField("Date de naissance de l'élève", validators=[Optional()])
    referent_phone = StringField(
        "Votre téléphone (professeur référent)", filters=[_strip], validators=[Optional(), _phone]
    )
    rep1_name = StringField(
        "Nom et prénom", filters=[_strip], validators=[Optional(), Length(max=160), PlainText(160)]
    )
    rep1_email = StringField("E-mail", filters=[_strip], validators=[Optional(), *EMAIL])
    rep1_phone = StringField("Téléphone", filters=[_strip], validators=[Optional(), _phone])
    rep2_name = StringField(
        "Nom et prénom", filters=[_strip], validators=[Optional(), Length(max=160), PlainText(160)]
    )
    rep2_email = StringField("E-mail", filters=[_strip], validators=[Optional(), *EMAIL])
    rep2_phone = StringField("Téléphone", filters=[_strip], validators=[Optional(), _phone])
    pai = RadioField(
        "L'élève a-t-il un projet d'accueil individualisé (PAI) ?",
        choices=[SelectChoice("non", "Non"), SelectChoice("oui", "Oui")],
        validators=[Optional()],
    )
    pai_kit = StringField(
        "Qui apporte la trousse d'urgence du PAI ?",
        filters=[_strip],
        validators=[Optional(), Length(max=300), PlainText(300)],
    )
    insurance_certificate = BooleanField(
        "L'attestation d'assurance responsabilité civile de la famille a été remise"
    )

    def validate(self, extra_validators=None) -> bool:
        # After the fields: pai_kit is Optional(), which stops its own validators when blank.
        valid = super().validate(extra_validators)
        if self.pai.data == "oui" and not self.pai_kit.data:
            self.pai_kit.errors = [
                *self.pai_kit.errors,
                "Indiquez qui apporte la trousse d'urgence prévue par le PAI.",
            ]
            return False
        return valid


class HostSignatoryForm(BaseForm):
    host_rep_name = StringField(
        "Nom et prénom",
        filters=[_strip],
        validators=[DataRequired(REQUIRED), Length(max=160), PlainText(160)],
    )
    host_rep_function = StringField(
        "Fonction",
        filters=[_strip],
        validators=[DataRequired(REQUIRED), Length(max=160), PlainText(160)],
    )
    host_rep_email = StringField(
        "E-mail", filters=[_strip], validators=[DataRequired(REQUIRED), *EMAIL]
    )
    host_rep_phone = StringField(
        "Téléphone", filters=[_strip], validators=[DataRequired(REQUIRED), _phone]
    )


class IssueForm(BaseForm):
    """Issue the convention: nothing to type, the CSRF token is the form."""


class AmendmentForm(BaseForm):
    reason = TextAreaField(
        "Ce qui change et pourquoi",
        filters=[_strip],
        validators=[
            DataRequired("Indiquez ce qui change : tous les signataires le liront."),
            Length(min=10, message="Au moins 10 caractères."),
            PlainText(1000),
        ],
    )


class RequestCodeForm(BaseForm):
    """Send me a code: nothing to type, the CSRF token is the form."""


class CodeForm(BaseForm):
    code = StringField(
        "Code reçu par e-mail (6 chiffres)",
        filters=[_strip],
        validators=[
            DataRequired("Saisissez le code à 6 chiffres reçu par e-mail."),
            Regexp(r"^\d{6}$", message="Le code compte exactement 6 chiffres."),
        ],
    )


class PupilSignatureForm(BaseForm):
    read = BooleanField(
        "J'ai lu la convention et ses annexes",
        validators=[DataRequired("Cochez la case pour confirmer que vous avez lu la convention.")],
    )


class PaperSignatureForm(BaseForm):
    party = SelectField("Signataire", validate_choice=False, validators=[DataRequired(REQUIRED)])
    signer_name = StringField(
        "Nom de la personne qui a signé",
        filters=[_strip],
        validators=[DataRequired(REQUIRED), Length(max=160), PlainText(160)],
    )
    scan = FileField(
        "Scan de la page signée (PDF, PNG ou JPEG, 5 Mo au plus)",
        validators=[FileRequired("Joignez le scan de la page signée.")],
    )

    def validate_party(self, field):
        allowed = {
            getattr(c, "value", c[0] if isinstance(c, tuple) else c) for c in field.choices or ()
        }
        if field.data not in allowed:
            raise ValidationError("Choisissez un signataire dans la liste.")
