"""Shapes in and out of the journeys API. Business rules live in journeys.services; these only check shape."""

from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxplatform.api.versioning import VersionedSerializer
from journeys.api.keys import JourneyRefField, PartRefField, resolve_part_keys
from journeys.keys import ALIAS_MAX_LENGTH, MAX_ALIASES, validate_key
from journeys.models import Channel, Finding, Journey, JourneyGroup, Persona, Stage, Touchpoint

User = get_user_model()

STRUCTURE_VERSION_HELP = _(
    "The journey's structure_version your move is based on. Required when the change moves the object."
)


def _user_name(user) -> str | None:
    return str(user) if user is not None else None


class JourneyGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = JourneyGroup
        fields = ["id", "slug", "name", "description", "position"]


class PersonaSerializer(serializers.ModelSerializer):
    journey_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Persona
        fields = ["id", "name", "segment", "quote", "goals", "frustrations", "colour", "journey_count"]
        # The model's check constraint names no field; say which one is wrong.
        extra_kwargs = {
            "colour": {
                "validators": [
                    RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a hex colour such as #0f766e.")),
                ]
            }
        }


class PersonaSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Persona
        fields = ["id", "name", "segment", "quote", "colour"]
        read_only_fields = fields


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "slug", "name", "name_nl", "position"]


KEY_HELP = _(
    "Lower-case letters, digits and hyphens, with a letter (report-a-claim): usable wherever the id is. Made from "
    "the name when left out on create; changing it breaks survey tools and files that use the old key."
)
# The uniqueness of a key is the service's (journeys.services.keys): its 400 names the part that holds the key.
KEY_KWARGS = {"help_text": KEY_HELP, "validators": [validate_key], "required": False, "allow_blank": True}


class AliasesField(serializers.ListField):
    child = serializers.CharField(max_length=ALIAS_MAX_LENGTH, allow_blank=False, trim_whitespace=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_ALIASES)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "The names or codes other systems use for this touchpoint (at most 20); unique within the journey "
                "among the touchpoints' keys and aliases. Responses may name the touchpoint by any of them."
            ),
        )
        super().__init__(**kwargs)


class JourneySerializer(VersionedSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True)
    personas = serializers.PrimaryKeyRelatedField(many=True, queryset=Persona.objects.all(), required=False)
    chain_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    chain_owner_name = serializers.SerializerMethodField()
    stage_count = serializers.IntegerField(read_only=True)
    touchpoint_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Journey
        fields = [
            "id",
            "name",
            "key",
            "description",
            "group",
            "group_name",
            "personas",
            "state",
            "current_state",
            "phase",
            "chain_owner",
            "chain_owner_name",
            "stage_count",
            "touchpoint_count",
            "version",
            "structure_version",
            "created_at",
            "updated_at",
            "archived_at",
        ]
        read_only_fields = ["current_state", "structure_version", "created_at", "updated_at", "archived_at"]
        extra_kwargs = {"key": KEY_KWARGS}

    def get_chain_owner_name(self, journey: Journey) -> str | None:
        return _user_name(journey.chain_owner)


class StageSerializer(VersionedSerializer):
    position = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text=_("0-based place in the journey. Omit on create to add at the end; changing it moves the stage."),
    )
    structure_version = serializers.IntegerField(
        min_value=1, required=False, write_only=True, help_text=STRUCTURE_VERSION_HELP
    )

    journey = JourneyRefField(queryset=Journey.objects.all(), help_text=_("The journey's id or key."))

    class Meta:
        model = Stage
        fields = [
            "id",
            "journey",
            "position",
            "name",
            "key",
            "customer_goal",
            "customer_expectation",
            "version",
            "structure_version",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]
        extra_kwargs = {"key": KEY_KWARGS}
        validators = []  # the key's uniqueness in the journey: the service's, whose 400 names the other stage

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "journey" in attrs and attrs["journey"] != self.instance.journey:
            raise serializers.ValidationError({"journey": _("A stage cannot move to another journey.")})
        return attrs


class TouchpointSerializer(VersionedSerializer):
    journey = JourneyRefField(
        queryset=Journey.objects.all(),
        required=False,
        help_text=_(
            "The journey's id or key. Follows from the stage; when sent, it must be the stage's journey, and the "
            "stage may be given by its key."
        ),
    )
    stage = PartRefField(queryset=Stage.objects.all(), help_text=_("The stage's id, or its key with the journey."))
    aliases = AliasesField()
    position = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text=_("0-based place in the stage. Omit on create to add at the end; changing it moves the touchpoint."),
    )
    channel_slug = serializers.CharField(source="channel.slug", read_only=True, allow_null=True)
    channel_name = serializers.CharField(source="channel.name", read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    structure_version = serializers.IntegerField(
        min_value=1, required=False, write_only=True, help_text=STRUCTURE_VERSION_HELP
    )

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "journey",
            "stage",
            "position",
            "name",
            "key",
            "aliases",
            "channel",
            "channel_slug",
            "channel_name",
            "description",
            "customer_expectation",
            "emotion",
            "is_moment_of_truth",
            "owner",
            "owner_name",
            "copied_from",
            "version",
            "structure_version",
            "archived_at",
        ]
        read_only_fields = ["copied_from", "archived_at"]
        extra_kwargs = {"key": KEY_KWARGS}
        validators = []  # the key's uniqueness in the journey: the service's, whose 400 names the other touchpoint

    def get_owner_name(self, touchpoint: Touchpoint) -> str | None:
        return _user_name(touchpoint.owner)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        journey = attrs.get("journey") or (self.instance.journey if self.instance is not None else None)
        errors = resolve_part_keys(attrs, journey)
        if errors:
            raise serializers.ValidationError(errors)
        stage = attrs.get("stage") or (self.instance.stage if self.instance is not None else None)
        if stage is not None and "journey" in attrs and attrs["journey"].pk != stage.journey_id:
            raise serializers.ValidationError({"stage": _("The stage belongs to another journey.")})
        if self.instance is not None and stage is not None and stage.journey_id != self.instance.journey_id:
            raise serializers.ValidationError({"stage": _("A touchpoint can only move to a stage of its own journey.")})
        attrs.pop("journey", None)
        return attrs


class FindingSerializer(VersionedSerializer):
    class Meta:
        model = Finding
        fields = ["id", "journey", "stage", "touchpoint", "kind", "text", "source", "severity", "version", "created_at"]
        read_only_fields = ["journey", "created_at"]
        extra_kwargs = {
            "stage": {"required": False, "help_text": _("Follows from the touchpoint when one is given.")},
            "touchpoint": {"required": False},
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            for name in ("stage", "touchpoint"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: _("A finding cannot move; delete it and add it where it belongs.")}
                    )
        return attrs


# The map: one journey with everything on it, read in a fixed number of queries (selectors.journey_map_queryset).


class MapStageSerializer(StageSerializer):
    touchpoints = TouchpointSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(StageSerializer.Meta):
        fields = [*StageSerializer.Meta.fields, "touchpoints", "findings"]


class JourneyMapSerializer(serializers.ModelSerializer):
    group = JourneyGroupSerializer(read_only=True)
    personas = PersonaSummarySerializer(many=True, read_only=True)
    chain_owner_name = serializers.SerializerMethodField()
    stages = MapStageSerializer(many=True, read_only=True)

    class Meta:
        model = Journey
        fields = [
            "id",
            "name",
            "key",
            "description",
            "group",
            "personas",
            "state",
            "current_state",
            "phase",
            "chain_owner",
            "chain_owner_name",
            "version",
            "structure_version",
            "created_at",
            "updated_at",
            "stages",
        ]
        read_only_fields = fields

    def get_chain_owner_name(self, journey: Journey) -> str | None:
        return _user_name(journey.chain_owner)


class ReorderStageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    touchpoints = serializers.ListField(child=serializers.IntegerField(), default=list)


class ReorderSerializer(serializers.Serializer):
    structure_version = serializers.IntegerField(min_value=1, help_text=STRUCTURE_VERSION_HELP)
    stages = ReorderStageSerializer(
        many=True,
        help_text=_("Every stage of the journey in order, each with every touchpoint it holds, in order."),
    )


class FutureStateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("Defaults to the journey's name with '(future state)' after it."),
    )
    another = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Make another future state although one exists (named '(future state 2)' and so on); without it, "
            "an existing future state is answered with 409 and the existing one."
        ),
    )


class FutureStateExistsSerializer(serializers.Serializer):
    """The body of a 409 from future-state: the journey has a future state already."""

    detail = serializers.CharField()
    code = serializers.CharField()
    existing = serializers.JSONField(help_text=_("The existing future state (as GET /journeys/{id}/ gives it)."))


class HasDependentsSerializer(serializers.Serializer):
    """The body of a 409 from a delete: responses, actions or cases depend on the object; archive it instead."""

    detail = serializers.CharField()
    code = serializers.CharField()
    dependents = serializers.ListField(child=serializers.CharField())
