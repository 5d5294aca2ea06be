"""The survey sources API: `sources/` (CRUD; the signing secret is shown once, on create and on
`sources/<id>/rotate-secret/`), `sources/<id>/preview/` (what a sample payload would store),
`sources/<id>/deliveries/` (the log, filtered by `status`) and `sources/<id>/deliveries/<id>/replay/`.

CX editors and admins only, reads included (a source's settings name the tool's account): the same rule as
loading responses, metrics.permissions.can_ingest_responses. Reads go through metrics.connectors.selectors, writes
through metrics.connectors.services.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cxplatform.api.versioning import CONFLICT, VersionedSerializer, VersionSerializer, versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from metrics.connectors.selectors import delivery_list, source_list
from metrics.connectors.services import (
    delivery_replay,
    mapping_preview,
    public_config,
    source_create,
    source_delete,
    source_rotate_secret,
    source_update,
    vendor_choices,
)
from metrics.models import Delivery, DeliveryStatus, SurveySource
from metrics.permissions import NOT_AN_INGESTER, can_ingest_responses
from metrics.privacy.redaction import KIND_CHOICES

MAPPING_HELP = _(
    'How a submission becomes responses: {"metrics": {"nps": "<question ref>", "csat": ..., "ces": ...}, '
    '"journey": {"from": "hidden", "key": "journey"}, "touchpoint": {"from": "url", "key": "tp"}, '
    '"channel": {"from": "fixed", "value": "web"}, "respondent": {"from": "meta", "key": "user.id"}, '
    '"comment": {"from": "answer", "key": "<question ref>"}}; "from" is answer, hidden, url, meta or fixed.'
)


class CanIngest(permissions.BasePermission):
    message = NOT_AN_INGESTER

    def has_permission(self, request, view) -> bool:
        return can_ingest_responses(request.user)


class SurveySourceSerializer(VersionedSerializer):
    """A survey source: the tool, its endpoint URL (paste it into the tool with the secret), its settings (secret
    ones only say whether they are set), its mapping and limits, and what it delivered."""

    vendor = serializers.ChoiceField(choices=[], help_text=_("The survey tool; it cannot change later."))
    vendor_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("The address to paste into the survey tool."))
    config = serializers.DictField(
        required=False, help_text=_("The tool's own settings; a secret one left empty keeps its stored value.")
    )
    mapping = serializers.JSONField(required=False, help_text=MAPPING_HELP)
    secret = serializers.CharField(
        write_only=True,
        required=False,
        help_text=_('Only for a tool that makes the signing key itself (SurveyMonkey\'s "api key&secret").'),
    )
    redact_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=KIND_CHOICES),
        required=False,
        help_text=_(
            "The kinds of personal data replaced by a marker in the comments this source delivers (all by "
            "default); an empty list turns redaction off, for a tool that redacts comments itself."
        ),
    )
    created_by_name = serializers.SerializerMethodField()
    last_delivery_at = serializers.DateTimeField(read_only=True, allow_null=True)
    delivery_count = serializers.IntegerField(read_only=True)
    stored_count = serializers.IntegerField(read_only=True)
    rejected_count = serializers.IntegerField(read_only=True, help_text=_("Rejected or failed deliveries."))
    responses_created = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveySource
        fields = [
            "id",
            "name",
            "vendor",
            "vendor_label",
            "url",
            "config",
            "mapping",
            "active",
            "rate_limit",
            "max_bytes",
            "redact_kinds",
            "created_by",
            "created_by_name",
            "created_at",
            "secret_rotated_at",
            "signature_failures",
            "last_signature_failure_at",
            "last_signature_failure",
            "last_delivery_at",
            "delivery_count",
            "stored_count",
            "rejected_count",
            "responses_created",
            "version",
            "secret",
        ]
        read_only_fields = [
            "created_by",
            "created_at",
            "secret_rotated_at",
            "signature_failures",
            "last_signature_failure_at",
            "last_signature_failure",
        ]
        extra_kwargs = {
            "rate_limit": {"min_value": 1, "max_value": 100_000},
            "max_bytes": {"min_value": 1024, "max_value": 10 * 1024 * 1024},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = vendor_choices()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["vendor"].read_only = True

    def to_representation(self, instance: SurveySource) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["config"] = public_config(instance)
        return data

    def get_vendor_label(self, source: SurveySource) -> str:
        return dict(vendor_choices()).get(source.vendor, source.vendor)

    def get_url(self, source: SurveySource) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(source.hook_path) if request is not None else source.hook_path

    def get_created_by_name(self, source: SurveySource) -> str | None:
        user = source.created_by
        return (user.get_full_name() or user.username) if user else None


class SurveySourceWithSecretSerializer(SurveySourceSerializer):
    """A source as created or with its secret rotated: the only answers that show the signing secret."""

    secret = serializers.CharField(read_only=True, help_text=_("Shown now only: paste it into the survey tool."))

    class Meta(SurveySourceSerializer.Meta):
        pass


class RotateSecretSerializer(VersionSerializer):
    secret = serializers.CharField(
        required=False, help_text=_("Only for a tool that makes the signing key itself: the new key, pasted.")
    )


class PreviewInSerializer(serializers.Serializer):
    sample = serializers.CharField(trim_whitespace=False, help_text=_("A payload as the tool sends it."))
    mapping = serializers.JSONField(required=False, help_text=_("The mapping to try (the source's own when left out)."))


class PreviewRecordSerializer(serializers.Serializer):
    metric = serializers.CharField()
    score = serializers.IntegerField()
    journey_id = serializers.IntegerField()
    journey = serializers.CharField()
    touchpoint_id = serializers.IntegerField(allow_null=True)
    touchpoint = serializers.CharField()
    channel = serializers.CharField()
    responded_at = serializers.DateTimeField()
    respondent = serializers.CharField()
    comment = serializers.CharField()
    external_id = serializers.CharField()
    already_stored = serializers.BooleanField()


class PreviewProblemSerializer(serializers.Serializer):
    submission = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class PreviewSubmissionSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    records = PreviewRecordSerializer(many=True)
    problems = PreviewProblemSerializer(many=True)
    unanswered = serializers.BooleanField()
    answers = serializers.DictField()
    hidden = serializers.DictField()
    meta = serializers.DictField()


class PreviewSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    error = serializers.CharField()
    ignored = serializers.CharField()
    submissions = PreviewSubmissionSerializer(many=True)


@versioned_schema(SurveySourceSerializer)
@extend_schema(tags=["survey sources"])
class SurveySourceViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Survey sources: survey tools (Typeform, Formbricks, Qualtrics, a generic JSON sender...) that deliver
    answers to their own URL, signed with their own secret, read through their mapping. The secret is in the
    answer of a creation and of `rotate-secret/` only. Deleting a source keeps the responses it stored."""

    serializer_class = SurveySourceSerializer
    permission_classes = [permissions.IsAuthenticated, CanIngest]
    filterset_fields = ["vendor", "active"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return source_list()

    @extend_schema(responses={201: SurveySourceWithSecretSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {key: value for key, value in serializer.validated_data.items() if key != "version"}
        source = source_create(created_by=request.user, **data)
        out = self.fresh(source)
        out.secret = source.secret
        return Response(
            SurveySourceWithSecretSerializer(out, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        source = source_update(source=serializer.instance, expected_version=version, **data)
        serializer.instance = self.fresh(source)

    def perform_destroy(self, instance):
        version = self.delete_version()
        source_delete(source=instance, expected_version=instance.version if version is None else version)

    @extend_schema(
        request=RotateSecretSerializer,
        responses={200: SurveySourceWithSecretSerializer, 409: CONFLICT},
        summary=_("A new signing secret"),
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        """A new signing secret, shown in this answer only; the old one stops working at once."""
        source = self.get_object()
        body = RotateSecretSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rotated = source_rotate_secret(
            source=source, expected_version=body.validated_data["version"], secret=body.validated_data.get("secret")
        )
        out = self.fresh(rotated)
        out.secret = rotated.secret
        return Response(SurveySourceWithSecretSerializer(out, context=self.get_serializer_context()).data)

    @extend_schema(request=PreviewInSerializer, responses={200: PreviewSerializer}, summary=_("Preview a mapping"))
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """What a sample payload would store under a mapping (the source's own, or the one sent), without storing
        anything: per submission the responses or the problems."""
        source = self.get_object()
        body = PreviewInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = mapping_preview(
            source=source, mapping=body.validated_data.get("mapping"), sample_body=body.validated_data["sample"]
        )
        return Response(PreviewSerializer(result).data)


class SurveyDeliverySerializer(serializers.ModelSerializer):
    """One payload a source delivered (or one poll's result), with its outcome."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    replayable = serializers.BooleanField(read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "source",
            "origin",
            "received_at",
            "status",
            "status_display",
            "reason",
            "responses_created",
            "external_ids",
            "attempts",
            "processed_at",
            "replayable",
        ]
        read_only_fields = fields


class SurveyDeliveryDetailSerializer(SurveyDeliverySerializer):
    """A delivery with its payload and the headers kept with it."""

    class Meta(SurveyDeliverySerializer.Meta):
        fields = [*SurveyDeliverySerializer.Meta.fields, "headers", "body"]
        read_only_fields = fields


STATUS_PARAMETER = OpenApiParameter(
    "status", str, description=_("Only this status: received, stored, duplicate, rejected, ignored or failed.")
)


@extend_schema(tags=["survey sources"])
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The deliveries of a source, newest first; `?status=rejected` for the ones to look at. A rejected (or
    failed) delivery is replayed with the source's current mapping by `replay/`."""

    serializer_class = SurveyDeliverySerializer
    permission_classes = [permissions.IsAuthenticated, CanIngest]
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def source(self) -> SurveySource:
        found = SurveySource.objects.filter(pk=self.kwargs["source_pk"]).first()
        if found is None:
            raise Http404
        return found

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        wanted = self.request.query_params.get("status") or None
        if wanted is not None and wanted not in DeliveryStatus.values:
            raise serializers.ValidationError(
                {"status": _("Unknown status; use one of: %(known)s.") % {"known": ", ".join(DeliveryStatus.values)}}
            )
        return delivery_list(source=self.source(), status=wanted)

    def get_serializer_class(self):
        return SurveyDeliveryDetailSerializer if self.action == "retrieve" else SurveyDeliverySerializer

    @extend_schema(parameters=[STATUS_PARAMETER])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={
            200: SurveyDeliveryDetailSerializer,
            400: OpenApiResponse(description=_("The delivery is not rejected or failed.")),
        },
        summary=_("Replay a delivery"),
    )
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, source_pk: str | None = None, pk: str | None = None) -> Response:
        """Run a rejected or failed delivery again with the source's current mapping; the answer is the delivery
        with its new status (stored, duplicate, ignored, or rejected again with the reason)."""
        delivery = delivery_replay(delivery=self.get_object())
        return Response(SurveyDeliveryDetailSerializer(delivery, context=self.get_serializer_context()).data)
