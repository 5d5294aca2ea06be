"""Static files as production serves them: once collected, Plotly (the biggest file of a chart page) travels
gzipped under a hashed name that browsers cache for good; not collected, every page still works."""

import re
from pathlib import Path

import plotly
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from cxplatform.settings import base

PLOTLY_SCRIPT = re.compile(r'<script src="(/static/vendor/plotly/[^"]+)" id="plotly-js"')
TEN_YEARS = 10 * 365 * 24 * 3600


@pytest.fixture
def production_storage(settings, tmp_path):
    """The production settings' storage (the test settings use Django's plain one), collecting into tmp_path."""
    settings.STORAGES = base.STORAGES
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    return settings.STATIC_ROOT


def plotly_script_url(client) -> str:
    page = client.get("/")  # the dashboard: a chart page
    assert page.status_code == 200
    return PLOTLY_SCRIPT.search(page.content.decode()).group(1)


@pytest.mark.django_db
def test_a_chart_pages_plotly_is_served_gzipped_and_cached_forever_once_collected(editor_client, production_storage):
    call_command("collectstatic", "--noinput", verbosity=0)

    url = plotly_script_url(editor_client)
    assert re.fullmatch(r"/static/vendor/plotly/plotly\.min\.[0-9a-f]{12}\.js", url)  # the content's hash
    response = editor_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    served = int(response["Content-Length"])
    assert served < (production_storage / "vendor/plotly/plotly.min.js").stat().st_size / 3
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= TEN_YEARS and "immutable" in response["Cache-Control"]


@pytest.mark.django_db
def test_without_collected_files_the_pages_name_and_serve_the_plain_files(editor_client, production_storage):
    url = plotly_script_url(editor_client)
    assert url == "/static/vendor/plotly/plotly.min.js"
    response = editor_client.get(url)
    assert response.status_code == 200
    assert b"plotly.js" in b"".join(response.streaming_content)[:200]


def test_the_vendored_plotly_is_the_version_the_figures_are_built_with():
    def version(path: Path) -> str:
        return re.search(r"plotly\.js.*? v(\d+\.\d+\.\d+)", path.read_text()[:300]).group(1)

    package = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    vendored = Path(django_settings.BASE_DIR) / "static" / "vendor" / "plotly" / "plotly.min.js"
    assert version(vendored) == version(package)
    assert "(cartesian - minified)" in vendored.read_text()[:200]
