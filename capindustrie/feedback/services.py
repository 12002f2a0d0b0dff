"""The rules of the feedback after the internship. No `request` here; callers pass `now`.

- A questionnaire opens once the placement has ended: the day after its period's last day,
  Paris time (the pupil is still in the company on the last day).
- One answer per respondent and placement, editable for EDIT_WINDOW after the first answer,
  then read-only.
- A recruitment (« cet élève est revenu chez nous ») can be added at any time after the end.
Functions that change state leave the commit to the caller.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capindustrie.extensions import db
from capindustrie.filters import french_date, to_paris
from capindustrie.models import (
    ApplicationStatus,
    CompanyFeedback,
    Offer,
    Period,
    Placement,
    ProgrammeFollowed,
    Pupil,
    PupilFeedback,
    Recruitment,
    RecruitmentKind,
    User,
)

EDIT_WINDOW = timedelta(days=30)
# A recruitment date: not before the internship, not more than a year ahead (a signed contract
# starting next September), never a typing slip of a century.
RECRUITMENT_AHEAD = timedelta(days=366)


class FeedbackClosed(Exception):
    """The questionnaire cannot be answered now; the message says why, in French."""


def paris_today(now: datetime) -> date:
    return to_paris(now).date()


def has_ended(placement: Placement, now: datetime) -> bool:
    return placement.period.end_date < paris_today(now)


def opens_on(placement: Placement) -> date:
    return placement.period.end_date + timedelta(days=1)


def not_yet_message(placement: Placement, *, pupil: bool) -> str:
    day = french_date(opens_on(placement))
    if pupil:
        return f"Le questionnaire s'ouvrira à la fin de ton stage, le {day}."
    return f"Le questionnaire s'ouvrira à la fin du stage, le {day}."


def editable_until(answer) -> datetime:
    return answer.first_answered_at + EDIT_WINDOW


def is_editable(answer, now: datetime) -> bool:
    return answer is None or now < editable_until(answer)


def read_only_message(answer, *, pupil: bool) -> str:
    until = french_date(editable_until(answer))
    if pupil:
        return (
            f"Tu as répondu le {french_date(answer.first_answered_at)}. Tes réponses pouvaient "
            f"être modifiées pendant 30 jours, jusqu'au {until} : elles sont maintenant "
            "définitives. Merci !"
        )
    return (
        f"Vous avez répondu le {french_date(answer.first_answered_at)}. Les réponses pouvaient "
        f"être modifiées pendant 30 jours, jusqu'au {until} : elles sont maintenant définitives."
    )


def is_live(placement: Placement) -> bool:
    """A placement still stands (its application was not moved away from « validé »)."""
    return placement.application.status == ApplicationStatus.VALIDATED


def check_open(placement: Placement, now: datetime, *, pupil: bool) -> None:
    if not is_live(placement):
        raise FeedbackClosed("Ce stage n'est plus validé : il n'y a pas de questionnaire.")
    if not has_ended(placement, now):
        raise FeedbackClosed(not_yet_message(placement, pupil=pupil))


# --- Answers -------------------------------------------------------------------------------------


def pupil_answer(placement: Placement) -> PupilFeedback | None:
    return db.session.scalar(
        select(PupilFeedback).where(PupilFeedback.placement_id == placement.id)
    )


def company_answer(placement: Placement) -> CompanyFeedback | None:
    return db.session.scalar(
        select(CompanyFeedback).where(CompanyFeedback.placement_id == placement.id)
    )


def save_pupil_answer(
    placement: Placement,
    now: datetime,
    *,
    desire_before: int,
    desire_after: int,
    programme_followed: ProgrammeFollowed,
    liked: str | None,
) -> PupilFeedback:
    check_open(placement, now, pupil=True)
    answer = pupil_answer(placement)
    if answer is not None and not is_editable(answer, now):
        raise FeedbackClosed(read_only_message(answer, pupil=True))
    if answer is None:
        answer = PupilFeedback(placement_id=placement.id, first_answered_at=now)
        db.session.add(answer)
    answer.desire_before = desire_before
    answer.desire_after = desire_after
    answer.programme_followed = programme_followed
    answer.liked = liked or None
    answer.updated_at = now
    return answer


def save_company_answer(
    placement: Placement, user: User, now: datetime, *, satisfaction: int, would_host_again: bool
) -> CompanyFeedback:
    check_open(placement, now, pupil=False)
    answer = company_answer(placement)
    if answer is not None and not is_editable(answer, now):
        raise FeedbackClosed(read_only_message(answer, pupil=False))
    if answer is None:
        answer = CompanyFeedback(placement_id=placement.id, first_answered_at=now)
        db.session.add(answer)
    answer.satisfaction = satisfaction
    answer.would_host_again = would_host_again
    answer.answered_by_id = user.id
    answer.updated_at = now
    return answer


# --- Recruitments ------------------------------------------------------------------------------


def recruitments(placement: Placement) -> list[Recruitment]:
    return list(
        db.session.scalars(
            select(Recruitment)
            .where(Recruitment.placement_id == placement.id)
            .order_by(Recruitment.started_on, Recruitment.id)
        )
    )


def recruitment_date_problem(placement: Placement, started_on: date, now: datetime) -> str | None:
    if started_on < placement.period.start_date:
        return (
            "La date ne peut pas précéder le stage "
            f"(commencé le {french_date(placement.period.start_date)})."
        )
    latest = paris_today(now) + RECRUITMENT_AHEAD
    if started_on > latest:
        return f"La date doit être au plus tard le {french_date(latest)} (un an d'avance)."
    return None


def add_recruitment(
    placement: Placement, user: User, now: datetime, *, kind: RecruitmentKind, started_on: date
) -> Recruitment:
    check_open(placement, now, pupil=False)
    problem = recruitment_date_problem(placement, started_on, now)
    if problem:
        raise FeedbackClosed(problem)
    duplicate = db.session.scalar(
        select(Recruitment.id).where(
            Recruitment.placement_id == placement.id,
            Recruitment.kind == kind,
            Recruitment.started_on == started_on,
        )
    )
    if duplicate is not None:
        raise FeedbackClosed("Ce retour est déjà enregistré (même type, même date).")
    recruitment = Recruitment(
        placement_id=placement.id,
        kind=kind,
        started_on=started_on,
        recorded_by_id=user.id,
        recorded_at=now,
    )
    db.session.add(recruitment)
    return recruitment


# --- What is due, for the dashboards -------------------------------------------------------------


@dataclass
class Due:
    placement: Placement
    answered: bool
    editable: bool


def _ended_placements(statement, now: datetime):
    return list(
        db.session.scalars(
            statement.join(Period, Period.id == Placement.period_id)
            .where(Period.end_date < paris_today(now))
            .options(
                joinedload(Placement.period).joinedload(Period.offer).joinedload(Offer.company),
                joinedload(Placement.application),
                joinedload(Placement.pupil).joinedload(Pupil.user),
            )
            .order_by(Period.end_date.desc(), Placement.id)
        ).unique()
    )


def pupil_due(user: User, now: datetime) -> list[Due]:
    """The pupil's ended placements, with whether they answered and may still edit."""
    statement = (
        select(Placement)
        .join(Pupil, Pupil.id == Placement.pupil_id)
        .where(Pupil.user_id == user.id)
    )
    placements = [p for p in _ended_placements(statement, now) if is_live(p)]
    answers = _answers(PupilFeedback, placements)
    return [Due(p, p.id in answers, is_editable(answers.get(p.id), now)) for p in placements]


def company_placements(company_id: int, now: datetime) -> list[Placement]:
    periods = (
        select(Period.id)
        .join(Offer, Offer.id == Period.offer_id)
        .where(Offer.company_id == company_id)
    )
    statement = select(Placement).where(Placement.period_id.in_(periods))
    return [p for p in _ended_placements(statement, now) if is_live(p)]


def company_due(company_id: int, now: datetime) -> list[Due]:
    placements = company_placements(company_id, now)
    answers = _answers(CompanyFeedback, placements)
    return [Due(p, p.id in answers, is_editable(answers.get(p.id), now)) for p in placements]


def _answers(model, placements: list[Placement]) -> dict:
    if not placements:
        return {}
    rows = db.session.scalars(
        select(model).where(model.placement_id.in_([p.id for p in placements]))
    )
    return {row.placement_id: row for row in rows}


@dataclass
class ClassRow:
    placement: Placement
    pupil_answer: PupilFeedback | None
    company_answer: CompanyFeedback | None
    recruitments: list[Recruitment]


def class_answers(class_id: int, now: datetime) -> list[ClassRow]:
    """For the class's teachers: each ended placement of the class with both answers."""
    statement = (
        select(Placement)
        .join(Pupil, Pupil.id == Placement.pupil_id)
        .where(Pupil.class_id == class_id)
    )
    placements = [p for p in _ended_placements(statement, now) if is_live(p)]
    return _rows(placements)


def pupil_rows(pupil_id: int, now: datetime) -> list[ClassRow]:
    statement = select(Placement).where(Placement.pupil_id == pupil_id)
    placements = [p for p in _ended_placements(statement, now) if is_live(p)]
    return _rows(placements)


def _rows(placements: list[Placement]) -> list[ClassRow]:
    pupils = _answers(PupilFeedback, placements)
    companies = _answers(CompanyFeedback, placements)
    found: dict[int, list[Recruitment]] = {}
    if placements:
        for r in db.session.scalars(
            select(Recruitment)
            .where(Recruitment.placement_id.in_([p.id for p in placements]))
            .order_by(Recruitment.started_on)
        ):
            found.setdefault(r.placement_id, []).append(r)
    rows = [
        ClassRow(p, pupils.get(p.id), companies.get(p.id), found.get(p.id, [])) for p in placements
    ]
    return sorted(rows, key=lambda r: (r.placement.pupil.user.last_name.lower(), r.placement.id))
