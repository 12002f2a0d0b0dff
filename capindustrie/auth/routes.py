"""Login, logout, registration, password change and reset (filled in by the auth work)."""

from flask import render_template

from capindustrie.auth import bp


@bp.get("/connexion")
def login():
    return render_template("auth/login.html")


@bp.get("/mot-de-passe")
def change_password():
    return render_template("auth/login.html")
