"""exports: runs with files on disk, a claim row for exclusive runs, per-offer delivery state

Revision ID: 0006
Revises: 0007 (branched from 0002; chained after the events migration merged on main)
Create Date: 2026-12-01 20:00:00

export_run existed unused (its csv_content/json_content kept whole files in the database): it is
recreated with the files' names and SHA-256, progress, warnings and kind (full/incremental).
export_lock is the claim row (one per export kind of lock) that keeps two processes from running
an export at once; export_delivery holds what the partner API knows of each offer and level.
offer.updated_at gets an index: incremental exports read what changed since the last run.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values))


def upgrade():
    op.drop_table('export_run')
    op.create_table(
        'export_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('export_kind', 'full', 'incremental'), nullable=False),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('triggered_by_id', sa.Integer(), nullable=True),
        sa.Column('format_version', sa.String(length=20), nullable=False),
        sa.Column('status', _enum('export_status', 'running', 'success', 'failed'),
                  nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('since', sa.DateTime(), nullable=True),
        sa.Column('total_rows', sa.Integer(), nullable=True),
        sa.Column('progress_rows', sa.Integer(), server_default='0', nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=True),
        sa.Column('deleted_count', sa.Integer(), nullable=True),
        sa.Column('csv_file', sa.String(length=200), nullable=True),
        sa.Column('json_file', sa.String(length=200), nullable=True),
        sa.Column('csv_sha256', sa.String(length=64), nullable=True),
        sa.Column('json_sha256', sa.String(length=64), nullable=True),
        sa.Column('csv_bytes', sa.Integer(), nullable=True),
        sa.Column('json_bytes', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('warnings', sa.Text(), nullable=True),
        sa.Column('delivery_summary', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['triggered_by_id'], ['user_account.id'],
                                name=op.f('fk_export_run_triggered_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_run')),
    )
    with op.batch_alter_table('export_run', schema=None) as batch_op:
        batch_op.create_index('ix_export_run_status_started', ['status', 'started_at'],
                              unique=False)

    op.create_table(
        'export_lock',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_export_lock')),
    )

    op.create_table(
        'export_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('remote_id', sa.String(length=60), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=4), nullable=False),
        sa.Column('state', _enum('export_delivery_state', 'pending', 'sent', 'refused',
                                 'withdrawn', 'error'), nullable=False),
        sa.Column('remote_known', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_run_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offer.id'],
                                name=op.f('fk_export_delivery_offer_id_offer'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_delivery')),
        sa.UniqueConstraint('remote_id', name=op.f('uq_export_delivery_remote_id')),
    )
    with op.batch_alter_table('export_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_delivery_offer_id'), ['offer_id'],
                              unique=False)

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_updated_at'))
    op.drop_table('export_delivery')
    op.drop_table('export_lock')
    op.drop_table('export_run')
    op.create_table(
        'export_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('format_version', sa.String(length=20), nullable=False),
        sa.Column('status', sa.Enum('success', 'error', name='export_status', native_enum=False,
                                    create_constraint=True), nullable=True),
        sa.Column('row_count', sa.Integer(), nullable=True),
        sa.Column('checksum', sa.String(length=64), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('csv_content', sa.Text(), nullable=True),
        sa.Column('json_content', sa.Text(), nullable=True),
        sa.Column('triggered_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['triggered_by_id'], ['user_account.id'],
                                name=op.f('fk_export_run_triggered_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_run')),
    )
