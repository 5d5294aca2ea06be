"""The codebook API: `themes/`, the themes with their rules (nested, written whole).

Everyone logged in reads; CX editors and admins write (metrics.permissions.can_edit_codebook, as on the pages).
Writes go through metrics.themes.services: an edit sends the `version` it is based on (409 when stale), and every
change has every comment tagged again.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from cxplatform.api.versioning import versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from metrics.models import Theme, ThemeRule
from metrics.permissions import NOT_A_CODEBOOK_EDITOR, can_edit_codebook
from metrics.themes.services import RuleInput, theme_create, theme_delete, theme_update

from .theme_serializers import ThemeSerializer


class CodebookPermission(permissions.BasePermission):
    """Everyone reads; CX editors and admins write."""

    message = NOT_A_CODEBOOK_EDITOR

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in permissions.SAFE_METHODS or can_edit_codebook(request.user)


def _rules(data: dict) -> list[RuleInput] | None:
    rules = data.pop("rules", None)
    return None if rules is None else [RuleInput(r["language"], r["mode"], r["phrase"]) for r in rules]


@versioned_schema(ThemeSerializer)
class ThemeViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The codebook: themes with a name in English and Dutch, a colour, a sentiment and their rules (words and
    phrases per language; mentioned, mentioned as missing, or excluding the theme). `rules`, when sent, replace the
    stored ones. Edits send the `version` they are based on (409 when stale)."""

    serializer_class = ThemeSerializer
    permission_classes = [permissions.IsAuthenticated, CodebookPermission]
    search_fields = ["name_en", "name_nl", "key"]
    ordering_fields = ["name_en", "name_nl", "created_at", "updated_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Theme]:
        rules = Prefetch("rules", queryset=ThemeRule.objects.order_by("position", "id"))
        return Theme.objects.prefetch_related(rules).order_by("name_en", "id")

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = {key: value for key, value in serializer.validated_data.items() if key != "version"}
        rules = _rules(data) or []
        serializer.instance = self.fresh(theme_create(rules=rules, **data))

    def perform_update(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        rules = _rules(data)
        if rules is not None:
            data["rules"] = rules
        assert isinstance(serializer.instance, Theme)
        theme = theme_update(theme=serializer.instance, expected_version=version, **data)
        serializer.instance = self.fresh(theme)

    def perform_destroy(self, instance: Theme) -> None:
        theme_delete(theme=instance, expected_version=self.delete_version())
