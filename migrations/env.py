"""Alembic environment, run by Flask-Migrate (``ecoreg db upgrade``) inside the app context."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from models import Base

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    engine = current_app.extensions["migrate"].db.engine
    context.configure(
        url=engine.url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = current_app.extensions["migrate"].db.engine
    options = current_app.extensions["migrate"].configure_args
    options.setdefault("render_as_batch", True)
    options.setdefault("compare_type", True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
