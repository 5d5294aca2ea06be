"""The actor of work done outside a request: a Celery task (via="task", named by the task) and a management
command (via="command", named by the command)."""

from __future__ import annotations

from typing import Any

from celery.signals import task_postrun, task_prerun
from django.core.management.base import BaseCommand

from .context import acting, current_actor
from .models import Via

_RUNNING = "_audit_acting"


def on_task_prerun(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
    # A task run in-process inside a request (CELERY_TASK_ALWAYS_EAGER) keeps the request's actor.
    if task is None or current_actor().via != Via.SYSTEM:
        return
    manager = acting(label=str(task.name)[:200], via=Via.TASK)
    manager.__enter__()
    setattr(task.request, _RUNNING, manager)


def on_task_postrun(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
    manager = getattr(task.request, _RUNNING, None) if task is not None else None
    if manager is not None:
        setattr(task.request, _RUNNING, None)
        manager.__exit__(None, None, None)


_original_execute = BaseCommand.execute


def _execute_acting(self: BaseCommand, *args: Any, **options: Any) -> Any:
    """Every management command acts as itself ("command import_responses"), unless someone acts already."""
    if current_actor().via != Via.SYSTEM:
        return _original_execute(self, *args, **options)
    name = type(self).__module__.rsplit(".", 1)[-1]
    with acting(label=f"manage.py {name}", via=Via.COMMAND):
        return _original_execute(self, *args, **options)


def connect() -> None:
    task_prerun.connect(on_task_prerun, dispatch_uid="audit-task-prerun", weak=False)
    task_postrun.connect(on_task_postrun, dispatch_uid="audit-task-postrun", weak=False)
    # Django sends no signal when a command starts: its execute() is wrapped once, here.
    if BaseCommand.execute is _original_execute:
        BaseCommand.execute = _execute_acting  # type: ignore[method-assign]
