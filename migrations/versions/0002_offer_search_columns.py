"""offer search columns: normalised text, earth-centred site coordinates, covering indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:30:00

The keyword filter and the distance pre-computation move into SQL (issue 4's benchmark at
100,000 offers): existing offers get their derived columns computed here, with the same
functions the application's flush hook uses from now on.
"""
import sqlalchemy as sa
from alembic import op

from capindustrie.search.indexing import search_columns

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DERIVED = ('search_text', 'site_x_km', 'site_y_km', 'site_z_km')


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_x_km', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('site_y_km', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('site_z_km', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.drop_index('ix_offer_status_lat_lon')
        batch_op.create_index('ix_offer_search_area', [
            'status', 'latitude', 'longitude', 'site_x_km', 'site_y_km', 'site_z_km', 'for_3e',
            'for_2nde', 'reserved_priority_education', 'filiere',
        ], unique=False)

    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.create_index('ix_period_open', [
            'level', 'seats_taken', 'seats', 'start_date', 'end_date', 'offer_id',
        ], unique=False)

    _fill_derived_columns(op.get_bind())


def _fill_derived_columns(connection):
    offer = sa.table(
        'offer', sa.column('id'), sa.column('title'), sa.column('summary'),
        sa.column('company_id'), sa.column('site_commune_insee'), sa.column('latitude'),
        sa.column('longitude'), *(sa.column(name) for name in DERIVED),
    )
    company = sa.table('company', sa.column('id'), sa.column('name'))
    commune = sa.table('commune', sa.column('insee'), sa.column('name'))
    rows = connection.execute(
        sa.select(offer.c.id, offer.c.title, offer.c.summary, company.c.name, commune.c.name,
                  offer.c.latitude, offer.c.longitude)
        .join(company, company.c.id == offer.c.company_id)
        .outerjoin(commune, commune.c.insee == offer.c.site_commune_insee)
    ).all()
    update = (
        sa.update(offer)
        .where(offer.c.id == sa.bindparam('offer_id'))
        .values({name: sa.bindparam(name) for name in DERIVED})
    )
    values = [{'offer_id': row[0], **search_columns(*row[1:])} for row in rows]
    if values:
        connection.execute(update, values)


def downgrade():
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.drop_index('ix_period_open')

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_search_area')
        batch_op.create_index('ix_offer_status_lat_lon', ['status', 'latitude', 'longitude'],
                              unique=False)
        batch_op.drop_column('search_text')
        batch_op.drop_column('site_z_km')
        batch_op.drop_column('site_y_km')
        batch_op.drop_column('site_x_km')
