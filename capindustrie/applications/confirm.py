"""What each irreversible action on an application says before it happens (issue 17, point 6).

Pupils are addressed with « tu », companies with « vous ». The URLs come from the routes.
"""

from flask import current_app

from capindustrie.applications import services
from capindustrie.applications.states import S
from capindustrie.confirmations import Confirmation, ConfirmField
from capindustrie.models import Application
from capindustrie.text import elide, plural, plural_word


def _offer_words(application: Application) -> str:
    offer = application.period.offer
    return f"« {offer.title} » ({offer.company.name})"


def choose(application: Application, action_url: str, cancel_url: str) -> Confirmation:
    period = application.period
    others = services.withdrawn_by_choice(application)
    consequences = [
        f"Tu choisis le stage {_offer_words(application)}, {services.period_dates(period)}."
    ]
    if others:
        count = len(others)
        subject = "Ton autre candidature" if count == 1 else f"Tes {count} autres candidatures"
        verb = plural_word(count, "sera retirée", "seront retirées")
        listed = ", ".join(_offer_words(a) for a in others)
        told = plural_word(count, "L'entreprise sera prévenue", "Les entreprises seront prévenues")
        consequences.append(
            f"{subject} pour {services.period_words(period)} {verb} : {listed}. {told}."
        )
    else:
        consequences.append(
            f"Tu n'as pas d'autre candidature pour {services.period_words(period)} : "
            "rien d'autre n'est retiré."
        )
    consequences.append(
        "Ce choix est définitif : ton professeur principal doit ensuite valider ce stage. "
        "Pour changer d'avis, il faudra lui en parler."
    )
    return Confirmation(
        title="Choisir ce stage ?",
        consequences=consequences,
        action_url=action_url,
        button="Oui, je choisis ce stage",
        cancel_url=cancel_url,
    )


def withdraw(application: Application, action_url: str, cancel_url: str) -> Confirmation:
    company = application.period.offer.company.name
    if application.status == S.ACCEPTED:
        return Confirmation(
            title="Décliner la proposition ?",
            consequences=[
                f"La place que {company} te réservait pour le stage "
                f"{_offer_words(application)} sera libérée pour un autre élève.",
                "C'est définitif : tu ne pourras plus candidater à cette période de cette offre.",
            ],
            action_url=action_url,
            button="Oui, décliner la proposition",
            cancel_url=cancel_url,
            danger=True,
        )
    return Confirmation(
        title="Retirer ta candidature ?",
        consequences=[
            f"Ta candidature au stage {_offer_words(application)} sera retirée et "
            f"l'entreprise sera prévenue.",
            "C'est définitif : tu ne pourras plus candidater à cette période de cette offre.",
        ],
        action_url=action_url,
        button="Oui, retirer ma candidature",
        cancel_url=cancel_url,
        danger=True,
    )


def accept(application: Application, form, action_url: str, cancel_url: str) -> Confirmation:
    name = services.pupil_short_name(application.pupil)
    period = application.period
    left_after = max(period.seats_left - 1, 0)
    days = current_app.config["ACCEPTANCE_EXPIRY_DAYS"]
    return Confirmation(
        title=f"Accepter la candidature {elide(name)} ?",
        consequences=[
            f"Une place de la période {services.period_dates(period)} lui sera réservée "
            f"(ensuite : {plural(left_after, 'place restante', 'places restantes')}).",
            f"{name} aura {plural(days, 'jour')} pour confirmer son choix ; son professeur "
            "principal est prévenu.",
            "Votre réponse est définitive.",
        ],
        action_url=action_url,
        button="Oui, accepter",
        cancel_url=cancel_url,
        form=form,
        fields=[
            ConfirmField(
                form.message,
                hint="Facultatif, au plus 1 000 caractères. "
                "L'élève le lit sur son tableau de bord.",
                extra={"rows": 3, "maxlength": 1000},
            )
        ],
        hx_target="closest .application-card",
    )


def refuse(application: Application, form, action_url: str, cancel_url: str) -> Confirmation:
    name = services.pupil_short_name(application.pupil)
    return Confirmation(
        title=f"Refuser la candidature {elide(name)} ?",
        consequences=[
            f"{name} et son professeur principal verront votre refus ; l'élève pourra "
            "candidater ailleurs.",
            "Votre réponse est définitive.",
        ],
        action_url=action_url,
        button="Oui, refuser",
        cancel_url=cancel_url,
        form=form,
        fields=[
            ConfirmField(
                form.message,
                hint="Facultatif, au plus 1 000 caractères. Un mot "
                "d'explication aide l'élève à chercher ailleurs.",
                extra={"rows": 3, "maxlength": 1000},
            )
        ],
        danger=True,
        hx_target="closest .application-card",
    )


def accept_proposal(application: Application, action_url: str, cancel_url: str) -> Confirmation:
    name = services.pupil_short_name(application.pupil)
    days = current_app.config["ACCEPTANCE_EXPIRY_DAYS"]
    return Confirmation(
        title=f"Accepter la proposition pour {name} ?",
        consequences=[
            f"La place de la période {services.period_dates(application.period)} lui reste "
            "réservée.",
            f"{name} aura {plural(days, 'jour')} pour confirmer son choix ; son professeur "
            "principal est prévenu.",
            "Votre réponse est définitive.",
        ],
        action_url=action_url,
        button="Oui, accepter",
        cancel_url=cancel_url,
        hx_target="#company-proposals",
    )


def decline_proposal(application: Application, action_url: str, cancel_url: str) -> Confirmation:
    name = services.pupil_short_name(application.pupil)
    return Confirmation(
        title=f"Refuser la proposition pour {name} ?",
        consequences=[
            "La place réservée par la proposition redevient libre ; le professeur principal "
            "est prévenu et pourra proposer un autre stage.",
            "Votre réponse est définitive.",
        ],
        action_url=action_url,
        button="Oui, refuser",
        cancel_url=cancel_url,
        danger=True,
        hx_target="#company-proposals",
    )
