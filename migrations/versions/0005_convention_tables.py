"""convention tables: school profile, family, host signatory, frozen versions, signatures

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-01 19:55:14

Issue 16: the convention is complete against the national model and frozen when issued (its
content copied as JSON with a SHA-256), amendments being later versions.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('public', 'prive_sous_contrat', name='school_profile_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('head_name', sa.String(length=160), nullable=False),
    sa.Column('board_authorisation_date', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_profile_school_id_school')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_school_profile_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_profile')),
    sa.UniqueConstraint('school_id', name=op.f('uq_school_profile_school_id'))
    )
    op.create_table('pupil_family',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('rep1_name', sa.String(length=160), nullable=True),
    sa.Column('rep1_email', sa.String(length=254), nullable=True),
    sa.Column('rep1_phone', sa.String(length=20), nullable=True),
    sa.Column('rep2_name', sa.String(length=160), nullable=True),
    sa.Column('rep2_email', sa.String(length=254), nullable=True),
    sa.Column('rep2_phone', sa.String(length=20), nullable=True),
    sa.Column('pai', sa.Boolean(), nullable=True),
    sa.Column('pai_kit', sa.String(length=300), nullable=True),
    sa.Column('insurance_certificate', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_pupil_family_pupil_id_pupil'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupil_family')),
    sa.UniqueConstraint('pupil_id', name=op.f('uq_pupil_family_pupil_id'))
    )
    op.create_table('agreement_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('host_rep_name', sa.String(length=160), nullable=True),
    sa.Column('host_rep_function', sa.String(length=160), nullable=True),
    sa.Column('host_rep_email', sa.String(length=254), nullable=True),
    sa.Column('host_rep_phone', sa.String(length=20), nullable=True),
    sa.Column('referent_phone', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_agreement_parties_placement_id_placement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_parties')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_agreement_parties_placement_id'))
    )
    op.create_table('agreement_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('fully_signed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_agreement_version_number_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_agreement_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_agreement_version_placement_id_placement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_version')),
    sa.UniqueConstraint('placement_id', 'number', name=op.f('uq_agreement_version_placement_id_number'))
    )
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_version_placement_id'), ['placement_id'], unique=False)
    op.create_table('agreement_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.Enum('chef_etablissement', 'representant_entreprise', 'tuteur', 'professeur_referent', 'eleve', 'representant_legal_1', 'representant_legal_2', name='signature_party', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('method', sa.Enum('code', 'compte', 'papier', name='signature_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('signer_name', sa.String(length=160), nullable=False),
    sa.Column('signer_email', sa.String(length=254), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('scan_filename', sa.String(length=200), nullable=True),
    sa.Column('scan_mimetype', sa.String(length=40), nullable=True),
    sa.Column('scan_data', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_agreement_signature_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_version.id'], name=op.f('fk_agreement_signature_version_id_agreement_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_signature')),
    sa.UniqueConstraint('version_id', 'party', name=op.f('uq_agreement_signature_version_id_party'))
    )
    with op.batch_alter_table('agreement_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_signature_version_id'), ['version_id'], unique=False)

    op.create_table('signature_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.Enum('chef_etablissement', 'representant_entreprise', 'tuteur', 'professeur_referent', 'eleve', 'representant_legal_1', 'representant_legal_2', name='signature_invitation_party', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(), nullable=True),
    sa.Column('code_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('code_attempts >= 0', name=op.f('ck_signature_invitation_attempts_positive')),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_version.id'], name=op.f('fk_signature_invitation_version_id_agreement_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signature_invitation_token_hash'))
    )
    with op.batch_alter_table('signature_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_invitation_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('signature_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_invitation_version_id'))
    op.drop_table('signature_invitation')
    with op.batch_alter_table('agreement_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_signature_version_id'))
    op.drop_table('agreement_signature')
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_version_placement_id'))

    op.drop_table('agreement_version')
    op.drop_table('agreement_parties')
    op.drop_table('pupil_family')
    op.drop_table('school_profile')
