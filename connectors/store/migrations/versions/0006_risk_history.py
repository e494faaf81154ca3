"""risk_assessment: override time and prior level, history, note, explanation, deadline

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = ('override_at', 'override_from', 'history', 'note', 'explanation', 'level_since',
           'follow_up_by')


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    with op.batch_alter_table('risk_assessment') as batch:
        batch.add_column(sa.Column('override_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('override_from', sqlmodel.sql.sqltypes.AutoString(length=2),
                                   nullable=True))
        batch.add_column(sa.Column('history', json, nullable=True))
        batch.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column('explanation', sqlmodel.sql.sqltypes.AutoString(),
                                   nullable=True))
        batch.add_column(sa.Column('level_since', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('follow_up_by', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('risk_assessment') as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
