"""docker-compose.yml, the Dockerfile and the Procfile refer to things that exist, and agree."""

import importlib
import shlex

import pytest
import yaml

from tests.services import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
PROCFILE = dict(line.split(":", 1) for line in (PROJECT_ROOT / "Procfile").read_text().splitlines() if line.strip())


RESPAWN = ["python", "-m", "cxplatform.respawn"]


def words(command: str | list[str]) -> list[str]:
    parts = command if isinstance(command, list) else shlex.split(command)
    if parts[:2] == ["sh", "-c"]:  # web runs migrations first, then the server
        parts = shlex.split(parts[2].split("&&")[-1])
    if parts[:3] == RESPAWN:  # the Procfile's supervisor; compose restarts a container instead
        parts = parts[3:]
    return parts


def program(command: str | list[str]) -> list[str]:
    """The part of a command that names what it runs: `gunicorn <module>` or `celery -A <app> <worker|beat>`."""
    parts = words(command)
    if parts[0] == "gunicorn":
        return parts[:2]
    assert parts[0] == "celery", parts
    return parts[:4]


def test_compose_has_the_five_services():
    assert set(COMPOSE["services"]) == {"db", "redis", "web", "worker", "beat"}


@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_each_procfile_process_runs_the_same_program_in_compose(process):
    assert program(COMPOSE["services"][process]["command"]) == program(PROCFILE[process])


@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_each_procfile_process_is_started_again_when_it_dies(process):
    # honcho stops the whole stack when one process exits: each runs under the respawn supervisor.
    assert shlex.split(PROCFILE[process])[:3] == RESPAWN
    assert COMPOSE["services"][process]["restart"] == "unless-stopped"


def test_the_asgi_module_and_the_celery_app_exist():
    assert program(PROCFILE["web"]) == ["gunicorn", "cxplatform.asgi"]
    assert callable(importlib.import_module("cxplatform.asgi").application)
    for process in ("worker", "beat"):
        app_module = program(PROCFILE[process])[2]
        app = importlib.import_module(app_module).celery_app
        assert app.main == "cxplatform"
    assert "cxplatform.tasks.ping" in importlib.import_module("cxplatform").celery_app.tasks


def test_the_app_services_are_built_from_the_dockerfile_with_the_locked_requirements():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "COPY requirements.txt" in dockerfile and "pip install" in dockerfile
    assert (PROJECT_ROOT / "requirements.txt").exists()
    for name in ("web", "worker", "beat"):
        service = COMPOSE["services"][name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert set(service["depends_on"]) == {"db", "redis"}


def test_the_requirements_are_fully_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        pins = [
            line for line in (PROJECT_ROOT / name).read_text().splitlines() if line and not line.startswith((" ", "#"))
        ]
        assert pins, name
        assert all("==" in line for line in pins), [line for line in pins if "==" not in line]
        assert any(line.lower().startswith("django==5.2.") for line in pins)


def dockerfile_command() -> list[str]:
    line = next(line for line in (PROJECT_ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return yaml.safe_load(line.removeprefix("CMD "))


def test_every_web_server_runs_the_asgi_workers_with_client_timeouts():
    # Sync workers let two half-sent uploads freeze the site (issue 12); the live map needs WebSockets (issue 14):
    # each web command loads the settings that choose ASGI workers and disconnect silent clients.
    for command in (PROCFILE["web"], COMPOSE["services"]["web"]["command"], dockerfile_command()):
        parts = words(command)
        assert parts[:2] == ["gunicorn", "cxplatform.asgi"], parts
        assert parts[parts.index("-c") + 1] == "python:cxplatform.web_server", parts
    web_server = importlib.import_module("cxplatform.web_server")
    assert web_server.worker_class == "cxplatform.web_server.AsgiWorker"
    assert web_server.AsgiWorker.CONFIG_KWARGS["http"] is web_server.ClientTimeoutH11Protocol
    assert 1 <= web_server.WEB_CLIENT_TIMEOUT <= 60
