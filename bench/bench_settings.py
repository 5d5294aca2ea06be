"""Settings of bench/dashboard_bench.py: production's (cxplatform.settings.base), always with DEBUG off, plus a
URL conf that adds a trivial view beside the product's URLs (bench_urls), and quieter logs.

bench/ must be on sys.path (the bench scripts run from there; gunicorn gets --pythonpath bench)."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")

from cxplatform.settings.base import *  # noqa: F403
from cxplatform.settings.base import ALLOWED_HOSTS, LOGGING

DEBUG = False  # as in production, whatever the environment says (DEBUG on would also record every query)
ROOT_URLCONF = "bench_urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "127.0.0.1", "localhost"]
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
# WhiteNoise serves the static files through the finders (WHITENOISE_USE_FINDERS); no collectstatic is needed.
warnings.filterwarnings("ignore", message=r"No directory at: .*staticfiles")
