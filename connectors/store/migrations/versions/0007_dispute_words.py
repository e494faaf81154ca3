"""lead.dispute_words: the category or description words that decided a lead's type

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    with op.batch_alter_table('lead') as batch:
        batch.add_column(sa.Column('dispute_words', json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lead') as batch:
        batch.drop_column('dispute_words')
