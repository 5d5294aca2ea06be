import hashlib

from django.conf import settings
from django.contrib.auth import hashers
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from journeys.keys import KEY_MAX_LENGTH, fill_keys, key_base, validate_aliases, validate_key


class KeyedMixin:
    """A model with a `key` (journeys.keys) made from its name when saved without one."""

    key_fallback = "part"
    key: str
    name: str
    pk: object

    def key_siblings(self) -> models.QuerySet:
        """The rows its key must differ from."""
        raise NotImplementedError

    def fill_key(self) -> None:
        """A key made from its name, unique among key_siblings(): one query, for the keys that start like it."""
        prefix = key_base(self.name, self.key_fallback)
        taken = self.key_siblings().order_by().filter(key__startswith=prefix).values_list("key", flat=True)
        fill_keys([self], taken=taken, fallback=self.key_fallback)

    def save(self, *args, **kwargs) -> None:
        if not self.key:
            self.fill_key()
        super().save(*args, **kwargs)  # type: ignore[misc]

    def validate_constraints(self, exclude=None) -> None:
        # A blank key is filled on save: no query to check that a blank key is unique.
        if not self.key:
            exclude = {*(exclude or ()), "key"}
        super().validate_constraints(exclude=exclude)  # type: ignore[misc]


class JourneyGroup(models.Model):
    """A lifecycle cluster of journeys: becoming, being or staying a customer. Teams are organised per group."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("journey group")
        verbose_name_plural = _("journey groups")

    def __str__(self) -> str:
        return self.name


class Persona(models.Model):
    """An archetypal customer."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    segment = models.CharField(_("segment"), max_length=120, blank=True)
    quote = models.CharField(_("quote"), max_length=300, blank=True)
    goals = models.TextField(_("goals / jobs to be done"), blank=True)
    frustrations = models.TextField(_("frustrations"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#0f766e",
        help_text=_("A hex colour such as #0f766e, used for the persona's avatar."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        constraints = [
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="persona_colour_is_hex")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split()[:2]).upper()


def channel_label(name: str, name_nl: str) -> str:
    """The name of a channel to show in the active language: the Dutch one in Dutch when it has one."""
    if name_nl and (get_language() or "").split("-")[0] == "nl":
        return name_nl
    return name


class Channel(models.Model):
    """Where a touchpoint happens: web, app, phone, store, email, chat, social, letter... (an editable list).

    Channels are data, so their names are not in the message catalogue: each carries its English name and
    its Dutch one (an admin adding a channel gives both; without a Dutch name the English one is shown).
    `label` (and `str()`) is the one that follows the active language; `name` stays the key of imports."""

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    # A default in the database too: rows written by SQL (imports, other tools) need not know the column.
    name_nl = models.CharField(_("Dutch name"), max_length=80, blank=True, default="", db_default="")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return channel_label(self.name, self.name_nl)


class OnTheMapManager(models.Manager):
    """`objects` of journeys, stages and touchpoints: only those on the map, not archived ones.

    An archived row keeps its responses, actions and cases, and its figures, but leaves every list, picker,
    map and comparison; it is reached through `all_objects` (the archive, a restore, the figures' labels) and
    through foreign keys (Django follows those with the unfiltered base manager).
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(archived_at__isnull=True)


class WithArchivedManager(models.Manager):
    """`all_objects`: archived rows too."""


class HistoryChange(models.Model):
    """What every history row of a journey's content carries besides simple-history's own columns: the change
    it was part of (one request, one undo, one restore: what one undo reverts), so that several rows written by
    one action are read and undone together. See journeys.services.history."""

    history_change = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True


def _history() -> HistoricalRecords:
    # Recorded by simple-history's signals for save() and delete(), and explicitly by journeys.services.history
    # for the .update() and bulk paths, which fire no signals.
    return HistoricalRecords(bases=[HistoryChange], cascade_delete_history=False)


class JourneyState(models.TextChoices):
    CURRENT = "current", _("Current state")
    FUTURE = "future", _("Future state")


class Phase(models.TextChoices):
    DISCOVER = "discover", _("Discover")
    DEFINE = "define", _("Define")
    DEVELOP = "develop", _("Develop")
    DELIVER = "deliver", _("Deliver")


class Journey(KeyedMixin, models.Model):
    """One end-to-end job a customer does, for one or more personas.

    Two version numbers guard against lost updates: `version` for the journey's own fields, and
    `structure_version` for its shape (which stages and touchpoints exist, and their order).
    """

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(
        _("key"),
        max_length=KEY_MAX_LENGTH,
        blank=True,
        validators=[validate_key],
        help_text=_("Unique among journeys; imports, the API and survey tools may use it instead of the id."),
    )
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        JourneyGroup, on_delete=models.PROTECT, related_name="journeys", verbose_name=_("journey group")
    )
    personas = models.ManyToManyField(Persona, related_name="journeys", blank=True, verbose_name=_("personas"))
    state = models.CharField(_("state"), max_length=10, choices=JourneyState.choices, default=JourneyState.CURRENT)
    current_state = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="future_states",
        verbose_name=_("redesigns"),
        help_text=_("For a future state: the current-state journey it redesigns."),
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.DISCOVER)
    chain_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_journeys",
        verbose_name=_("chain owner"),
    )
    version = models.PositiveIntegerField(default=1)
    structure_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set when the object was archived instead of deleted, because responses, actions or cases depend on it
    # (journeys.services.archive); the same moment on the stages and touchpoints archived with it.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = OnTheMapManager()
    all_objects = WithArchivedManager()
    history = _history()

    class Meta:
        ordering = ["group__position", "name", "id"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="future") | Q(current_state__isnull=True),
                name="journey_only_future_states_redesign",
            ),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="journey_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    key_fallback = "journey"

    def key_siblings(self) -> models.QuerySet:
        return Journey.all_objects.exclude(pk=self.pk)


class Stage(KeyedMixin, models.Model):
    """An ordered step of a journey; positions run 0..n-1 within the journey."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages", verbose_name=_("journey"))
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(
        _("key"),
        max_length=KEY_MAX_LENGTH,
        blank=True,
        validators=[validate_key],
        help_text=_("Unique within the journey."),
    )
    customer_goal = models.TextField(_("customer goal"), blank=True)
    customer_expectation = models.TextField(_("customer expectation"), blank=True)
    version = models.PositiveIntegerField(default=1)

    # Set when the object was archived instead of deleted, because responses, actions or cases depend on it
    # (journeys.services.archive); the same moment on the stages and touchpoints archived with it.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = OnTheMapManager()
    all_objects = WithArchivedManager()
    history = _history()

    class Meta:
        ordering = ["journey", "position", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        indexes = [models.Index(fields=["journey", "position"])]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "key"], condition=~Q(key=""), name="stage_unique_key_in_journey"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    key_fallback = "stage"

    def key_siblings(self) -> models.QuerySet:
        return Stage.all_objects.filter(journey_id=self.journey_id).exclude(pk=self.pk)


class Touchpoint(KeyedMixin, models.Model):
    """A moment where the customer meets the company, in a stage; positions run 0..n-1 within the stage."""

    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="touchpoints", verbose_name=_("journey")
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints", verbose_name=_("stage"))
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(
        _("key"),
        max_length=KEY_MAX_LENGTH,
        blank=True,
        validators=[validate_key],
        help_text=_("Unique within the journey; imports, the API and survey tools may use it instead of the id."),
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        validators=[validate_aliases],
        help_text=_("The names or codes other systems use for this touchpoint."),
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="touchpoints",
        verbose_name=_("channel"),
    )
    description = models.TextField(_("description"), blank=True)
    customer_expectation = models.TextField(_("customer expectation"), blank=True)
    emotion = models.SmallIntegerField(
        _("designed emotion"),
        default=0,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
        help_text=_("From -2 (very negative) to +2 (very positive)."),
    )
    is_moment_of_truth = models.BooleanField(_("moment of truth"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_touchpoints",
        verbose_name=_("process owner"),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text=_("The current-state touchpoint this future-state touchpoint was copied from."),
    )
    version = models.PositiveIntegerField(default=1)

    # Set when the object was archived instead of deleted, because responses, actions or cases depend on it
    # (journeys.services.archive); the same moment on the stages and touchpoints archived with it.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = OnTheMapManager()
    all_objects = WithArchivedManager()
    history = _history()

    class Meta:
        ordering = ["stage__position", "position", "id"]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        indexes = [models.Index(fields=["stage", "position"])]
        constraints = [
            models.CheckConstraint(condition=Q(emotion__gte=-2, emotion__lte=2), name="touchpoint_emotion_in_range"),
            models.UniqueConstraint(
                fields=["journey", "key"], condition=~Q(key=""), name="touchpoint_unique_key_in_journey"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    key_fallback = "touchpoint"

    def key_siblings(self) -> models.QuerySet:
        return Touchpoint.all_objects.filter(journey_id=self.journey_id).exclude(pk=self.pk)


class FindingKind(models.TextChoices):
    PAIN_POINT = "pain_point", _("Pain point")
    OPPORTUNITY = "opportunity", _("Opportunity")
    INSIGHT = "insight", _("Insight")


class FindingSource(models.TextChoices):
    SURVEY = "survey", _("Survey")
    COMPLAINT = "complaint", _("Complaint")
    CALL_ANALYSIS = "call_analysis", _("Call analysis")
    EMPLOYEES = "employees", _("Employees")
    ANALYTICS = "analytics", _("Analytics")
    OTHER = "other", _("Other")


class Finding(models.Model):
    """A pain point, opportunity or insight on a stage or on one of its touchpoints."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="findings", verbose_name=_("journey"))
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="findings", verbose_name=_("stage"))
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("touchpoint"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=20, choices=FindingSource.choices, default=FindingSource.OTHER)
    severity = models.PositiveSmallIntegerField(
        _("severity"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = _history()

    class Meta:
        ordering = ["-severity", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=5), name="finding_severity_in_range"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ShareLink(models.Model):
    """A read-only link to one journey's map for people without an account (journeys.services.share_links).

    Only a SHA-256 hash of the token is stored: the token itself is shown once, to the editor who made the link,
    so a copy of the database (or a look at the admin) does not hand out working links. The token is 256 random
    bits, so an unsalted hash is enough (nobody can guess it, and a lookup by hash needs no per-row salt).
    """

    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="share_links", verbose_name=_("journey")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(
        _("label"), max_length=80, blank=True, help_text=_("Who the link is for, to tell the links apart.")
    )
    with_measures = models.BooleanField(_("with the measured layer"), default=False)
    expires_at = models.DateField(_("expires on"), null=True, blank=True)
    # Hashed with Django's password hashers; empty: no password asked.
    password = models.CharField(_("password"), max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return self.label or f"{self.journey_id}/{self.pk}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and hashers.check_password(raw, self.password)

    @property
    def status(self) -> str:
        """ "revoked", "expired" (the day after its expiry date) or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at < timezone.localdate():
            return "expired"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class ShareLinkUse(models.Model):
    """One opening of a share link: when, from which address, with which browser."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="uses", verbose_name=_("share link"))
    used_at = models.DateTimeField(_("used at"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-used_at", "-id"]
        verbose_name = _("share link use")
        verbose_name_plural = _("share link uses")

    def __str__(self) -> str:
        return f"{self.link_id} {self.used_at:%Y-%m-%d %H:%M}"


class JourneyTemplate(models.Model):
    """A map an organisation saved to start new journeys from: the journey export without owners or personas
    (journeys/services/templates.py). The product's own templates are files in journeys/journey_templates/."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    document = models.JSONField(_("document"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("journey template")
        verbose_name_plural = _("journey templates")

    def __str__(self) -> str:
        return self.name


class JourneyVersion(models.Model):
    """A named moment in a journey's history ("Workshop 12 March"), to compare with or go back to."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="named_versions")
    name = models.CharField(_("name"), max_length=120)
    at = models.DateTimeField(_("moment"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("named version")
        verbose_name_plural = _("named versions")

    def __str__(self) -> str:
        return self.name


# Comment threads live in their own module (journeys.comments); imported here so that Django finds the models.
from journeys.comments.models import Comment, CommentThread  # noqa: E402, F401
