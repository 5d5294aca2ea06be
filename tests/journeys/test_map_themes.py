"""Each touchpoint card on the measured map names its top complaint: the negative theme its unhappy customers
(detractors, CSAT 1-2, CES 1-3) mention most in the period, with how many of them mention it, linking to the
theme analysis of the touchpoint (metrics.themes.selectors.touchpoint_top_themes, metrics.selectors.map_measures)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from journeys.map_cards import CardLabels
from journeys.map_cards import theme_line as render_theme_line
from journeys.models import Touchpoint
from metrics.models import Metric, ResponseTheme, Sentiment, SurveyResponse, Theme
from metrics.services.recompute import snapshots_rebuild_all
from metrics.views.map_measures import map_measures
from tests.journeys.factories import build_map
from tests.journeys.test_map_measures import EMPTY_PERIOD, Demo, card, map_url, respond

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


@pytest.fixture(autouse=True)
def editors_edit_every_group(settings):
    settings.JOURNEY_EDIT_POLICY = None


def theme(key: str, name_en: str, name_nl: str = "", *, sentiment: str = Sentiment.NEGATIVE, active: bool = True):
    return Theme.objects.create(
        key=key, name_en=name_en, name_nl=name_nl or name_en, colour="#dc2626", sentiment=sentiment, active=active
    )


def mention(responses: QuerySet[SurveyResponse], found: Theme, count: int) -> None:
    """`found` in the comments of the first `count` of these responses (as the tagging stores it)."""
    ResponseTheme.objects.bulk_create(
        [
            ResponseTheme(
                response=r,
                theme=found,
                journey_id=r.journey_id,
                touchpoint_id=r.touchpoint_id,
                channel_id=r.channel_id,
                day=r.day,
                metric=r.metric,
                score=r.score,
            )
            for r in responses.order_by("id")[:count]
        ]
    )


def answers(touchpoint: Touchpoint, *, scores: list[int], recent: bool = True) -> QuerySet[SurveyResponse]:
    """The touchpoint's answers with these scores, of the last 90 days (`recent`) or older."""
    cutoff = timezone.localdate() - timedelta(days=89)
    found = SurveyResponse.objects.filter(touchpoint=touchpoint, score__in=scores)
    return found.filter(day__gte=cutoff) if recent else found.filter(day__lt=cutoff)


def theme_line(html: str) -> str:
    found = re.search(r'<p class="tp-theme">(.*?)</p>', html)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


@pytest.fixture
def demo() -> Demo:
    demo = Demo()
    # The form: 20 answers of CSAT 2 (unhappy) and 20 of 4 in the last week.
    crashes, unclear = theme("app-crashes", "App crashes", "App crasht"), theme("unclear", "Unclear questions")
    friendly = theme("friendly", "Friendly staff", sentiment=Sentiment.POSITIVE)
    retired = theme("retired", "Old theme", active=False)
    mention(answers(demo.form, scores=[2]), crashes, 12)
    mention(answers(demo.form, scores=[2]), unclear, 5)
    mention(answers(demo.form, scores=[2]), friendly, 20)  # positive: never a complaint
    mention(answers(demo.form, scores=[2]), retired, 20)  # switched off in the codebook
    mention(answers(demo.form, scores=[4]), unclear, 20)  # satisfied customers do not count
    # The website: its complaints are older than the period (200 days ago), and from happy customers.
    mention(answers(demo.website, scores=[1], recent=False), unclear, 30)
    mention(answers(demo.website, scores=[5]), crashes, 30)
    # The call: 2 of its 9 unhappy customers mention a theme, too few to name it.
    mention(answers(demo.call, scores=[1]), crashes, 2)
    demo.crashes, demo.unclear = crashes, unclear
    return demo


def test_a_card_names_its_unhappy_customers_top_complaint_and_how_many_mention_it(editor_client, demo):
    content = editor_client.get(map_url(demo.journey)).content.decode()
    assert theme_line(card(content, demo.form)) == "Top complaint: App crashes mentioned by 12 of 20 unhappy customers"
    dot = re.search(r'<span class="theme-dot" data-bg-colour="([^"]+)"', card(content, demo.form))
    assert dot and dot.group(1) == "#dc2626"  # set by data_styles.js: no style attribute (CSP)
    # No complaint of an unhappy customer in the period: no line (old ones, happy customers' themes do not count),
    # nor for one mentioned by fewer than three.
    assert theme_line(card(content, demo.website)) == ""
    assert theme_line(card(content, demo.call)) == ""


def test_the_top_complaint_follows_the_period(editor_client, demo):
    content = editor_client.get(map_url(demo.journey, "?period=12m")).content.decode()
    # Over twelve months the website's 30 unhappy answers of 200 days ago count, with their theme (of its 40
    # CSAT 1-2 and 10 CES 1-3 answers).
    assert theme_line(card(content, demo.website)) == (
        "Top complaint: Unclear questions mentioned by 30 of 50 unhappy customers"
    )
    empty = editor_client.get(map_url(demo.journey, EMPTY_PERIOD)).content.decode()
    assert 'class="tp-theme"' not in empty


def test_the_top_complaint_links_to_the_theme_on_the_touchpoint(editor_client, demo):
    html = card(editor_client.get(map_url(demo.journey, "?period=30d")).content.decode(), demo.form)
    href = re.search(r'<a class="tp-theme-name" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert urlsplit(href).path == reverse("metrics:theme-in-scope", args=[demo.crashes.pk])
    assert parse_qs(urlsplit(href).query) == {
        "journey": [str(demo.journey.pk)],
        "touchpoint": [str(demo.form.pk)],
        "period": ["30d"],
    }


def test_the_theme_is_named_in_the_users_language_and_escaped(demo):
    with translation.override("nl"):
        assert map_measures(demo.journey, None).themes[demo.form.pk].name == "App crasht"
    Theme.objects.filter(pk=demo.crashes.pk).update(name_en="<b>Crashes</b>")
    html = render_theme_line(map_measures(demo.journey, None).themes[demo.form.pk], CardLabels.translated())
    assert "&lt;b&gt;Crashes&lt;/b&gt;" in html and "<b>" not in html


def test_ties_go_to_the_theme_defined_first(demo):
    extra = answers(demo.form, scores=[2]).exclude(themes__theme=demo.unclear)
    mention(extra, demo.unclear, 7)  # 12 and 12
    assert map_measures(demo.journey, None).themes[demo.form.pk].theme_id == min(demo.crashes.pk, demo.unclear.pk)


@pytest.mark.parametrize("touchpoints_per_stage", [1, 100])
def test_the_top_complaints_cost_one_query_whatever_the_size_of_the_map(
    editor_client, django_assert_num_queries, touchpoints_per_stage
):
    journey = build_map(stages=2, touchpoints_per_stage=touchpoints_per_stage)
    waiting = theme("waiting", "Waiting time")
    for touchpoint in journey.touchpoints.all():
        respond(journey, touchpoint, Metric.CSAT, [1, 1, 2, 5])
    mention(SurveyResponse.objects.filter(score__lte=2), waiting, 10_000)
    snapshots_rebuild_all()
    # session, user, journey, personas, stages, touchpoints, findings; the measures: snapshot cells per
    # touchpoint, targets, the touchpoints' top complaints (theme mentions)
    with django_assert_num_queries(10):
        content = editor_client.get(map_url(journey)).content.decode()
    lines = re.findall(r'<p class="tp-theme">(.*?)</p>', content)
    assert len(lines) == 2 * touchpoints_per_stage
    assert all("mentioned by 3 of 3 unhappy customers" in re.sub(r"<[^>]+>", "", line) for line in lines)
