"""school headcounts per level and school year, for the indicators' shares

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01 21:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "school_headcount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "3e", "2nde", name="headcount_level", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("pupils", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "pupils >= 0 AND pupils <= 2000", name=op.f("ck_school_headcount_pupils_range")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_school_headcount_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_headcount")),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "level",
            name=op.f("uq_school_headcount_school_id_school_year_level"),
        ),
    )


def downgrade():
    op.drop_table("school_headcount")
