from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, User
from .services import api_token_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("CX Platform"), {"fields": ("role", "job_title", "oidc_subject")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("CX Platform"), {"fields": ("role", "first_name", "last_name", "email")}),
    )


class TokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("expired", _("Expired")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        live = queryset.filter(revoked_at__isnull=True)
        if self.value() == "active":
            return live.filter(Q(expires_at__isnull=True) | Q(expires_at__gte=today))
        if self.value() == "expired":
            return live.filter(expires_at__lt=today)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's tokens, to look at and revoke (the action, which writes the audit trail). Nothing here shows or
    makes a key: only its hash is stored, and a token is made on its owner's profile page."""

    list_display = ("name", "user", "prefix", "access", "created_at", "expires_at", "last_used_at", "status_label")
    list_filter = (TokenStatusFilter, "access")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username", "user__first_name", "user__last_name")
    fields = ("user", "name", "prefix", "access", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("status"))
    def status_label(self, token: ApiToken) -> str:
        return {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked")}[token.status]

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens)) % {"count": len(tokens)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, not deleted: the list keeps what existed (deleting the user deletes their tokens)

    def has_change_permission(self, request, obj=None) -> bool:
        # A token's page is read-only (no Save button); the list's revoke action needs the change permission.
        return obj is None and super().has_change_permission(request, obj)
