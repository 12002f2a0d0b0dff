import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="users commands")
