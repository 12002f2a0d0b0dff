"""feedback after the internship: invitations, pupil and company answers, recruitments (issue 13)

Revision ID: 0012
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "company_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("would_host_again", sa.Boolean(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("first_answered_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "satisfaction BETWEEN 1 AND 5", name=op.f("ck_company_feedback_satisfaction_range")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_company_feedback_answered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_company_feedback_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_feedback")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_company_feedback_placement_id")),
    )
    op.create_table(
        "feedback_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "respondent",
            sa.Enum(
                "pupil",
                "company",
                name="feedback_respondent",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("emails", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_feedback_invitation_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_invitation")),
        sa.UniqueConstraint(
            "placement_id",
            "respondent",
            name=op.f("uq_feedback_invitation_placement_id_respondent"),
        ),
    )
    op.create_table(
        "feedback_recruitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "apprentissage",
                "job_ete",
                "alternance",
                "emploi",
                name="recruitment_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_feedback_recruitment_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_feedback_recruitment_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_recruitment")),
        sa.UniqueConstraint(
            "placement_id",
            "kind",
            "started_on",
            name=op.f("uq_feedback_recruitment_placement_id_kind_started_on"),
        ),
    )
    with op.batch_alter_table("feedback_recruitment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_recruitment_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "pupil_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("desire_before", sa.Integer(), nullable=False),
        sa.Column("desire_after", sa.Integer(), nullable=False),
        sa.Column(
            "programme_followed",
            sa.Enum(
                "oui",
                "en_partie",
                "non",
                name="feedback_programme",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("liked", sa.Text(), nullable=True),
        sa.Column("first_answered_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "desire_after BETWEEN 1 AND 5", name=op.f("ck_pupil_feedback_desire_after_range")
        ),
        sa.CheckConstraint(
            "desire_before BETWEEN 1 AND 5", name=op.f("ck_pupil_feedback_desire_before_range")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_pupil_feedback_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pupil_feedback")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_pupil_feedback_placement_id")),
    )


def downgrade():
    op.drop_table("pupil_feedback")
    with op.batch_alter_table("feedback_recruitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_recruitment_placement_id"))

    op.drop_table("feedback_recruitment")
    op.drop_table("feedback_invitation")
    op.drop_table("company_feedback")
