"""What the benchmarks share: the throwaway PostgreSQL database they drop and recreate."""

import os
import sys
from urllib.parse import unquote, urlsplit


def database_url(default):
    """``BENCH_DATABASE_URL`` (or ``default``), refused unless local and named '*bench*': it is dropped."""
    url = os.environ.get("BENCH_DATABASE_URL", default)
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"BENCH_DATABASE_URL must point at 127.0.0.1, not {parts.hostname!r}")
    if "bench" not in parts.path:
        sys.exit("BENCH_DATABASE_URL must name a database with 'bench' in its name: it is dropped and recreated")
    return url


def admin_connection(url):
    """An autocommit connection to the server's ``postgres`` database (to create and drop databases)."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
    )


def database_exists(url):
    name = urlsplit(url).path.lstrip("/")
    with admin_connection(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def recreate_database(url):
    from psycopg import sql

    name = sql.Identifier(urlsplit(url).path.lstrip("/"))
    with admin_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
