"""Polish first: every user-facing string of the code has a Polish translation."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "node_modules", ".git", "bench", "tests", "__pycache__", ".pytest_cache", ".ruff_cache"}


def test_every_message_has_a_polish_translation(tmp_path):
    # given a copy of the sources (makemessages rewrites the catalogues in place)
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=lambda d, names: [n for n in names if n in SKIP])
    # when the catalogue is refreshed from the code and templates
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "pl", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.local", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    po = copy / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    # then nothing is untranslated and nothing is a fuzzy guess
    untranslated = subprocess.run(["msgattrib", "--untranslated", "--no-wrap", str(po)], capture_output=True, text=True)
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-wrap", str(po)], capture_output=True, text=True)
    missing = [line for line in untranslated.stdout.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    guesses = [line for line in fuzzy.stdout.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert missing == [], f"untranslated: {missing}"
    assert guesses == [], f"fuzzy: {guesses}"
