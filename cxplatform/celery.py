"""The Celery app: `celery -A cxplatform worker` / `celery -A cxplatform beat`.

Configuration comes from Django settings prefixed CELERY_ (see settings/base.py): with REDIS_URL, Redis is
broker and result backend; without it tasks run in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.base")

app = Celery("cxplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds each installed app's `tasks` module or package (metrics.tasks is a package: its __init__ imports every
# task module). Every task has an explicit name= so that moving it never renames it for queued messages and beat.
app.autodiscover_tasks()
