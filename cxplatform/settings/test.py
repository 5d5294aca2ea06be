"""Test overrides: the same environment-driven settings, made quick and deterministic."""

import os

# Tests run with DEBUG off, like production, so they need a key of their own.
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; the tests that need a real worker switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
# Reports are built afresh in tests (test transactions never commit, so the data generation never moves); the
# tests of the cache switch it on themselves.
REPORT_CACHE_SECONDS = 0
