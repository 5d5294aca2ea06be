"""The HTML of the cards that repeat on a map: touchpoint cards and finding items.

Built in Python instead of with {% include %} per card: on a map of 150 touchpoints the template engine
spent over 100 ms walking ~800 nodes per card (bench/map_bench.py); this renders the same markup an order of
magnitude faster. Every value from the database goes through escape(); labels are translated once per page.
The markup must stay in step with map.css and map.js (tests/journeys/test_map_read.py checks the essentials).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape as _html_escape
from typing import Protocol

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Finding, Touchpoint


def escape(value) -> str:
    """What django.utils.html.escape does (& < > " ' escaped), without its lazy-string check on every call."""
    return _html_escape(str(value), quote=True)


@dataclass
class CardLabels:
    """The words on the cards, translated once per page."""

    edit: str
    delete: str
    no_channel: str
    moment_of_truth: str
    owner: str
    emotion: str
    emotion_title: str
    severity: str
    severity_title: str
    finding_confirm: str
    no_owner: str
    create_action: str
    action: str
    measured: str
    no_scores: str
    low_sample: str
    verdicts: dict[str, str]
    comments: str = ""
    comments_on: str = ""
    more: str = ""
    key: str = ""
    copy_key: str = ""
    top_theme: str = ""
    theme_count: str = ""

    @classmethod
    def translated(cls) -> CardLabels:
        return cls(
            edit=_("Edit"),
            delete=_("Delete"),
            no_channel=_("No channel"),
            moment_of_truth=_("Moment of truth"),
            owner=_("Process owner"),
            emotion=_("Designed emotion:"),
            emotion_title=_("Designed emotion, from −2 to +2"),
            severity=_("severity"),
            severity_title=_("Severity, from 1 (minor) to 5 (critical)"),
            finding_confirm=_("Delete this finding?"),
            no_owner=_("No process owner"),
            create_action=_("Create improvement action"),
            action=_("Action"),
            measured=_("Measured scores"),
            no_scores=_("No scores in this period"),
            low_sample=_("low sample"),
            verdicts={
                "met": _("target %(target)s met"),
                "near": _("target %(target)s nearly met (short by less than the 95%% margin)"),
                "missed": _("target %(target)s missed"),
                "none": _("no target set"),
            },
            comments=_("Comments"),
            comments_on=_("Comments on “%(name)s”: %(count)s"),
            more=_("More about “%(name)s”"),
            key=_("Key"),
            copy_key=_("Copy key"),
            top_theme=_("Top complaint:"),
            theme_count=_("mentioned by %(mentions)s of %(unhappy)s unhappy customers"),
        )


class MeasuredFigure(Protocol):
    """One measured metric as settings.MAP_MEASURES gives it (metrics.selectors.map_measures.Figure)."""

    label: str
    text: str
    n_text: str
    low_sample: bool
    target_text: str
    status: str | None  # "met", "near", "missed"; None without a target


# Beside the colour, a sign for each verdict (and the words for screen readers), so colour is never the only cue.
VERDICT_SIGNS = {"met": "✓", "near": "≈", "missed": "✗", "none": ""}


def measured_strip(figures: Sequence[MeasuredFigure], labels: CardLabels) -> SafeString:
    """The measured figures of a card or of the whole journey ("CSAT 72% · n=140"), each coloured by its verdict
    against the target and marked when the sample is low; "No scores in this period" without any."""
    if not figures:
        return mark_safe(f'<p class="tp-measured tp-measured-empty">{escape(labels.no_scores)}</p>')  # noqa: S308
    items = []
    for figure in figures:
        status = figure.status or "none"
        verdict = labels.verdicts[status] % {"target": figure.target_text}
        title = f"{figure.label}: {verdict}"
        classes = f"tp-score is-{status}"
        low = ""
        if figure.low_sample:  # explained once, in the legend beside the cards
            classes += " is-low"
            low = f' <span class="tp-low">{escape(labels.low_sample)}</span>'
        sign = VERDICT_SIGNS[status]
        sign_html = f' <span class="tp-verdict" aria-hidden="true">{sign}</span>' if sign else ""
        items.append(
            f'<li class="{classes}" title="{escape(title)}"><span class="tp-score-text">{escape(figure.label)}'
            f" {escape(figure.text)} · n={escape(figure.n_text)}</span>{sign_html}"
            f'<span class="visually-hidden">, {escape(verdict)}</span>{low}</li>'
        )
    # Every value above is escaped.
    return mark_safe(f'<ul class="tp-measured" aria-label="{escape(labels.measured)}">{"".join(items)}</ul>')  # noqa: S308


class MeasuredTheme(Protocol):
    """A touchpoint's top negative theme as settings.MAP_MEASURES gives it (metrics.selectors.map_measures
    .TouchpointTheme): what its unhappy customers mention most."""

    name: str
    colour: str  # #rrggbb
    mentions_text: str
    unhappy_text: str
    url: str  # the theme on this touchpoint ("" without a page to link to)


def theme_line(theme: MeasuredTheme, labels: CardLabels, *, link: bool = True) -> str:
    """ "Top complaint: ● Waiting time, mentioned by 12 of 80 unhappy customers", the name linking to the theme's
    analysis on this touchpoint (`link`: not on a share link's view). The colour dot is set by data_styles.js
    (no style attribute: the Content Security Policy)."""
    dot = f'<span class="theme-dot" data-bg-colour="{escape(theme.colour)}" aria-hidden="true"></span>'
    name = f"{dot}{escape(theme.name)}"
    if link and theme.url:
        name = f'<a class="tp-theme-name" href="{escape(theme.url)}">{name}</a>'
    else:
        name = f'<span class="tp-theme-name">{name}</span>'
    count = labels.theme_count % {"mentions": theme.mentions_text, "unhappy": theme.unhappy_text}
    return (
        f'<p class="tp-theme"><span class="tp-theme-label">{escape(labels.top_theme)}</span> {name}'
        f' <span class="tp-theme-count">{escape(count)}</span></p>'
    )


# A speech bubble, drawn by app.css (a mask, in the text's colour): not an emoji, which not every system has a
# font for, and not an inline SVG, which would add its path to each of the thousands of cards of a big map.
BUBBLE_ICON = '<span class="comment-icon" aria-hidden="true"></span>'


def comment_button(
    kind: str, pk: int, name: str, count: int, url: str, labels: CardLabels, *, oob: bool = False
) -> str:
    """The speech bubble with the number of comments on a card (on the journey's, in the map header, also the
    word); it opens the thread in the map's comment dialog. Its id is the card's key for the live map
    ("comments-touchpoint-12"). `oob`: marked to replace the one on the map when it comes with a thread (htmx's
    out-of-band swap), so the count follows a new comment."""
    label = labels.comments_on % {"name": name, "count": count}
    classes = "comment-btn has-comments" if count else "comment-btn"
    word = ""
    if kind == "journey":
        classes = f"btn {classes} comment-btn-journey"
        word = f'<span aria-hidden="true">{escape(labels.comments)}</span>'
    swap = ' hx-swap-oob="outerHTML"' if oob else ""
    return (
        f'<button type="button" class="{classes}" id="comments-{kind}-{pk}"{swap} hx-get="{url}"'
        f' hx-target="#comment-dialog-body" hx-swap="innerHTML" aria-label="{escape(label)}"'
        f' title="{escape(labels.comments)}">{BUBBLE_ICON}{word}'
        f'<span class="comment-count" aria-hidden="true">{count or ""}</span></button>'
    )


def key_menu(id_: str, name: str, key: str, labels: CardLabels) -> str:
    """A card's menu ("⋯", a <details>: opened by click, Enter or Space): the part's key, and "Copy key", which
    copies it (static/js/copy_key.js says "Copied" in the menu's status)."""
    return (
        f'<details class="part-menu" id="{id_}-menu"><summary class="icon-btn" aria-label="{escape(labels.more % {"name": name})}"'
        f' title="{escape(labels.more % {"name": name})}"><span aria-hidden="true">⋯</span></summary>'
        f'<div class="part-menu-panel"><p class="part-key">{escape(labels.key)} <code>{escape(key)}</code></p>'
        f'<button type="button" class="part-menu-item" data-copy-key="{escape(key)}">{escape(labels.copy_key)}</button>'
        '<span class="part-copied" role="status" aria-live="polite"></span></div></details>'
    )


def _button(id_: str, label: str, text: str, *, post: str, vals: str, focus: str = "", disabled: bool = False) -> str:
    return (
        f'<button type="button" class="icon-btn" id="{id_}"{f" data-focus={chr(34)}{focus}{chr(34)}" if focus else ""}'
        f' hx-post="{post}" hx-vals=\'{vals}\' aria-label="{escape(label)}"{" disabled" if disabled else ""}>{text}</button>'
    )


def touchpoint_card(
    touchpoint: Touchpoint,
    labels: CardLabels,
    channel_names: dict[int, str],
    *,
    can_edit: bool,
    first: bool,
    last: bool,
    first_stage: bool,
    last_stage: bool,
    action_url: str | None,
    measured: Sequence[MeasuredFigure] | None = None,
    theme: MeasuredTheme | None = None,
    comments: str = "",
    with_key: bool = True,
) -> SafeString:
    """`with_key`: the menu with the touchpoint's key, and a link on its top theme (not on a share link's view).
    `theme`: the touchpoint's top negative theme in the period (theme_line), if any.
    `comments`: the card's comment button (comment_button). `measured`: the touchpoint's measured figures in the chosen period (empty: none in it); None when the map
    shows no measurements at all (settings.MAP_MEASURES unset)."""
    pk = touchpoint.pk
    classes = f"tp-card emotion-{touchpoint.emotion}"
    if touchpoint.is_moment_of_truth:
        classes += " is-mot"
    if touchpoint.owner_id is None:
        classes += " is-orphan"
    channel = escape(channel_names[touchpoint.channel_id]) if touchpoint.channel_id else escape(labels.no_channel)
    mot = (
        f'<span class="tp-mot"><span aria-hidden="true">★</span> {escape(labels.moment_of_truth)}</span>'
        if touchpoint.is_moment_of_truth
        else ""
    )
    emotion = f"+{touchpoint.emotion}" if touchpoint.emotion > 0 else str(touchpoint.emotion)
    if touchpoint.owner_id:
        owner = touchpoint.owner.get_full_name() or touchpoint.owner.username
        owner_html = (
            f'<span class="tp-owner" title="{escape(labels.owner)}"><span class="visually-hidden">'
            f"{escape(labels.owner)}: </span>{escape(owner)}</span>"
        )
    else:
        owner_html = f'<span class="tp-owner tp-orphan">{escape(labels.no_owner)}</span>'
    parts = [
        f'<li class="{classes}" id="tp-{pk}" data-id="{pk}" tabindex="-1">',
        f'<div class="tp-top"><span class="tp-channel">{channel}</span>{mot}</div>',
        f'<h3 class="tp-name">{escape(touchpoint.name)}</h3>',
        f'<div class="tp-meta"><span class="tp-emotion" title="{escape(labels.emotion_title)}">'
        f'<span class="tp-emotion-dot" aria-hidden="true"></span><span class="visually-hidden">'
        f"{escape(labels.emotion)} </span>{emotion}</span>{owner_html}</div>",
    ]
    if measured is not None:
        parts.append(measured_strip(measured, labels))
    if theme is not None:
        parts.append(theme_line(theme, labels, link=with_key))
    tools = []
    if can_edit:
        c = touchpoint.controls
        focus = f"tp-{pk}"
        tools += [
            _button(f"tp-{pk}-up", c["up"], "↑", post=c["touchpoint_move"], vals='{"direction": "up"}', focus=focus, disabled=first),
            _button(f"tp-{pk}-down", c["down"], "↓", post=c["touchpoint_move"], vals='{"direction": "down"}', focus=focus, disabled=last),
            _button(f"tp-{pk}-left", c["left"], "←", post=c["touchpoint_move"], vals='{"direction": "left"}', focus=focus, disabled=first_stage),
            _button(f"tp-{pk}-right", c["right"], "→", post=c["touchpoint_move"], vals='{"direction": "right"}', focus=focus, disabled=last_stage),
            '<span class="tools-gap"></span>',
            f'<button type="button" class="icon-btn" id="tp-{pk}-edit" hx-get="{c["touchpoint_edit"]}"'
            f' aria-label="{escape(c["edit"])}" title="{escape(labels.edit)}">✎</button>',
            f'<button type="button" class="icon-btn icon-btn-danger" hx-post="{c["touchpoint_delete"]}"'
            f" hx-vals='{{\"version\": \"{touchpoint.version}\"}}' hx-confirm=\"{escape(c['confirm'])}\""
            f' aria-label="{escape(c["delete"])}" title="{escape(labels.delete)}">✕</button>',
        ]  # fmt: skip
    if action_url:
        tools.append(
            f'<a class="icon-btn tp-action" href="{action_url}?touchpoint={pk}" title="{escape(labels.create_action)}"'
            f' aria-label="{escape(labels.create_action)}: {escape(touchpoint.name)}">+ {escape(labels.action)}</a>'
        )
    if with_key and touchpoint.key:
        if not can_edit:
            tools.insert(0, '<span class="tools-gap"></span>')
        tools.append(key_menu(f"tp-{pk}", touchpoint.name, touchpoint.key, labels))
    if tools:
        parts.append(f'<div class="tools">{"".join(tools)}</div>')
    # Last in the card, so the keyboard meets the card's own controls first; shown at its top right (app.css).
    parts.append(comments)
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def finding_item(
    finding: Finding,
    labels: CardLabels,
    touchpoint_names: dict[int, str],
    *,
    can_edit: bool,
    action_url: str | None,
    comments: str = "",
) -> SafeString:
    pk = finding.pk
    on = (
        f' · <span class="finding-on">{escape(touchpoint_names[finding.touchpoint_id])}</span>'
        if finding.touchpoint_id in touchpoint_names
        else ""
    )
    text = escape(finding.text).replace("\r\n", "\n").replace("\n", "<br>")
    parts = [
        f'<li class="finding severity-{finding.severity}" id="finding-{pk}" tabindex="-1">',
        f'<p class="finding-text">{text}</p>',
        f'<p class="finding-meta"><span class="finding-severity" title="{escape(labels.severity_title)}">'
        f"{escape(labels.severity)} {finding.severity}/5</span> · {escape(finding.source_label)}{on}{comments}</p>",
    ]
    tools = []
    if can_edit:
        c = finding.controls
        tools += [
            f'<button type="button" class="icon-btn" id="finding-{pk}-edit" hx-get="{c["finding_edit"]}"'
            f' aria-label="{escape(c["edit"])}" title="{escape(labels.edit)}">✎</button>',
            f'<button type="button" class="icon-btn icon-btn-danger" hx-post="{c["finding_delete"]}"'
            f' hx-vals=\'{{"version": "{finding.version}"}}\' hx-confirm="{escape(labels.finding_confirm)}"'
            f' aria-label="{escape(c["delete"])}" title="{escape(labels.delete)}">✕</button>',
        ]
    if action_url:
        tools.append(
            f'<a class="icon-btn finding-action" href="{action_url}?finding={pk}" title="{escape(labels.create_action)}"'
            f' aria-label="{escape(labels.create_action)}">+ {escape(labels.action)}</a>'
        )
    if tools:
        parts.append(f'<div class="tools">{"".join(tools)}</div>')
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
