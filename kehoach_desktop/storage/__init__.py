"""Storage: SQLAlchemy 2 models, the engine, the unit of work, migrations, backups and the lock."""
