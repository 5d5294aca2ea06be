"""What every bench script does first: put the project on sys.path, create the PostgreSQL database named in
DATABASE_URL when it does not exist yet, set Django up and migrate. Set DJANGO_SETTINGS_MODULE before calling."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_database(*, postgres_required: str | None = None) -> None:
    """Create the database; without a PostgreSQL DATABASE_URL, exit with `postgres_required` (or carry on on
    whatever database the settings choose when it is None)."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postgres"):
        if postgres_required:
            sys.exit(postgres_required)
        return
    import psycopg

    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(*, postgres_required: str | None = None) -> None:
    ensure_database(postgres_required=postgres_required)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
