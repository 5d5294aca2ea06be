"""GET /api/v1/verbatims/: full-text search of the comments, with the filters of the verbatim search page.

The parameters are checked here (each error names its parameter); the search is metrics.themes.search.
Everyone logged in may search, as they read the responses. Pages as the other lists: ?page= and ?page_size=
(up to 200), with `count`, `next` and `previous`; the count stops at 250 (`count_capped` says so), the pages
go on to the 5,000th comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from journeys.api.keys import JourneyRefField, PartRefField, is_id, resolve_part_keys
from journeys.models import Journey, Touchpoint
from metrics.models import Metric, Theme
from metrics.themes.search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    VerbatimFilters,
    VerbatimHit,
    last_page,
    verbatim_search,
)

MAX_QUERY = 200


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class ThemeRefField(serializers.PrimaryKeyRelatedField):
    """A theme by id or key."""

    default_error_messages = {"does_not_exist": gettext_lazy("No theme has the id or key “{value}”.")}

    def to_internal_value(self, data: object) -> Theme:
        text = str(data).strip()
        queryset = self.get_queryset()
        assert queryset is not None, "a writable related field always has its queryset (DRF checks it)"
        rows = queryset.order_by()
        theme = None
        if text and "\x00" not in text:
            theme = rows.filter(pk=int(text)).first() if is_id(text) else rows.filter(key=text.lower()).first()
        if theme is None:
            self.fail("does_not_exist", value=text)
        return theme


class VerbatimQuerySerializer(serializers.Serializer):
    """The query parameters; `from` and `to` are Python keywords, hence get_fields."""

    q = serializers.CharField(
        required=False,
        max_length=MAX_QUERY,
        help_text=gettext_lazy(
            'Words, matched in Dutch and English on their stems; "a phrase" in quotes, -word to leave out, '
            "or between alternatives."
        ),
    )
    journey = JourneyRefField(
        queryset=Journey.all_objects.all(), required=False, help_text=gettext_lazy("Journey id or key.")
    )
    touchpoint = PartRefField(
        queryset=Touchpoint.all_objects.all(),
        required=False,
        help_text=gettext_lazy("Touchpoint id, or its key or an alias together with the journey."),
    )
    metric = serializers.ChoiceField(choices=Metric.choices, required=False)
    score_min = serializers.IntegerField(required=False, min_value=0, max_value=10)
    score_max = serializers.IntegerField(required=False, min_value=0, max_value=10)
    theme = ThemeRefField(queryset=Theme.objects.all(), required=False, help_text=gettext_lazy("Theme id or key."))
    date_from = serializers.DateField(
        required=False, input_formats=["iso-8601"], help_text=gettext_lazy("First day (YYYY-MM-DD), local time.")
    )
    date_to = serializers.DateField(
        required=False, input_formats=["iso-8601"], help_text=gettext_lazy("Last day (YYYY-MM-DD), included.")
    )
    page = serializers.IntegerField(required=False, min_value=1, help_text=gettext_lazy("Page number, from 1."))
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, help_text=gettext_lazy("Comments per page (default 25).")
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields

    def to_internal_value(self, data: Mapping[str, Any]) -> dict[str, Any]:
        # PostgreSQL text cannot hold a NUL character: refused here, naming the parameter.
        nul = {name: [_("Null characters are not allowed.")] for name, value in data.items() if "\x00" in str(value)}
        if nul:
            raise serializers.ValidationError(nul)
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = resolve_part_keys(attrs, attrs.get("journey"))
        if errors:
            raise serializers.ValidationError(errors)
        journey, touchpoint = attrs.get("journey"), attrs.get("touchpoint")
        if touchpoint and journey and touchpoint.journey_id != journey.pk:
            errors["touchpoint"] = [_("This touchpoint is not part of the journey given.")]
        low, high = attrs.get("score_min"), attrs.get("score_max")
        if low is not None and high is not None and low > high:
            errors["score_max"] = [_("The highest score must not be below the lowest (score_min).")]
        first, last = attrs.get("from"), attrs.get("to")
        if first and last and first > last:
            errors["from"] = [_("The first day must not come after the last day (to).")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def filters(self) -> VerbatimFilters:
        return VerbatimFilters.from_valid(self.validated_data, day_from="from", day_to="to")


class VerbatimSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="response_id", help_text=gettext_lazy("The response's id."))
    comment = serializers.CharField()
    highlight = serializers.CharField(
        help_text=gettext_lazy("The comment as HTML: escaped, with the matched words in <mark>.")
    )
    metric = serializers.ChoiceField(choices=Metric.choices)
    score = serializers.IntegerField()
    day = serializers.DateField()
    journey = serializers.IntegerField(source="journey_id")
    touchpoint = serializers.IntegerField(source="touchpoint_id", allow_null=True)
    themes = serializers.SerializerMethodField(help_text=gettext_lazy("The keys of the themes found in it."))
    language = serializers.ChoiceField(choices=[("nl", "nl"), ("en", "en")])

    def get_themes(self, hit: VerbatimHit) -> list[str]:
        return [theme.key for theme in hit.themes]


class VerbatimListSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=gettext_lazy("Matching comments, up to 250."))
    count_capped = serializers.BooleanField(help_text=gettext_lazy("More than 250 comments match."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VerbatimSerializer(many=True)


class VerbatimListView(APIView):
    """Comments that match the words and filters, latest first, with the matches highlighted."""

    @extend_schema(parameters=[VerbatimQuerySerializer], responses=VerbatimListSerializer)
    def get(self, request: Request) -> Response:
        # An empty parameter (?journey=) means "any", as in the other lists' filters.
        query = VerbatimQuerySerializer(data={k: v for k, v in request.query_params.dict().items() if v.strip()})
        query.is_valid(raise_exception=True)
        number = query.validated_data.get("page", 1)
        limit = query.validated_data.get("page_size", DEFAULT_LIMIT)
        if number > last_page(limit):
            raise NotFound(_("Invalid page."))
        page = verbatim_search(query.filters(), page=number, limit=limit)
        if number > 1 and not page.hits:
            raise NotFound(_("Invalid page."))
        url = request.build_absolute_uri()

        def link(to: int) -> str:
            return replace_query_param(url, "page", to)

        body = {
            "count": page.count,
            "count_capped": page.capped,
            "next": link(page.page + 1) if page.has_next else None,
            "previous": link(page.page - 1) if page.has_previous else None,
            "results": VerbatimSerializer(page.hits, many=True).data,
        }
        return Response(body)
