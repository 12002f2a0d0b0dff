"""Feedback after the internship (issue 13, point 4): the pupil's and the company's
questionnaires once a validated placement has ended, the recruitments a company records later,
the class's answers for its teachers. Figures for staff: capindustrie/indicators/feedback.py."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from capindustrie.feedback import routes  # noqa: E402,F401
