"""accounts hardening: server-side login sessions, login throttling, encrypted login slips

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-01 20:00:00

Issue 10 (accounts and sessions): a login is a row of `user_session` that logging out deletes.
Cookies issued before this revision name no row: everyone logs in again once.
The hard account lock (failed_logins, locked_until) gives way to `login_throttle`, keyed on the
pair (client address, account).
Pupils' temporary passwords wait for the slips PDF in `login_slip_batch` (encrypted, single use)
instead of a signed hidden field of the page.
Self-registered accounts wait for their e-mail address to be confirmed
(`user_account.awaiting_confirmation`, false for every existing account).
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table('login_throttle',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'), ['last_failure_at'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_account_failed_logins_positive'), type_='check')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('login_slip_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_login_slip_batch_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['user_account.id'], name=op.f('fk_login_slip_batch_teacher_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_slip_batch'))
    )
    with op.batch_alter_table('login_slip_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_slip_batch_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_slip_batch_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_slip_batch_teacher_id'), ['teacher_id'], unique=False)


def downgrade():
    with op.batch_alter_table('login_slip_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_slip_batch_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_login_slip_batch_expires_at'))
        batch_op.drop_index(batch_op.f('ix_login_slip_batch_class_id'))
    op.drop_table('login_slip_batch')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('awaiting_confirmation')
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_user_account_failed_logins_positive'), 'failed_logins >= 0')

    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
    op.drop_table('login_throttle')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_session_expires_at'))
    op.drop_table('user_session')
