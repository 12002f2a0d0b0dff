"""The two questionnaires and the « revenu chez nous » form. The pupil is addressed as « tu »,
the company as « vous »."""

from wtforms import DateField as _DateField
from wtforms import RadioField as _RadioField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from capindustrie.formfields import PlainText, in_french
from capindustrie.forms import BaseForm
from capindustrie.models.feedback import (
    MAX_LIKED_LENGTH,
    PROGRAMME_LABELS,
    RECRUITMENT_LABELS,
    ProgrammeFollowed,
    RecruitmentKind,
)

SCALE = [SelectChoice(n, str(n)) for n in range(1, 6)]
PUPIL_CHOICE_ERROR = "Choisis une des réponses proposées."
COMPANY_CHOICE_ERROR = "Choisissez une des réponses proposées."
DATE_ERROR = "Indiquez une date valide (jj/mm/aaaa)."


PupilRadio = in_french(_RadioField, PUPIL_CHOICE_ERROR)
CompanyRadio = in_french(_RadioField, COMPANY_CHOICE_ERROR)
DateField = in_french(_DateField, DATE_ERROR)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PupilFeedbackForm(BaseForm):
    desire_before = PupilRadio(
        "Avant ce stage, avais-tu envie de travailler dans l'industrie ?",
        coerce=int,
        choices=SCALE,
        validators=[InputRequired("Choisis une note de 1 à 5 pour « avant ce stage ».")],
    )
    desire_after = PupilRadio(
        "Ce stage t'a-t-il donné envie de travailler dans l'industrie ?",
        coerce=int,
        choices=SCALE,
        validators=[InputRequired("Choisis une note de 1 à 5 pour « après ce stage ».")],
    )
    programme_followed = PupilRadio(
        "Le programme prévu a-t-il été suivi ?",
        choices=[SelectChoice(p.value, PROGRAMME_LABELS[p]) for p in ProgrammeFollowed],
        validators=[InputRequired("Dis-nous si le programme a été suivi.")],
    )
    liked = TextAreaField(
        "Qu'as-tu aimé pendant ce stage ? (facultatif)",
        filters=[_strip],
        validators=[Optional(), Length(max=MAX_LIKED_LENGTH), PlainText(MAX_LIKED_LENGTH)],
    )


class CompanyFeedbackForm(BaseForm):
    satisfaction = CompanyRadio(
        "Êtes-vous satisfait de ce stage ?",
        coerce=int,
        choices=SCALE,
        validators=[InputRequired("Choisissez une note de 1 à 5.")],
    )
    would_host_again = CompanyRadio(
        "Accueilleriez-vous de nouveau un élève ?",
        choices=[SelectChoice("oui", "Oui"), SelectChoice("non", "Non")],
        validators=[InputRequired("Dites-nous si vous accueilleriez de nouveau un élève.")],
    )


class RecruitmentForm(BaseForm):
    kind = CompanyRadio(
        "Cet élève est revenu chez vous en",
        choices=[SelectChoice(k.value, RECRUITMENT_LABELS[k]) for k in RecruitmentKind],
        validators=[InputRequired("Choisissez le type de retour.")],
    )
    started_on = DateField(
        "À partir du",
        validators=[InputRequired("Indiquez la date de début.")],
    )
