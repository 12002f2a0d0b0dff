"""offer search text with French stems

Revision ID: 0003
Revises: 0008 (written as 0002; re-chained after main's head)
Create Date: 2026-12-01 20:30:00

Keywords now match across singular and plural and the usual French inflections (issue 9):
`offer.search_text` holds the normalised text followed by its Snowball stems. No column
changes; existing offers get their text recomputed here with the function the application's
flush hook uses from now on.
"""
import sqlalchemy as sa
from alembic import op

from capindustrie.text import search_document, search_key

revision = '0003'
down_revision = '0008'
branch_labels = None
depends_on = None


def _recompute(connection, document):
    offer = sa.table('offer', sa.column('id'), sa.column('title'), sa.column('summary'),
                     sa.column('company_id'), sa.column('site_commune_insee'),
                     sa.column('search_text'))
    company = sa.table('company', sa.column('id'), sa.column('name'))
    commune = sa.table('commune', sa.column('insee'), sa.column('name'))
    rows = connection.execute(
        sa.select(offer.c.id, offer.c.title, offer.c.summary, company.c.name, commune.c.name)
        .join(company, company.c.id == offer.c.company_id)
        .outerjoin(commune, commune.c.insee == offer.c.site_commune_insee)
    ).all()
    update = (
        sa.update(offer)
        .where(offer.c.id == sa.bindparam('offer_id'))
        .values(search_text=sa.bindparam('text'))
    )
    values = [{'offer_id': row[0], 'text': document(*row[1:])} for row in rows]
    if values:
        connection.execute(update, values)


def upgrade():
    _recompute(op.get_bind(), search_document)


def downgrade():
    # Back to revision 0002's text: the normalised words only.
    _recompute(op.get_bind(), search_key)
