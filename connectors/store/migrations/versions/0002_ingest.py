"""ingest: header and notes per source file, HTTP pull state per source

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
from sqlalchemy import Text  # noqa: F401  (rendered by JSONB variants)
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('source_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blank_rows', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('headers', JSON, nullable=True))
        batch_op.add_column(sa.Column('notes', JSON, nullable=True))

    with op.batch_alter_table('source_cursor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('high_water', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('pages', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('records', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('source_cursor', schema=None) as batch_op:
        batch_op.drop_column('last_error')
        batch_op.drop_column('records')
        batch_op.drop_column('pages')
        batch_op.drop_column('high_water')
        batch_op.drop_column('source')

    with op.batch_alter_table('source_file', schema=None) as batch_op:
        batch_op.drop_column('notes')
        batch_op.drop_column('headers')
        batch_op.drop_column('blank_rows')
