"""The store: schema, Alembic migrations, and the queries each stage needs."""
