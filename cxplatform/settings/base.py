"""One environment-driven settings module; production differs from development only by its environment.

The variables are listed, with their defaults, in README.md ("Configuration").
"""

import re
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cxplatform.lib.config import (
    database_config,
    email_config,
    env_bool,
    env_choice,
    env_file_str,
    env_int,
    env_list,
    env_str,
    mapping_config,
    redis_url,
)
from cxplatform.security_headers import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", default=False)
# The key itself, or a file holding it (SECRET_KEY_FILE: `make run` generates var/secret_key once; a Docker or
# Kubernetes secret mounted as a file works the same way).
SECRET_KEY = env_str("SECRET_KEY") or env_file_str("SECRET_KEY_FILE")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off, or SECRET_KEY_FILE name a file holding it (generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "axes",
    # The optional second factor (issue 16): TOTP apps, and one-time recovery codes (cxplatform.accounts.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The history of a journey's content (journeys.services.history): SQLite too, for `make run`.
    "simple_history",
    "channels",
    "cxplatform",
    "cxplatform.accounts",
    "cxplatform.notifications",
    "cxplatform.webhooks",
    "cxplatform.audit",
    "journeys",
    "teams",
    "metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (cxplatform/security_headers.py): before WhiteNoise, so that
    # static files carry them too.
    "cxplatform.security_headers.SecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cxplatform.middleware.LoginRequiredMiddleware",
    # An SSO session is checked again with the provider now and then (OIDC_RECHECK_SECONDS; off without SSO).
    "cxplatform.accounts.oidc.middleware.SessionRecheck",
    # Who is acting, for the audit trail (cxplatform.audit): the request while it is served.
    "cxplatform.audit.middleware.AuditContextMiddleware",
    # Who made a change, for the history rows that save() and delete() write (journeys.services.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Who is making a change, for the live map's "changed by" (journeys/live.py).
    "journeys.live.ActingUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle sessions ended, and a second factor asked before anything else (cxplatform.accounts.middleware): after
    # the messages, to say why.
    "cxplatform.accounts.middleware.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the flag a failed login set and answers with the lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cxplatform.urls"
WSGI_APPLICATION = "cxplatform.wsgi.application"
# The site is served over ASGI (cxplatform/asgi.py): the pages as before, and the live map's WebSockets.
ASGI_APPLICATION = "cxplatform.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # main_menu: the entries of the menu in base.html, decided by the permission functions.
                "cxplatform.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, default an SQLite file in the project.
DATABASES = {"default": database_config("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: absent, tasks run in-process and the cache is local memory; present, Redis is broker and cache.
# With Redis down the site keeps working: the cache degrades to misses (cxplatform/lib/resilient_cache.py), a
# task that cannot be queued is left to the recompute sweeper (its request is a row in Postgres), and the short
# timeouts below keep a request from waiting long on an unreachable Redis.
# Cached pages and figures (the dashboard, the driver analysis) are keyed by the data's generation, which a
# hook on every database connection moves when a write commits: cxplatform/lib/generations.py, installed at
# start-up by cxplatform.apps.CxPlatformConfig.ready().
REDIS_URL = redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cxplatform.lib.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cx",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cx"}}

# The live map (journeys/live.py, journeys/consumers.py): with Redis, every web process shares what changed on a
# map and who has it open; without, one process (`make run` without REDIS_URL) keeps it in memory.
if REDIS_URL:
    # Redis publish/subscribe: a change is published once per map, and each web process hands it to its own
    # connections (bench/live_bench.py: the list-based layer queued one message per connection and fell behind).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2}],
                # Named after CELERY_QUEUE, like the tasks: several installations (or test runs) share one Redis.
                "prefix": f"cx-live-{env_str('CELERY_QUEUE', 'cxplatform')}",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# An open map's connection checks this often that its user is still signed in, active and allowed on the journey;
# it is closed as soon as they are not.
LIVE_RECHECK_SECONDS = env_int("LIVE_RECHECK_SECONDS", 30, minimum=1)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
# One Redis can serve several installations (or test runs) when each has a queue of its own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "cxplatform")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Recompute tasks are acknowledged only once they have finished (acks_late, metrics/tasks/recompute.py): a
# worker killed in the middle leaves the message unacknowledged, and Redis hands it out again after the
# visibility timeout, which must outlast the longest task (the nightly rebuild's hard limit of 1,800 s) or a
# task still running would be handed out twice. The sweeper below is the quick way back; this is the backstop.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5, "visibility_timeout": 3600}
# With late acknowledgement a worker holds no more than the task it runs and one more.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
# Give up on an unreachable result store after a few seconds instead of Celery's default of about twenty.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
CELERY_BEAT_HEARTBEAT_SECONDS = env_int("BEAT_HEARTBEAT_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "cxplatform.tasks.beat_heartbeat", "schedule": CELERY_BEAT_HEARTBEAT_SECONDS},
    # Each morning at 07:00 (TIME_ZONE), everyone gets one email with their overdue follow-up cases and
    # improvement actions (metrics.tasks.digest).
    "overdue-action-digests": {"task": "metrics.send_morning_digests", "schedule": crontab(hour=7, minute=0)},
    # Each night at 02:30 (TIME_ZONE), every KPI snapshot is rebuilt from the responses.
    "kpi-full-recompute": {"task": "metrics.recompute_all", "schedule": crontab(hour=2, minute=30)},
    # Recompute requests left behind (a worker killed, Redis down when the ingest committed) are queued again.
    "kpi-recompute-sweep": {
        "task": "metrics.sweep_pending_recomputes",
        "schedule": env_int("RECOMPUTE_SWEEP_SECONDS", 30, minimum=1),
    },
    # Survey deliveries left "received" (a worker killed, Redis down when they arrived) are queued again; polled
    # survey tools (LimeSurvey) are asked for their new responses (metrics.tasks.connectors).
    "survey-delivery-sweep": {
        "task": "metrics.connectors.sweep_deliveries",
        "schedule": env_int("DELIVERY_SWEEP_SECONDS", 60, minimum=1),
    },
    "survey-source-poll": {
        "task": "metrics.connectors.poll_sources",
        "schedule": env_int("SURVEY_POLL_SECONDS", 300, minimum=10),
    },
    # Webhook deliveries whose next attempt is due (retries; what a killed worker or a broker down left behind).
    "webhook-delivery-sweep": {
        "task": "webhooks.sweep_due_deliveries",
        "schedule": env_int("WEBHOOK_SWEEP_SECONDS", 30, minimum=1),
    },
    # Events found by looking rather than by a write: actions and follow-up cases past their deadline, targets
    # missed in the month just ended; each emitted once (cxplatform.webhooks.models.WebhookEmission).
    "webhook-overdue-actions": {"task": "teams.emit_overdue_action_events", "schedule": crontab(minute=5)},
    "webhook-metrics-events": {"task": "metrics.emit_webhook_events", "schedule": crontab(minute=10)},
    # Each night at 03:15 (TIME_ZONE, after the full recompute), old respondent keys and comments are anonymised
    # and old delivery payloads emptied (metrics.privacy.retention).
    "voc-retention": {"task": "metrics.retention_anonymise", "schedule": crontab(hour=3, minute=15)},
    # Sessions unused past SESSION_IDLE_MINUTES, and expired ones, removed (cxplatform.accounts.sessions).
    "sweep-idle-sessions": {"task": "accounts.sweep_idle_sessions", "schedule": crontab(minute=20)},
    # Each night at 03:45 (TIME_ZONE), audit events older than AUDIT_RETENTION_DAYS are deleted (cxplatform.audit).
    "audit-retention": {"task": "audit.purge_expired", "schedule": crontab(hour=3, minute=45)},
    # Themes (issue 17): comments waiting to be tagged (a worker down or killed after an ingest or a codebook change,
    # Redis down on commit) are queued for the tagger again (metrics.tasks.themes).
    "themes-tagging-sweep": {
        "task": "metrics.themes.sweep_tagging",
        "schedule": env_int("TAGGING_SWEEP_SECONDS", 180, minimum=1),
    },
}
# The audit trail (cxplatform.audit) keeps its events this many days.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 400, minimum=1)
# A survey delivery still "received" this many seconds after its last attempt is queued again by the sweeper.
DELIVERY_SWEEP_AFTER_SECONDS = env_int("DELIVERY_SWEEP_AFTER_SECONDS", 300, minimum=1)
# The sweeper queues a recompute for requests older than this many seconds that no recompute is working on;
# /health/ reports the recompute "overdue" once a request is older than RECOMPUTE_OVERDUE_SECONDS.
RECOMPUTE_SWEEP_AFTER_SECONDS = env_int("RECOMPUTE_SWEEP_AFTER_SECONDS", 60, minimum=1)
RECOMPUTE_OVERDUE_SECONDS = env_int("RECOMPUTE_OVERDUE_SECONDS", 300, minimum=1)
HEALTH_QUEUE_TIMEOUT = env_int("HEALTH_QUEUE_TIMEOUT", 5, minimum=1)

# Email: EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587; console by default.
globals().update(email_config("EMAIL_URL", default="consolemail://"))
# Links in emails point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Notifications are emailed this many seconds after the first of a batch, one message with all that came meanwhile
# (cxplatform.notifications).
NOTIFICATION_EMAIL_DELAY = env_int("NOTIFICATION_EMAIL_DELAY", 60, minimum=0)
# Webhooks out (cxplatform.webhooks): a receiver gets this many seconds to accept the connection, and as many
# for each read of its answer; a slower one is a failed attempt, retried later.
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CX Platform <cx@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the UI ships English and Dutch.
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", [code for code, _name in LANGUAGES], default="en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# Static files: served by WhiteNoise, never from a CDN (Plotly's bundle is vendored in static/vendor/plotly/).
# Collected (`collectstatic`: make run, the Dockerfile), each file is served under a hashed name, gzipped and
# cached for ten years; not collected (make dev, a fresh checkout), under its plain name from static/ through
# the finders. The same settings either way: cxplatform/lib/static_storage.py says how.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cxplatform.lib.static_storage.CollectedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Deployment security. Everything that needs HTTPS is off by default, so that http://127.0.0.1:8000 works; the
# README's "Production settings" switch it on behind a TLS-terminating proxy, and `manage.py check --deploy`
# then reports nothing (tests/cxplatform/test_deploy_check.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The proxy says in X-Forwarded-Proto how the browser connected; it must set (or strip) that header itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# /health/ stays reachable over plain HTTP for a monitor or load balancer inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Django's defaults, named because tests/cxplatform/test_security_headers.py holds every page to them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The Content Security Policy (django-csp; cxplatform/security_headers.py says what each source is for).
# CSP_REPORT_ONLY=1 sends it as Content-Security-Policy-Report-Only (browsers report, block nothing);
# CSP_REPORT_URI is where they post the reports; OIDC_ISSUER's origin may receive forms (the SSO redirects).
globals().update(
    content_security_policy(
        report_only=env_bool("CSP_REPORT_ONLY", default=False),
        report_uri=env_str("CSP_REPORT_URI"),
    )
)

# Login throttling (django-axes, issue 12): failed logins are counted in the database (no Redis needed), per
# username and per client address, each on its own; at AXES_FAILURE_LIMIT failures within the cool-off the
# username (or address) is locked out for LOGIN_LOCKOUT_MINUTES, and the login page says so with status 429.
# An administrator unlocks at once in the admin (Axes > Access attempts: delete the row) or with
# `manage.py axes_reset_username <name>` (`axes_reset_ip <address>` for an address, `axes_reset` for all).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    # The password form: refused when LOCAL_LOGIN is off, except for the break-glass LOCAL_LOGIN_USERS.
    "cxplatform.accounts.local_login.LocalPasswordBackend",
    # Single sign-on (OpenID Connect): answers only the SSO callback, and only when OIDC_ISSUER is set.
    "cxplatform.accounts.oidc.backend.OIDCBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # axes reads a float as hours
# "username,ip_address": each locks on its own; "username+ip_address" counts the pair together.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item for item in env_list("AXES_LOCKOUT_PARAMETERS", ["username", "ip_address"])
]
if not all(
    part in ("username", "ip_address", "user_agent")
    for item in AXES_LOCKOUT_PARAMETERS
    for part in ([item] if isinstance(item, str) else item)
):
    raise ImproperlyConfigured(
        "AXES_LOCKOUT_PARAMETERS must list username, ip_address or user_agent (comma-separated, + to combine); "
        f"got {AXES_LOCKOUT_PARAMETERS!r}."
    )
# Tries made while locked out do not push the end of the lockout further, so the time the page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login leaves the failures counted: otherwise anyone with an account of their own could log in
# between guesses to wipe their address's count. Failures age out after the cool-off anyway.
AXES_RESET_ON_SUCCESS = False
AXES_HTTP_RESPONSE_CODE = 429

# Sessions (issue 16): in the database (Django's default engine), one UserSession row beside each signed-in one
# (cxplatform.accounts.sessions). A session unused for SESSION_IDLE_MINUTES is ended; the next request goes to the
# login page, saying why.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
# The optional second factor (TOTP, django-otp) for local accounts: with REQUIRE_2FA_FOR_ADMINS=1 an admin who
# logs in with a password and has none set up is sent to set it up before anything else. SSO logins are exempt.
REQUIRE_2FA_FOR_ADMINS = env_bool("REQUIRE_2FA_FOR_ADMINS", default=False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "CX Platform")
# The admin lists devices without their secret keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_LOCKOUT_CALLABLE = "cxplatform.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cxplatform.lib.client_ip.client_ip"
# No version banner from axes on every manage.py command and process start.
AXES_VERBOSE = False
# Behind this many reverse proxies that each append to X-Forwarded-For, the client address is read from that
# header (the address the outermost trusted proxy saw); 0: the connection's own address. Login lockouts and the API's
# bad-token throttle both count per this address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The API answers 429 with Retry-After to a client address that sent this many bad tokens in the period
# (DRF rate: number/second|minute|hour|day); requests with a valid token are never throttled.
API_BAD_TOKEN_RATE = env_str("API_BAD_TOKEN_RATE", "10/minute")
if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", API_BAD_TOKEN_RATE or ""):
    raise ImproperlyConfigured(f"API_BAD_TOKEN_RATE must look like 10/minute; got {API_BAD_TOKEN_RATE!r}.")

# API tokens (cxplatform.accounts.models.ApiToken): the longest a new token may live, in days; 0 allows tokens
# that never expire. The profile page offers 30, 90 and 365 days (those within the limit), or a date.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
# Single sign-on with OpenID Connect (cxplatform.accounts.oidc, mozilla-django-oidc): off while OIDC_ISSUER is
# empty. The provider's endpoints are discovered from <issuer>/.well-known/openid-configuration when first needed
# (cached for OIDC_DISCOVERY_CACHE_SECONDS); an unreachable issuer gets a page saying so, never an error.
OIDC_ISSUER = (env_str("OIDC_ISSUER") or "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID") or ""
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET") or ""
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too.")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "") or ""
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
# "group=role,group=role" and "group=team key,...": what the groups claim gives (cxplatform.accounts.oidc.mapping).
OIDC_ROLE_MAP = mapping_config("OIDC_ROLE_MAP", allowed=["cx_editor", "manager", "process_owner", "admin"])
OIDC_TEAM_MAP = mapping_config("OIDC_TEAM_MAP")
# The role of a person new to CX Platform whose groups map to none: the least privilege (an admin raises it).
OIDC_DEFAULT_ROLE = env_choice("OIDC_DEFAULT_ROLE", ["cx_editor", "manager", "process_owner", "admin"], "process_owner")
# Link a first SSO login to an existing account with the same e-mail address (the provider must say it verified
# the address); off: a new account is made, and only the `sub` claim links them afterwards.
OIDC_LINK_BY_EMAIL = env_bool("OIDC_LINK_BY_EMAIL", default=False)
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 5, minimum=1)
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600, minimum=0)
# An open SSO session is checked again with the provider this often (a silent prompt=none round trip, on a page
# load): someone removed or blocked there is logged out here within this many seconds.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_RECHECK_SECONDS", 900, minimum=30)
# The ID token is kept in the session for the provider's logout (id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_CALLBACK_CLASS = "cxplatform.accounts.oidc.views.CallbackView"
OIDC_AUTHENTICATE_CLASS = "cxplatform.accounts.oidc.views.StartView"
# The teams a person joins from the groups claim (OIDC_TEAM_MAP), so that accounts needs no import of teams.
OIDC_TEAM_SYNC = "teams.services.organisation.memberships_sync"
# LOCAL_LOGIN=0: the password form is switched off, except for these usernames (break-glass accounts).
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", default=True)
LOCAL_LOGIN_USERS = env_list("LOCAL_LOGIN_USERS", [])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API request then gets 401 with "WWW-Authenticate: Token". Bad tokens are
        # throttled per client address (API_BAD_TOKEN_RATE, below).
        "cxplatform.api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cxplatform.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "cxplatform.api.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "cxplatform.api.schema.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "cxplatform.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "cxplatform.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CX Platform API",
    "DESCRIPTION": "Journeys, teams, improvement actions and customer metrics. "
    "Authenticate with a session or with `Authorization: Token <key>` (`Bearer <key>` works too). Create named "
    "tokens on your profile page, read-only or read-write, each with an expiry date: a read-only token that writes "
    "gets 403, an expired or revoked one 401.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names collide with another's ("status") get a name of their own.
    "ENUM_NAME_OVERRIDES": {"DeliveryStatusEnum": "metrics.models.connectors.DeliveryStatus"},
}

# Extension points: where one app reaches another at run time, so that journeys imports neither teams nor
# metrics, and teams does not import metrics. Each names a callable (a dotted path) or a URL name; empty or None
# turns the point off. Every point, with its contract and who provides it, is listed in
# cxplatform/lib/extension_points.py, the one place that resolves them (tests/cxplatform/test_extension_points.py
# checks each resolves).
# Whose edits of journey maps are allowed: the teams app decides by team ownership of journey groups.
JOURNEY_EDIT_POLICY = "teams.permissions.can_edit_journey"
# "Create improvement action" on a touchpoint or finding of the map leads here (?touchpoint= / ?finding=).
MAP_ACTION_CREATE_URL = "teams:action-create"
# The map's measured experience (issue 6): a callable (journey, query) giving each touchpoint's NPS / CSAT / CES
# and measured emotion for the period in the query string, so that journeys needs no import of metrics (empty:
# the map shows the designed journey only); and the map header's link to the key-driver analysis of the journey.
MAP_MEASURES = "metrics.views.map_measures.map_measures"
MAP_DRIVERS_URL = "metrics:journey-drivers"
# What keeps a journey, stage or touchpoint from being deleted (it is archived instead): each callable counts
# its app's dependents (survey responses, follow-up cases and measured custom KPIs; improvement actions), so
# journeys imports neither.
MAP_DEPENDENTS = [
    "metrics.services.map_dependents.response_dependents",
    "teams.services.map_dependents.map_dependents",
    "metrics.services.map_dependents.followup_dependents",
    "metrics.services.map_dependents.kpi_dependents",
]
# Called in the transaction of every change to a journey's shape (delete, archive, restore, move to another
# stage): the figures per stage and touchpoint are marked stale and recomputed after commit, as on an ingest.
MAP_STRUCTURE_CHANGED = "metrics.services.recompute_requests.structure_changed"
# An improvement action's page links to its business case here (the URL name takes the action's pk), so that
# teams needs no import of metrics.
ACTION_BUSINESS_CASE_URL = "metrics:business-case"
# Comment threads on improvement actions (journeys.comments): what an action is to a thread (its journey, title,
# assignee, page), so that journeys needs no import of teams.
COMMENT_ACTION_TARGET = "teams.selectors.actions.action_comment_target"
# The teams a comment mentions (@<team key>), for the webhook event comment.team_mentioned.
COMMENT_MENTIONED_TEAMS = "teams.selectors.mentioned_teams"

# Voice of the customer (metrics app).
# Below this many responses a figure is still shown, flagged as a low sample.
KPI_MIN_SAMPLE = env_int("KPI_MIN_SAMPLE", 30, minimum=1)
# A follow-up case is due this many working days (Monday to Friday) after it opens.
FOLLOWUP_DEADLINE_WORKING_DAYS = env_int("FOLLOWUP_DEADLINE_WORKING_DAYS", 2, minimum=1)
# Responses older than this many days (history being loaded) open no follow-up case: nobody calls back a
# customer about last year's visit.
FOLLOWUP_MAX_AGE_DAYS = env_int("FOLLOWUP_MAX_AGE_DAYS", 30, minimum=1)
# The key-driver analysis of a journey needs this many respondents who gave both an NPS and a touchpoint score,
# and this many per touchpoint, before it relates the two.
DRIVER_MIN_LINKED = env_int("DRIVER_MIN_LINKED", 30, minimum=3)
DRIVER_MIN_PER_TOUCHPOINT = env_int("DRIVER_MIN_PER_TOUCHPOINT", 10, minimum=3)
# The dashboard's content and the key-driver sums are cached for this many seconds at most, under the data
# generation (cxplatform/lib/generations.py): any committed write to the organisation's data shows at once;
# 0 turns the cache off.
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 600)

# Personal data (metrics.privacy). PII_REDACT: the kinds of personal data replaced by a marker in the comments the
# API and the file imports receive: "all" (default), "off" (a tool that redacts itself), or some of
# email,phone,iban,bsn,address separated by commas. A survey source chooses its own on its form.
PII_KINDS = ("email", "iban", "phone", "bsn", "address")
_pii_redact = (env_str("PII_REDACT", "all") or "all").strip().lower()
if _pii_redact == "all":
    PII_REDACT = frozenset(PII_KINDS)
elif _pii_redact in ("off", "none"):
    PII_REDACT = frozenset()
else:
    PII_REDACT = frozenset(part.strip() for part in _pii_redact.split(",") if part.strip())
    if not set(PII_KINDS) >= PII_REDACT:
        raise ImproperlyConfigured(
            f"PII_REDACT: unknown kinds {sorted(PII_REDACT - set(PII_KINDS))}; use all, off or some of {PII_KINDS}"
        )
# Responses older than VOC_RETENTION_MONTHS (whole calendar months) lose their respondent key (replaced by a
# meaningless token, so that the key-driver analysis still pairs their answers) and their comment: removed
# (VOC_RETENTION_COMMENTS=remove, the default) or redacted of every kind (redact). Nightly, metrics.tasks.retention.
VOC_RETENTION_MONTHS = env_int("VOC_RETENTION_MONTHS", 24, minimum=1)
VOC_RETENTION_COMMENTS = env_choice("VOC_RETENTION_COMMENTS", ["remove", "redact"], default="remove")
# Survey deliveries' payloads (and outgoing webhook deliveries' payloads, which carry a follow-up case's comment
# and respondent key) are emptied this many days after they arrived; the delivery's row and outcome stay.
DELIVERY_BODY_RETENTION_DAYS = env_int("DELIVERY_BODY_RETENTION_DAYS", 90, minimum=1)

LOG_LEVEL = env_choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR"], default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
