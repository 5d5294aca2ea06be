"""The UI ships English and Dutch: every user-facing string is extracted and translated."""

import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.services import PROJECT_ROOT, require

PO_FILE = PROJECT_ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_dutch_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO_FILE))
    assert len(po) > 50
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_the_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(PO_FILE))
    mo = polib.mofile(str(PO_FILE.with_suffix(".mo")))
    compiled = {entry.msgid: entry.msgstr for entry in mo}
    assert {e.msgid: e.msgstr for e in po.translated_entries()} == {k: v for k, v in compiled.items() if k}


def test_no_user_facing_string_is_missing_from_the_catalogue(tmp_path):
    """makemessages over a copy of the code finds nothing that the committed catalogue lacks."""
    require(shutil.which("xgettext") is not None, "GNU gettext is not installed (apt-get install gettext)")
    copy = tmp_path / "src"
    shutil.copytree(
        PROJECT_ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "test-results", "var", "*.sqlite3", "__pycache__"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base"},
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO_FILE))}
    assert sorted(extracted - committed) == [], "run `make messages` and translate the new strings"


@pytest.mark.django_db
def test_pages_render_in_dutch_for_a_dutch_user(editor_client):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = editor_client.get(reverse("journeys:index")).content.decode()
    assert '<html lang="nl">' in html
    assert ">Klantreizen</a>" in html and ">Acties</a>" in html
    assert "Uitloggen" in html


@pytest.mark.django_db
def test_the_language_switcher_remembers_the_choice(editor_client):
    response = editor_client.post(reverse("set_language"), {"language": "nl", "next": "/teams/"})
    assert response.status_code == 302 and response["Location"] == "/teams/"
    assert "Nog geen teams" in editor_client.get("/teams/").content.decode()
    editor_client.post(reverse("set_language"), {"language": "en", "next": "/teams/"})
    assert "No teams yet" in editor_client.get("/teams/").content.decode()
