from celery import shared_task

from cxplatform.audit.context import acting
from cxplatform.audit.models import Via

from . import sessions


@shared_task(name="accounts.sweep_idle_sessions", time_limit=300, soft_time_limit=240, ignore_result=True)
def sweep_idle_sessions() -> int:
    """Scheduled by beat (hourly): idle and expired sessions removed (cxplatform.accounts.sessions)."""
    with acting(label="session sweep", via=Via.TASK):
        return sessions.sessions_sweep_idle()
