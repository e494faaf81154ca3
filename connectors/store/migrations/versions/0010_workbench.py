"""The coordinators' workbench: users, sessions, login attempts, the audit log, leave marked
on the web, and co-agencies a coordinator brought in

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    op.create_table(
        'app_user',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(64), nullable=False, unique=True),
        sa.Column('display_name', sa.String(64)),
        sa.Column('role', sa.String(16), nullable=False),
        sa.Column('agency', sa.String(32)),
        sa.Column('mediator_id', sa.String(32)),
        sa.Column('password_hash', sa.String(256), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'web_session',
        sa.Column('token_hash', sa.String(64), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('app_user.id'), nullable=False, index=True),
        sa.Column('csrf', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'login_attempt',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(64), nullable=False, index=True),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('user_name', sa.String(64), nullable=False),
        sa.Column('action', sa.String(32), nullable=False),
        sa.Column('target', sa.String(64)),
        sa.Column('detail', json),
    )
    op.create_table(
        'mediator_leave',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('mediator_id', sa.String(32), nullable=False, index=True),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('by', sa.String(64), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString()),
        sa.Column('at', sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table('assignment') as batch:
        batch.add_column(sa.Column('added_agencies', json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assignment') as batch:
        batch.drop_column('added_agencies')
    for table in ('mediator_leave', 'audit_log', 'login_attempt', 'web_session', 'app_user'):
        op.drop_table(table)
