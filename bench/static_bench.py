"""What a chart page's Plotly costs a browser: the bytes on the wire and for how long they are cached.

    .venv/bin/python bench/static_bench.py

Collects the static files as production does (`collectstatic` with the production storage, into a temporary
folder), then asks the app (WhiteNoise, in-process) for the Plotly script a chart page names, accepting gzip as
browsers do, and prints its size against the full bundle of the plotly package that the pages loaded before
(uncompressed, as WhiteNoise served it from the package: it had no .gz beside it). No database is needed.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from pathlib import Path

import benchlib

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.test")


def main() -> None:
    import django

    django.setup()
    import plotly
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import Client, override_settings

    from cxplatform.settings import base

    package = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    vendored = benchlib.ROOT / "static" / "vendor" / "plotly" / "plotly.min.js"
    with tempfile.TemporaryDirectory() as root, override_settings(STORAGES=base.STORAGES, STATIC_ROOT=root):
        call_command("collectstatic", "--noinput", verbosity=0)
        url = static("vendor/plotly/plotly.min.js")
        response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        served = int(response["Content-Length"])
        encoding = response.get("Content-Encoding", "none")
        cache = response.get("Cache-Control", "")
    before = package.stat().st_size
    rows = [
        ("before: the plotly package's full bundle, uncompressed", before),
        ("  the same full bundle if it had been gzipped (-9)", len(gzip.compress(package.read_bytes(), 9))),
        ("the official cartesian bundle (scatter, bar, heatmap), raw", vendored.stat().st_size),
        (f"now: as served ({encoding})", served),
    ]
    print(f"Plotly script of a chart page: {url}")
    for what, size in rows:
        print(f"  {what:<62} {size:>10,} bytes")
    max_age = re.search(r"max-age=(\d+)", cache)
    days = int(max_age.group(1)) / 86400 if max_age else 0
    print(f"  Cache-Control: {cache} ({days:,.0f} days)")
    print(f"SUMMARY static bench: {served:,} bytes on the wire instead of {before:,} = {served / before:.3f} of before "
          f"({before / served:.1f}x less), cached {'for good (immutable)' if 'immutable' in cache else 'briefly'}")  # fmt: skip


if __name__ == "__main__":
    main()
