"""events with sessions, campaigns, group registrations with a waitlist, calendar feeds

Revision ID: 0007
Revises: 0002
Create Date: 2026-12-01 19:44:12

The first `event` and `registration` tables (one date, one capacity per event) were never used
by any code: they are dropped and rebuilt in the shape of issue 12 (an event has sessions, each
with its capacity; a registration is a class's group for a session, or a waitlist entry).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_event_id'))
    op.drop_table('registration')
    op.drop_table('event')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_filename', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('attachment_content_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('attachment_content', sa.Text(), nullable=True))

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_campaign_dates_ordered')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('name', name=op.f('uq_campaign_name'))
    )
    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feed_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feed_user_id'))
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('visite', 'atelier', 'forum', 'rencontre', 'portes_ouvertes', name='event_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.Enum('3e', '2nde', 'all', name='event_audience', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'published', 'rejected', 'cancelled', name='event_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=5), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('geo_precision', sa.Enum('address', 'commune', name='event_geo_precision', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('meeting_point', sa.Text(), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=True),
    sa.Column('practical_notes', sa.Text(), nullable=True),
    sa.Column('allow_individual', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('waitlist_allow_skip', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(), nullable=False),
    sa.Column('registration_closes_at', sa.DateTime(), nullable=False),
    sa.Column('cancellation_days', sa.Integer(), server_default='2', nullable=False),
    sa.Column('names_days', sa.Integer(), server_default='7', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(latitude IS NULL) = (longitude IS NULL)', name=op.f('ck_event_coordinates_together')),
    sa.CheckConstraint('cancellation_days >= 0', name=op.f('ck_event_cancellation_days_positive')),
    sa.CheckConstraint('names_days >= 0', name=op.f('ck_event_names_days_positive')),
    sa.CheckConstraint('registration_closes_at > registration_opens_at', name=op.f('ck_event_registration_window')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_event_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee'], name=op.f('fk_event_commune_insee_commune')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_event_company_id_company')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_event_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_status'), ['status'], unique=False)

    op.create_table('event_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('capacity >= 1 AND capacity <= 500', name=op.f('ck_event_session_capacity_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_session_times_ordered')),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= capacity', name=op.f('ck_event_session_seats_taken_range')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_session_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_session'))
    )
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_session_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_session_starts_at'), ['starts_at'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('pupils', sa.Integer(), server_default='1', nullable=False),
    sa.Column('adults', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='registration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('attendance', sa.Enum('present', 'absent', 'excused', name='registration_attendance', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('present_count', sa.Integer(), nullable=True),
    sa.Column('reminder_7_sent_at', sa.DateTime(), nullable=True),
    sa.Column('reminder_2_sent_at', sa.DateTime(), nullable=True),
    sa.Column('satisfaction_asked_at', sa.DateTime(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('satisfaction_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('adults >= 0', name=op.f('ck_registration_adults_positive')),
    sa.CheckConstraint('present_count IS NULL OR present_count >= 0', name=op.f('ck_registration_present_count_positive')),
    sa.CheckConstraint('pupil_id IS NOT NULL OR class_id IS NOT NULL', name=op.f('ck_registration_who')),
    sa.CheckConstraint('pupils >= 1', name=op.f('ck_registration_pupils_positive')),
    sa.CheckConstraint('satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)', name=op.f('ck_registration_satisfaction_range')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_registration_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_registration_pupil_id_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], name=op.f('fk_registration_registered_by_id_user_account')),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_registration_session_id_event_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('session_id', 'class_id', name=op.f('uq_registration_session_id_class_id')),
    sa.UniqueConstraint('session_id', 'pupil_id', name=op.f('uq_registration_session_id_pupil_id'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_registration_waitlist', ['session_id', 'status', 'queued_at', 'id'], unique=False)

    op.create_table('registration_pupil',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_registration_pupil_pupil_id_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_pupil_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'pupil_id', name=op.f('pk_registration_pupil'))
    )


def downgrade():
    op.drop_table('registration_pupil')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_waitlist')
        batch_op.drop_index(batch_op.f('ix_registration_session_id'))

    op.drop_table('registration')
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_session_event_id'))

    op.drop_table('event_session')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_status'))
        batch_op.drop_index(batch_op.f('ix_event_company_id'))
        batch_op.drop_index(batch_op.f('ix_event_campaign_id'))

    op.drop_table('event')
    op.drop_table('calendar_feed')
    op.drop_table('campaign')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('attachment_content')
        batch_op.drop_column('attachment_content_type')
        batch_op.drop_column('attachment_filename')
    _create_first_event_tables()


def _create_first_event_tables():
    """The tables as 0001 created them (empty: nothing ever wrote to them)."""
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'forum', 'workshop', name='event_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('audience', sa.Enum('3e', '2nde', 'all', name='event_audience', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_event_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_times_ordered')),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= capacity', name=op.f('ck_event_seats_taken_range')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee'], name=op.f('fk_event_commune_insee_commune')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_event_company_id_company')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_event_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('group_size', sa.Integer(), server_default='1', nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='registration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('group_size >= 1', name=op.f('ck_registration_group_size_positive')),
    sa.CheckConstraint('pupil_id IS NOT NULL OR class_id IS NOT NULL', name=op.f('ck_registration_who')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_registration_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_registration_pupil_id_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], name=op.f('fk_registration_registered_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('event_id', 'class_id', name=op.f('uq_registration_event_id_class_id')),
    sa.UniqueConstraint('event_id', 'pupil_id', name=op.f('uq_registration_event_id_pupil_id'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_event_id'), ['event_id'], unique=False)
