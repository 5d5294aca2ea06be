"""The pages of two-factor authentication: set up, recovery codes, switch off, and the code asked after login."""

from __future__ import annotations

import math

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        error_messages={"required": gettext_lazy("Enter the code.")},
    )


class DisableForm(forms.Form):
    secret = forms.CharField(
        label=gettext_lazy("Your password or a current code"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": gettext_lazy("Enter your password or a code from your authenticator app.")},
    )


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _throttled(request: HttpRequest, template: str, context: dict, locked_until) -> HttpResponse:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    context["form"].add_error(
        None,
        _("Too many wrong codes. Wait %(seconds)d seconds before you try again.") % {"seconds": seconds},
    )
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Shows the QR code and the secret of a new authenticator app; the first correct code switches it on."""
    user = request.user
    if two_factor.status(user).enabled:
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("profile")
    key = request.session.get(two_factor.SETUP_KEY)
    if not key:
        key = request.session[two_factor.SETUP_KEY] = two_factor.new_secret()
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        last_t = two_factor.check_setup_code(key=key, code=form.cleaned_data["code"])
        if last_t is not None:
            codes = two_factor.two_factor_enable(user=user, key=key, last_t=last_t)
            two_factor.after_enabled(request, codes)
            messages.success(request, _("Two-factor authentication is on. Save your recovery codes now."))
            target = reverse("two-factor-recovery-codes")
            next_url = _next_url(request, "")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
        form.add_error(
            "code",
            _(
                "That code is not right. Enter the six digits your authenticator app shows now; "
                "if it keeps failing, check that your phone's clock is set automatically."
            ),
        )
    if request.method == "POST":
        status = 400
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(user=user, key=key),
        "secret": two_factor.secret_for_manual_entry(key),
        "required": bool(request.session.get(two_factor.SETUP_REQUIRED)),
        "next": _next_url(request, ""),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """GET: the recovery codes just made, shown once. POST: new codes in place of the old ones."""
    if request.method == "POST":
        if not two_factor.status(request.user).enabled:
            messages.error(request, _("Two-factor authentication is off: there are no recovery codes to renew."))
            return redirect("profile")
        request.session[two_factor.NEW_RECOVERY_CODES] = two_factor.recovery_codes_renew(user=request.user)
        messages.success(request, _("New recovery codes were made; the old ones no longer work. Save these now."))
        return redirect("two-factor-recovery-codes")
    codes = request.session.pop(two_factor.NEW_RECOVERY_CODES, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once, right after they are made."))
        return redirect("profile")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": _next_url(request, "")})


@require_http_methods(["GET"])
def recovery_codes_renew_confirm(request: HttpRequest) -> HttpResponse:
    """Asks before the old recovery codes are replaced (the form posts to recovery_codes)."""
    return render(request, "accounts/two_factor_recovery_renew.html")


@require_http_methods(["GET", "POST"])
def disable(request: HttpRequest) -> HttpResponse:
    """Switches two-factor off after the password or a current code, and a confirmation."""
    user = request.user
    if not two_factor.status(user).enabled:
        messages.info(request, _("Two-factor authentication is already off."))
        return redirect("profile")
    if two_factor.must_have_two_factor(user):
        messages.error(request, _("Administrators must keep two-factor authentication on."))
        return redirect("profile")
    form = DisableForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify_password_or_code(user=user, value=form.cleaned_data["secret"])
        if result.locked_until is not None:
            return _throttled(request, "accounts/two_factor_disable.html", context, result.locked_until)
        if result.ok:
            two_factor.two_factor_disable(user=user)
            messages.success(request, _("Two-factor authentication is off. You log in with your password only."))
            return redirect("profile")
        form.add_error("secret", _("That is neither your password nor a current code."))
    return render(request, "accounts/two_factor_disable.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a password login: a code from the app, or a recovery code."""
    if request.session.get(two_factor.PENDING) is not True:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": _next_url(request, "")}
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify(user=request.user, code=form.cleaned_data["code"])
        if result.locked_until is not None:
            return _throttled(request, "accounts/two_factor_verify.html", context, result.locked_until)
        if result.ok:
            two_factor.mark_verified(request)
            if result.used_recovery_code:
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; it will not work again. "
                        "Make new ones on your profile page when few are left."
                    ),
                )
            return redirect(_next_url(request))
        # A wrong second factor is a failed login for the audit trail (the password was right).
        two_factor.record_failed_code(user=request.user)
        form.add_error(
            "code",
            _("That code is not right. Enter the six digits your app shows now, or one of your recovery codes."),
        )
    return render(request, "accounts/two_factor_verify.html", context, status=400 if request.method == "POST" else 200)
