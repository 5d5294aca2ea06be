"""Template hygiene that Django does not check itself."""

from pathlib import Path

from django.conf import settings


def test_no_template_has_a_comment_tag_spanning_lines():
    # Django's {# #} comment ends on its own line: a multi-line one is shown as text on the page.
    broken = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if line.count("{#") > line.count("#}"):
                broken.append(f"{template.relative_to(settings.BASE_DIR)}:{number}")
    assert broken == []
