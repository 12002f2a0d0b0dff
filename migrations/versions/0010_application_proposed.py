"""application state « proposed »: placement proposals sent by the teacher (issue 15)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:10:00

The status columns are VARCHAR + CHECK (no native enum): the CHECK constraints are recreated
with the new value.
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD = (
    "submitted",
    "accepted",
    "refused",
    "withdrawn",
    "expired",
    "confirmed",
    "validated",
    "refused_by_teacher",
)
NEW = OLD + ("proposed",)

# (table, column, enum name, nullable)
COLUMNS = (
    ("application", "status", "application_status", False),
    ("application_transition", "from_status", "application_transition_from", True),
    ("application_transition", "to_status", "application_transition_to", False),
)


def _recreate(values):
    allowed = ", ".join(f"'{v}'" for v in values)
    for table, column, name, _nullable in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_{name}"), f"{column} IN ({allowed})"
            )


def upgrade():
    _recreate(NEW)


def downgrade():
    op.execute(
        "DELETE FROM application_transition WHERE from_status = 'proposed' "
        "OR to_status = 'proposed'"
    )
    op.execute("DELETE FROM application WHERE status = 'proposed'")
    _recreate(OLD)
