"""The UI ships English and Dutch: every user-facing string is extracted and translated."""

import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.services import PROJECT_ROOT, require

PO_FILE = PROJECT_ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


# Words a Dutch screen shows as they are in English: loanwords and the names of the measures.
SAME_IN_DUTCH = {
    # Verbatim analytics (issue 17): a colour format, API field arithmetic, score ranges, a quote's reference.
    "#RRGGBB", "nps_with - nps_without.", "sentiment", "Sentiment", "“%(text)s” (%(metric)s %(score)s, %(day)s)",
    "CSAT 1-2", "CSAT 4-5", "CSAT 1-2 / 4-5", "NPS %(nps)s (n = %(n)s)", "CSAT %(csat)s%% (n = %(n)s)",
    "CX Platform", "Accounts", "Manager", "Persona", "persona", "segment", "Significant", "Status", "status",
    "score", "Score", "Week", "KPI", "Open", "deadline", "Deadline", "Cross-sell", "NPS", "CSAT", "CES", "NPS n",
    "CSAT n", "CES n", "n", "CSAT / CES", "CSAT %(value)s%%", "CES %(value)s", "Team", "team", "Teams", "teams",
    "Quick win", "Quick wins", "Impact", "impact", "budget (€)", "Budget", "BI / IT", "Coach", "Sponsor",
    "sponsor", "sponsor %(sponsor)s", "Dashboard", "CSV", "respondent", "User story", "Details", "Sprint",
    "Label", "label", "browser", "document", "Zoom", "Link", "link", "moment", "Moment", "Webhooks", "Webhook",
    "URL", "payload", "Payload", "headers", "Headers", "Respondent", "Metadata", "Code", "Object", "object",
    "Via", "via", "API", "Browser", "Privacy", "Id",
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|\{\w*\}")


def where(entry: polib.POEntry) -> str:
    """An entry as a translator finds it: its text and its first place in the code."""
    place = ":".join(entry.occurrences[0]) if entry.occurrences else "?"
    return f"{entry.msgid!r} ({place})"


def dutch_catalogue() -> polib.POFile:
    po = polib.pofile(str(PO_FILE))
    assert len(po) > 50
    return po


def test_no_dutch_message_is_empty():
    assert [where(e) for e in dutch_catalogue().untranslated_entries()] == [], "fill in these msgstr"


def test_no_dutch_message_is_fuzzy_or_obsolete():
    po = dutch_catalogue()
    assert [where(e) for e in po.fuzzy_entries()] == [], "check these translations and remove their fuzzy flag"
    assert [where(e) for e in po.obsolete_entries()] == []


def test_no_dutch_message_is_left_in_english():
    """A msgstr that only repeats its English msgid (as "Key drivers" did) is a translation nobody wrote."""
    copies = [where(e) for e in dutch_catalogue() if e.msgstr == e.msgid and e.msgid not in SAME_IN_DUTCH]
    assert copies == [], "translate these, or add a word that is the same in Dutch to SAME_IN_DUTCH"


def test_every_dutch_message_keeps_the_placeholders_of_its_english_one():
    """A placeholder lost or misspelt in a translation shows as a raw "%(name)s" or fails when the text is built."""
    wrong = []
    for entry in dutch_catalogue().translated_entries():
        english = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            # A Dutch singular may name the count in words; no form may bring in a placeholder of its own.
            english |= set(PLACEHOLDER.findall(entry.msgid_plural))
            if any(not set(PLACEHOLDER.findall(form)) <= english for form in entry.msgstr_plural.values()):
                wrong.append(where(entry))
        elif set(PLACEHOLDER.findall(entry.msgstr)) != english:
            wrong.append(where(entry))
    assert wrong == []


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
