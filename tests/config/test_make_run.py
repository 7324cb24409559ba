"""``make run``'s embedded default works: SQLite, tasks in-process, the demo data with its notices
delivered. (Everything else runs on PostgreSQL; this is the one check of the SQLite path.)"""

import os
import subprocess
import sys

from django.conf import settings


def test_the_demo_loads_on_sqlite_and_its_notices_are_delivered(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'pozytek.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    migrated = manage("migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    loaded = manage("demo_data")
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert "Demo data loaded." in loaded.stdout
    assert "raised unexpected" not in loaded.stderr and "Error" not in loaded.stderr, loaded.stderr[-3000:]
    assert "Subject: " in loaded.stdout  # the demo's notices (e.g. to media outlets) were sent
