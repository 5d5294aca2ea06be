"""Two-factor authentication (TOTP, django-otp) for local accounts (issue 16).

A user sets up an authenticator app (a confirmed TOTPDevice) and gets recovery codes (a StaticDevice of
RECOVERY_CODE_COUNT one-time codes). Whoever logs in with a password and has a device must then enter a code
before any other page or the admin site answers; with REQUIRE_2FA_FOR_ADMINS an admin without one is sent to set
one up. What a request needs to decide is put in the session at login (login_flags), so that a normal page
request makes no query for it (cxplatform.accounts.middleware). SSO logins are exempt: the identity provider
is the second factor's place. Verifying is throttled by django-otp (a wait that doubles with each failure).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from cxplatform.audit import actions
from cxplatform.audit.recording import record

from .models import User

AUTH_METHOD = "cx_auth_method"  # "password" or "oidc", set at login (the session flag contract of issue 16)
PENDING = "cx_otp_pending"  # a code is still to be entered in this session
SETUP_REQUIRED = "cx_otp_setup_required"  # an admin who must set up a device first (REQUIRE_2FA_FOR_ADMINS)
SETUP_KEY = "cx_otp_setup_key"  # the secret being set up, until the first code confirms it
NEW_RECOVERY_CODES = "cx_otp_new_codes"  # shown once, right after they were made
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def must_have_two_factor(user: User) -> bool:
    """Whether REQUIRE_2FA_FOR_ADMINS applies to this user: admins of the product and of the admin site."""
    return bool(settings.REQUIRE_2FA_FOR_ADMINS and (user.is_admin or user.is_staff))


def _auth_method_of(user: User) -> str:
    backend = (getattr(user, "backend", "") or "").lower()
    return "oidc" if "oidc" in backend else "password"


def login_flags(*, request: HttpRequest, user: User) -> None:
    """At login: how the user logged in, and what they must do before anything else (the middleware reads it)."""
    session = request.session
    for key in (PENDING, SETUP_REQUIRED, SETUP_KEY, NEW_RECOVERY_CODES):
        session.pop(key, None)
    method = session.get(AUTH_METHOD) or _auth_method_of(user)
    session[AUTH_METHOD] = method
    if method == "oidc":
        return
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        session[PENDING] = True
    elif must_have_two_factor(user):
        session[SETUP_REQUIRED] = True


def required_step(session) -> str | None:
    """The URL name of what this session must do before anything else, or None. Reads the session only."""
    if session.get(AUTH_METHOD) == "oidc":
        return None
    if session.get(PENDING):
        return "two-factor-verify"
    if session.get(SETUP_REQUIRED):
        return "two-factor-setup"
    return None


@dataclass(frozen=True)
class Status:
    enabled: bool
    recovery_codes_left: int


def status(user: User) -> Status:
    """Whether the user has two-factor authentication on, and how many recovery codes are left: one query."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            codes=Count("staticdevice__token_set"),
        )
        .values("has_totp", "codes")
        .first()
    ) or {"has_totp": False, "codes": 0}
    return Status(enabled=row["has_totp"], recovery_codes_left=row["codes"])


def new_secret() -> str:
    return random_hex(20)


def secret_for_manual_entry(key: str) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(*, user: User, key: str) -> str:
    """The otpauth:// address of the secret as an inline SVG QR code (no image service sees the secret)."""
    device = TOTPDevice(user=user, key=key, name=TOTP_DEVICE_NAME)
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#111827", light="#ffffff")


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def check_setup_code(*, key: str, code: str) -> int | None:
    """The time step of a correct code for a secret being set up (one step of clock drift allowed), or None."""
    code = _clean(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(binascii.unhexlify(key), 30, 0, 6, 0)
    totp.time = timezone.now().timestamp()
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enable(*, user: User, key: str, last_t: int) -> list[str]:
    """Confirms the authenticator app with this secret (the code of step last_t cannot be used again) and makes
    new recovery codes, which it returns (shown once)."""
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=last_t)
    codes = _new_recovery_codes(user)
    record(actions.TWO_FACTOR_ENABLED, obj=user)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(actions.TWO_FACTOR_DISABLED, obj=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes in place of the old ones (all of which stop working)."""
    codes = _new_recovery_codes(user)
    record(actions.UPDATE, obj=user, fields=["recovery_codes"])
    return codes


@dataclass(frozen=True)
class Verification:
    ok: bool
    used_recovery_code: bool = False
    locked_until: datetime | None = None  # throttled: no code is checked until then


def verify(*, user: User, code: str) -> Verification:
    """Checks a code from the authenticator app (six digits) or a recovery code (used up). A wrong one makes the
    next try wait (1, 2, 4... seconds: django-otp's throttling, per device)."""
    code = _clean(code)
    is_app_code = code.isdigit() and len(code) == 6
    model = TOTPDevice if is_app_code else StaticDevice
    devices = list(model.objects.filter(user=user, confirmed=True))
    if not devices:
        # No recovery codes: count the failure against the app, so that guessing is throttled all the same.
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            return Verification(ok=False, locked_until=(data or {}).get("locked_until"))
    for device in devices:
        if isinstance(device, model) and device.verify_token(code):
            return Verification(ok=True, used_recovery_code=not is_app_code)
        if not isinstance(device, model):
            device.throttle_increment()
    return Verification(ok=False)


@transaction.atomic
def record_failed_code(*, user: User) -> None:
    record(actions.LOGIN_FAILED, obj=user, detail={"step": "second_factor"})


def verify_password_or_code(*, user: User, value: str) -> Verification:
    """For switching two-factor off: the password or a current code; throttled like a code."""
    if _clean(value).isdigit():
        return verify(user=user, code=value)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            return Verification(ok=False, locked_until=(data or {}).get("locked_until"))
    if user.check_password(value):
        if device is not None:
            device.throttle_reset()
        return Verification(ok=True)
    if device is not None:
        device.throttle_increment()
    return Verification(ok=False)


def mark_verified(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)
    request.session.pop(SETUP_REQUIRED, None)


def after_enabled(request: HttpRequest, codes: list[str]) -> None:
    """The session of the user who just switched two-factor on: verified, and the codes to show once."""
    request.session.pop(SETUP_KEY, None)
    mark_verified(request)
    request.session[NEW_RECOVERY_CODES] = codes


def profile_context(request: HttpRequest) -> dict:
    """What templates/accounts/_profile_two_factor.html shows on the profile page."""
    user = request.user
    sso = request.session.get(AUTH_METHOD) == "oidc" and not user.has_usable_password()
    return {
        "two_factor": status(user),
        "two_factor_sso": sso,
        "two_factor_required": must_have_two_factor(user),
    }
