import click
from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="scheduler commands")
