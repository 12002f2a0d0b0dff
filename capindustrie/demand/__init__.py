"""Demand shown to companies (issue 17): how many pupils still look for an internship, by
internship week, level and EPCI, from the classes' dates — counts only, never below 5 — and
« ouvrir des places » on an existing offer in one click."""

from flask import Blueprint

bp = Blueprint("demand", __name__)

from capindustrie.demand import routes  # noqa: E402, F401
