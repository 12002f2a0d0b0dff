"""application.answer_days: days from the application to the company's first answer

Kept on the application when the company first accepts or refuses (states.transition), for the
indicators' median answer time: reading it is one column, where deriving it meant grouping the
whole transition log and parsing two timestamps per application on every dashboard page
(bench/indicators.py). Filled here from the log for existing applications.

Revision ID: 0016
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None

FIRST_ANSWER = """
    SELECT min(t.created_at) FROM application_transition t
    WHERE t.application_id = application.id
      AND t.to_status IN ('accepted', 'refused') AND t.actor_id IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("answer_days", sa.Float(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        days = f"EXTRACT(EPOCH FROM ({FIRST_ANSWER}) - application.created_at) / 86400.0"
    else:
        days = f"julianday(({FIRST_ANSWER})) - julianday(application.created_at)"
    op.execute(f"UPDATE application SET answer_days = {days}")


def downgrade():
    with op.batch_alter_table("application") as batch:
        batch.drop_column("answer_days")
