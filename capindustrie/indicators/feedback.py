"""The dashboard's figures from the feedback after the internship (issue 13, point 4).

Same filters and scope as the dashboard's placements (`services.placements_select`: the pupil's
school year, school, EPCI, REP/REP+, level, filière, campaign), read only through that function
and counted in the dashboard's own pass over those placements (services.application_pass).

Privacy (indicators/privacy.py): every count of answers between 1 and 4 shows « < 5 »; an
average or a share is shown only when it rests on at least 5 answers (below, the average of
3 answers and a known pupil could reveal that pupil's answer).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.indicators.filters import Filters, year_label
from capindustrie.indicators.privacy import SMALL_COUNT_THRESHOLD, masked_count
from capindustrie.indicators.services import application_pass, placements_select
from capindustrie.models import (
    Company,
    CompanyFeedback,
    Offer,
    Period,
    Placement,
    ProgrammeFollowed,
    Pupil,
    PupilFeedback,
    Recruitment,
    RecruitmentKind,
    School,
    SchoolClass,
)
from capindustrie.models.feedback import PROGRAMME_LABELS, RECRUITMENT_LABELS

SCORES = range(1, 6)
TOO_FEW = "< 5 réponses"


@dataclass(frozen=True)
class FeedbackSpec:
    key: str
    label: str
    kind: str = "count"  # count | score | rate
    base: str | None = None  # the count an average or share rests on
    listed: bool = False


FEEDBACK_FIGURES = (
    FeedbackSpec("pupil_answers", "Élèves ayant donné leur avis après le stage", listed=True),
    FeedbackSpec(
        "desire_before",
        "Envie de travailler dans l'industrie avant le stage (souvenir de l'élève, sur 5)",
        "score",
        "pupil_answers",
    ),
    FeedbackSpec(
        "desire_after",
        "« Ce stage t'a-t-il donné envie de travailler dans l'industrie ? » (moyenne sur 5)",
        "score",
        "pupil_answers",
    ),
    FeedbackSpec(
        "desire_up_share", "Part des élèves dont l'envie a augmenté", "rate", "pupil_answers"
    ),
    FeedbackSpec(
        "programme_share",
        "Part des élèves pour qui le programme a été suivi (réponse « oui »)",
        "rate",
        "pupil_answers",
    ),
    FeedbackSpec("company_answers", "Avis des entreprises (stages notés)", listed=True),
    FeedbackSpec(
        "company_satisfaction",
        "Satisfaction moyenne des entreprises (sur 5)",
        "score",
        "company_answers",
    ),
    FeedbackSpec(
        "host_again_share",
        "Part des avis d'entreprise prêts à accueillir de nouveau un élève",
        "rate",
        "company_answers",
    ),
    FeedbackSpec(
        "recruitments",
        "Recrutements après le stage (apprentissage, job d'été, alternance, emploi)",
        listed=True,
    ),
)
FEEDBACK_BY_KEY = {spec.key: spec for spec in FEEDBACK_FIGURES}


@dataclass
class FeedbackBoard:
    values: dict[str, float | int | None]
    # score → (pupils who gave it before, after): raw counts, shown masked.
    distribution: dict[int, tuple[int, int]] = field(default_factory=dict)

    def shown(self, key: str) -> int | float | str | None:
        """The value as it may be shown: small counts masked, thin averages withheld."""
        spec = FEEDBACK_BY_KEY[key]
        value = self.values[key]
        if spec.kind == "count":
            return masked_count(value)
        if (self.values[spec.base] or 0) < SMALL_COUNT_THRESHOLD:
            return TOO_FEW if self.values[spec.base] else None
        return value

    def display(self, key: str) -> str:
        return display(self.shown(key), FEEDBACK_BY_KEY[key].kind)

    def distribution_shown(self) -> list[tuple[int, int | str, int | str]]:
        return [
            (score, masked_count(before), masked_count(after))
            for score, (before, after) in sorted(self.distribution.items())
        ]


def display(value, kind: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind == "score":
        return f"{value:.1f}".replace(".", ",") + " / 5"
    if kind == "rate":
        return f"{value * 100:.1f}".replace(".", ",") + " %"
    return f"{value:,}".replace(",", "\u202f")


def _scope(f: Filters):
    """The ids of the placements the dashboard counts for these filters."""
    return placements_select(f, Placement.id)


def figures(f: Filters) -> FeedbackBoard:
    """From the dashboard's application pass (the answers are read with its placements, in
    the same statement; shared within a dashboard request)."""
    counts = application_pass(f).feedback
    answered, host_answers = counts.pupil_answers, counts.company_answers
    values = {
        "pupil_answers": answered,
        "desire_before": _mean(counts.before, answered),
        "desire_after": _mean(counts.after, answered),
        "desire_up_share": counts.desire_up / answered if answered else None,
        "programme_share": counts.programme_yes / answered if answered else None,
        "company_answers": host_answers,
        "company_satisfaction": counts.satisfaction_sum / host_answers if host_answers else None,
        "host_again_share": counts.host_again / host_answers if host_answers else None,
        "recruitments": counts.recruitments,
    }
    distribution = {
        score: (counts.before.get(score, 0), counts.after.get(score, 0)) for score in SCORES
    }
    return FeedbackBoard(values, distribution)


def _mean(by_score: dict[int, int], answers: int) -> float | None:
    return sum(score * n for score, n in by_score.items()) / answers if answers else None


# --- The lists behind the counts (staff only; no pupil's name: the answers are read by
# --- school, company and offer) -------------------------------------------------------------


def list_rows(key: str, f: Filters, limit: int) -> tuple[list[str], list[list], bool]:
    scope = _scope(f)
    if key == "pupil_answers":
        headers = [
            "Établissement",
            "Classe",
            "Entreprise",
            "Offre",
            "Avant (sur 5)",
            "Après (sur 5)",
            "Programme suivi",
            "Ce que l'élève a aimé",
        ]
        statement = (
            select(
                School.name,
                SchoolClass.name,
                Company.name,
                Offer.title,
                PupilFeedback.desire_before,
                PupilFeedback.desire_after,
                PupilFeedback.programme_followed,
                PupilFeedback.liked,
            )
            .select_from(PupilFeedback)
            .join(Placement, Placement.id == PupilFeedback.placement_id)
            .join(Period, Period.id == Placement.period_id)
            .join(Offer, Offer.id == Period.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .join(Pupil, Pupil.id == Placement.pupil_id)
            .join(SchoolClass, SchoolClass.id == Pupil.class_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(PupilFeedback.placement_id.in_(scope))
            .order_by(School.name, SchoolClass.name, Company.name)
        )
    elif key == "company_answers":
        headers = [
            "Entreprise",
            "Offre",
            "Fin du stage",
            "Satisfaction (sur 5)",
            "Accueillerait de nouveau",
        ]
        statement = (
            select(
                Company.name,
                Offer.title,
                Period.end_date,
                CompanyFeedback.satisfaction,
                CompanyFeedback.would_host_again,
            )
            .select_from(CompanyFeedback)
            .join(Placement, Placement.id == CompanyFeedback.placement_id)
            .join(Period, Period.id == Placement.period_id)
            .join(Offer, Offer.id == Period.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .where(CompanyFeedback.placement_id.in_(scope))
            .order_by(Company.name, Period.end_date)
        )
    elif key == "recruitments":
        headers = ["Entreprise", "Offre", "Type", "À partir du"]
        statement = (
            select(Company.name, Offer.title, Recruitment.kind, Recruitment.started_on)
            .select_from(Recruitment)
            .join(Placement, Placement.id == Recruitment.placement_id)
            .join(Period, Period.id == Placement.period_id)
            .join(Offer, Offer.id == Period.offer_id)
            .join(Company, Company.id == Offer.company_id)
            .where(Recruitment.placement_id.in_(scope))
            .order_by(Company.name, Recruitment.started_on)
        )
    else:
        raise KeyError(key)
    found = db.session.execute(statement.limit(limit + 1)).all()
    return headers, [[_text(v) for v in row] for row in found[:limit]], len(found) > limit


def _text(value):
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, ProgrammeFollowed):
        return PROGRAMME_LABELS[value]
    if isinstance(value, RecruitmentKind):
        return RECRUITMENT_LABELS[value]
    return "" if value is None else value


# --- Download --------------------------------------------------------------------------------


def table(f: Filters, now: datetime) -> tuple[list[str], list[list]]:
    """The figures as a sheet (masked like the page), then the distribution of the scores."""
    board = figures(f)
    headers = ["Indicateur", year_label(f.year)]
    body: list[list] = []
    for spec in FEEDBACK_FIGURES:
        shown = board.shown(spec.key)
        if isinstance(shown, float):
            shown = round(shown * 100, 1) if spec.kind == "rate" else round(shown, 1)
        body.append(
            [spec.label + (" (%)" if spec.kind == "rate" else ""), "" if shown is None else shown]
        )
    for score, before, after in board.distribution_shown():
        body.append([f"Élèves ayant répondu {score} / 5 avant le stage", before])
        body.append([f"Élèves ayant répondu {score} / 5 après le stage", after])
    return headers, body
