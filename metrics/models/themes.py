"""Verbatim analytics (issue 17): the organisation's codebook of themes, and what it found in the comments.

- `Theme`: a name in English and Dutch, a colour, a sentiment (the map card shows a touchpoint's top *negative*
  theme) and its `ThemeRule`s: words and phrases per language, matched on Snowball stems
  (metrics.themes.engine), as a plain mention, only when negated ("niet teruggebeld" is "not called back"), or as
  an exclusion (a phrase that keeps the theme off the comment: "geen wachttijd" is not "waiting time").
- `CodebookState`: one row; its `version` goes up with every change to a theme or a rule, and every comment is
  tagged again in the background (metrics.themes.tagging, metrics.tasks.themes) until all carry that version.
- `Verbatim`: one row per response with a comment, written by the tagging: the comment's language, the codebook
  version it was tagged with, and (on PostgreSQL) its full-text search vector. Derived data: it is rebuilt from
  the response whenever the comment changes (retention, erasure) or the codebook does.
- `ResponseTheme`: one row per (response, theme) found, with copies of the response's journey, touchpoint,
  channel, day, metric and score, so that every theme figure is one index scan and a GROUP BY (a response's
  journey, touchpoint, day and score never change after ingest).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, Touchpoint

from .responses import Metric, SurveyResponse

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class RuleMode(models.TextChoices):
    # The phrase is mentioned, and not negated ("wachttijd" but not "geen wachttijd").
    MENTION = "mention", _("Mentioned")
    # The phrase is negated ("niet teruggebeld", "never called back"): the theme is about its absence.
    NEGATED = "negated", _("Mentioned as missing")
    # The phrase keeps the theme off the comment, whatever else matched ("wachttijd viel mee").
    EXCLUDE = "exclude", _("Excludes the theme")


class Theme(models.Model):
    key = models.SlugField(_("key"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    colour = models.CharField(_("colour"), max_length=7, default="#6b7280", validators=[COLOUR])
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEGATIVE)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Optimistic locking of the editor: a save names the version it started from (a stale edit is refused).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["name_en", "id"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Dutch for nl, English otherwise)."""
        return self.name_nl if (translation.get_language() or "en").startswith("nl") else self.name_en


class ThemeRule(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("theme"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=RuleMode.choices, default=RuleMode.MENTION)
    # One or more words, matched on their stems in this order; a word ending in * matches every word that starts
    # so ("wacht*": wachten, wachttijd, wachtrij).
    phrase = models.CharField(_("words or phrase"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["theme", "position", "id"]
        verbose_name = _("theme rule")
        verbose_name_plural = _("theme rules")

    def __str__(self) -> str:
        return f"{self.get_mode_display()}: {self.phrase} ({self.language})"


class CodebookState(models.Model):
    """One row (pk 1): the codebook's version, raised by every change to a theme or rule."""

    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("codebook state")

    def __str__(self) -> str:
        return f"codebook v{self.version}"

    @classmethod
    def current(cls) -> CodebookState:
        state, _created = cls.objects.get_or_create(pk=1)
        return state


class Verbatim(models.Model):
    """A response's comment as the tagging saw it (derived; see the module docstring)."""

    response = models.OneToOneField(
        SurveyResponse,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="verbatim",
        db_constraint=False,
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    version = models.PositiveIntegerField(_("codebook version"))
    # PostgreSQL only: to_tsvector('dutch' or 'english', comment), GIN-indexed (migration metrics 0007); NULL on
    # SQLite, where the search falls back to a LIKE on the comment.
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("verbatim")
        verbose_name_plural = _("verbatims")
        indexes = [models.Index(fields=["version"], name="verbatim_version")]

    def __str__(self) -> str:
        return f"verbatim {self.response_id} ({self.language}, v{self.version})"


class ResponseTheme(models.Model):
    id = models.BigAutoField(primary_key=True)
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.DO_NOTHING, related_name="themes", db_constraint=False, db_index=False
    )
    # Deleting a theme deletes its rows first, set-based (metrics.themes.services.theme_delete).
    theme = models.ForeignKey(Theme, on_delete=models.DO_NOTHING, related_name="mentions", db_constraint=False)
    journey = models.ForeignKey(
        Journey, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField()
    metric = models.CharField(max_length=4, choices=Metric.choices)
    score = models.SmallIntegerField()

    class Meta:
        verbose_name = _("theme mention")
        verbose_name_plural = _("theme mentions")
        constraints = [models.UniqueConstraint(fields=["response", "theme"], name="response_theme_unique")]
        # A scope (journey or touchpoint, days) and every column the theme figures count or group by: they are
        # read from the index alone (index-only scans). Key columns rather than INCLUDE, so that the btree
        # deduplicates them.
        indexes = [
            models.Index(
                fields=["journey", "day", "theme", "touchpoint", "channel", "metric", "score"],
                name="response_theme_journey_day",
            ),
            models.Index(
                fields=["touchpoint", "day", "theme", "metric", "score"],
                name="response_theme_tp_day",
                condition=Q(touchpoint__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.response_id}: theme {self.theme_id}"
