"""The dashboard's "What customers say": the themes that cost the most points of NPS for the dashboard's scope
and period, each with its mentions, NPS impact ± margin, cost and a quote, linking to the theme in that scope;
an empty state linking to the codebook (metrics.selectors.dashboard_themes, templates/metrics/_dashboard_themes.html).

A hand-worked example, 20 NPS answers about one journey in spring 2024: 10 promoters, 4 detractors, NPS +30.
Waiting time is mentioned by the 4 detractors and 1 promoter: their NPS is (1 − 4) / 5 = −60, the others' is
(9 − 0) / 15 = +60, so the impact is −120 and the theme costs 60 − 30 = 30 points. Friendly staff (5 promoters)
costs nothing: it is not shown.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journeys.models import Journey
from metrics.models import Metric, ResponseTheme, RuleMode, Sentiment, SurveyResponse, Theme, ThemeRule
from metrics.themes.tagging import tag_pending
from tests.journeys.factories import ChannelFactory, JourneyFactory, StageFactory, TouchpointFactory

pytestmark = pytest.mark.django_db

URL = reverse("home")
SPRING = {"period": "custom", "from": "2024-04-01", "to": "2024-05-31"}
NEWEST = "Veel te lange wachttijd aan de telefoon, mail me op jan@example.com"


def theme(key: str, name_en: str, name_nl: str, phrase: str, *, sentiment: str = Sentiment.NEGATIVE) -> Theme:
    found = Theme.objects.create(key=key, name_en=name_en, name_nl=name_nl, colour="#dc2626", sentiment=sentiment)
    for language in ("nl", "en"):
        ThemeRule.objects.create(theme=found, language=language, mode=RuleMode.MENTION, phrase=phrase)
    return found


def answers(journey: Journey, rows: list[tuple[int, str, date]], *, channel=None, touchpoint=None) -> None:
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                metric=Metric.NPS if touchpoint is None else Metric.CSAT,
                score=score,
                journey=journey,
                touchpoint=touchpoint,
                channel=channel,
                responded_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                day=day,
                respondent=f"R{i}",
                comment=comment,
                source="test",
            )
            for i, (score, comment, day) in enumerate(rows)
        ]
    )


class Claims:
    def __init__(self) -> None:
        self.journey = JourneyFactory(name="Report a claim")
        self.phone = ChannelFactory(slug="phone", name="Phone")
        self.waiting = theme("waiting", "Waiting time", "Wachttijd", "wachttijd")
        self.friendly = theme("friendly", "Friendly staff", "Vriendelijk", "vriendelijk", sentiment=Sentiment.POSITIVE)
        april = date(2024, 4, 1)
        rows = [(3, "Lange wachttijd.", april + timedelta(days=i)) for i in range(3)]
        rows += [(3, NEWEST, date(2024, 4, 20))]
        rows += [(10, "Wachttijd was lang, verder top.", april)]
        rows += [(9, "Vriendelijk geholpen.", april)] * 5
        rows += [(8, "", april)] * 6 + [(10, "", april)] * 4
        answers(self.journey, rows, channel=self.phone)
        tag_pending()


@pytest.fixture
def claims() -> Claims:
    return Claims()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def section(response) -> str:
    page = response.content.decode()
    start = page.index('<section class="panel voice-panel"')
    return page[start : page.index("</section>", start)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_what_customers_say_shows_the_themes_that_cost_nps_with_their_figures_and_a_quote(manager_client, claims):
    html = section(manager_client.get(URL, SPRING))
    items = re.findall(r'<li class="voice-item">(.*?)</li>', html, flags=re.DOTALL)
    assert len(items) == 1  # friendly staff costs nothing
    shown = text(items[0])
    assert shown.startswith("Waiting time costs 30.0 NPS points")
    assert "5 mentions (50.0% of the comments)" in shown  # 5 of the 10 comments
    assert re.search(r"NPS impact −120 ± \d+", shown)
    # The newest comment of five words or more, redacted of personal data.
    assert "“Veel te lange wachttijd aan de telefoon, mail me op [e-mail]”" in shown
    assert "jan@example.com" not in html
    assert 'data-bg-colour="#dc2626"' in items[0]


def test_each_theme_links_to_its_analysis_in_the_dashboards_scope_and_period(manager_client, claims):
    html = section(manager_client.get(URL, {**SPRING, "channel": claims.phone.pk}))
    link = re.search(r'<a class="voice-name" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert urlsplit(link).path == reverse("metrics:theme-in-scope", args=[claims.waiting.pk])
    assert parse_qs(urlsplit(link).query) == {
        "channel": [str(claims.phone.pk)],
        "period": ["custom"],
        "from": ["2024-04-01"],
        "to": ["2024-05-31"],
    }
    assert f'href="{reverse("metrics:theme-analysis")}?' in html  # all themes, in the same scope
    # The theme analysis then shows the same figures.
    analysis = manager_client.get(link)
    assert analysis.status_code == 200


def test_the_themes_follow_the_scope(manager_client, claims):
    other = JourneyFactory(name="Open an account")
    empty = section(manager_client.get(URL, {**SPRING, "journey": other.pk}))
    assert text(empty).startswith("What customers say No comments for the journey “Open an account”")
    assert f'href="{reverse("metrics:theme-list")}"' in empty
    assert "Waiting time" in section(manager_client.get(URL, {**SPRING, "journey": claims.journey.pk}))
    # Other months: nothing.
    assert "voice-item" not in section(manager_client.get(URL, {"period": "custom", "from": "2023-01-01",
                                                                 "to": "2023-02-28"}))  # fmt: skip


def test_comments_without_a_costly_theme_say_so_and_link_to_the_codebook(manager_client, claims):
    Theme.objects.filter(pk=claims.waiting.pk).update(active=False)
    shown = section(manager_client.get(URL, SPRING))
    assert "No theme of the codebook that costs NPS was found in the 10 comments" in text(shown)
    assert f'<a href="{reverse("metrics:theme-list")}">Add themes and rules to the codebook</a>' in shown


def test_a_journey_group_asks_for_a_journey(manager_client, claims):
    shown = text(section(manager_client.get(URL, {**SPRING, "group": claims.journey.group_id})))
    assert "choose a journey of this group" in shown


def test_the_theme_names_are_dutch_for_a_dutch_user(client, manager, claims):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert ">Wachttijd</a>" in section(client.get(URL, SPRING))


@pytest.mark.parametrize("extra", [2, 200])
def test_the_section_costs_three_queries_whatever_the_number_of_mentions(
    manager_client, claims, django_assert_num_queries, extra
):
    touchpoint = TouchpointFactory(stage=StageFactory(journey=claims.journey), channel=claims.phone)
    answers(claims.journey, [(1, "Wachttijd op de lijn.", date(2024, 5, 1))] * extra, touchpoint=touchpoint)
    tag_pending()
    assert ResponseTheme.objects.count() == 10 + extra
    # session, user; filter choices: groups, journeys, channels; the period's cells, the previous period's, the
    # monthly trend, journeys, stages, touchpoints, channels (labels), targets, pending recompute; what customers
    # say: the scope's totals, the themes with their counts, the quotes of the themes shown (one query for all);
    # custom KPIs; actions per status, business cases, finished actions (none: no windows' cells); follow-ups
    # (+1 on SQLite, where the median is taken in Python); the mandates awaiting the manager's decision
    expected = 23 if connection.vendor == "postgresql" else 24
    with django_assert_num_queries(expected):
        shown = section(manager_client.get(URL, SPRING))
    assert f"{5 + extra} mentions" in text(shown)


def test_a_retag_refreshes_what_customers_say_while_the_scores_stay_cached(
    manager_client, claims, cached, django_capture_on_commit_callbacks
):
    assert "Waiting time" in section(manager_client.get(URL, SPRING))
    # The tagging rewrites the mentions (a codebook change, done by the worker): only the theme mentions move.
    with django_capture_on_commit_callbacks(execute=True):
        ResponseTheme.objects.filter(theme=claims.waiting).delete()
    with CaptureQueriesContext(connection) as queries:
        after = section(manager_client.get(URL, SPRING))
    assert "Waiting time" not in after and "No theme of the codebook that costs NPS" in after
    assert not [q for q in queries.captured_queries if "metrics_kpisnapshot" in q["sql"]]  # the scores: cached


def test_a_journey_asked_csat_only_shows_what_the_themes_cost_in_csat(manager_client):
    # 10 CSAT answers at one touchpoint, no NPS: 4 mention waiting time, all scoring 1 (0% 4-5); the 6 others score
    # 5 (100%). The journey's CSAT is 60%, so waiting time costs 100 - 60 = 40 points of CSAT; its impact is
    # 0 - 100 = -100, margin 0 (each group all of a kind).
    journey = JourneyFactory(name="Report a claim")
    touchpoint = TouchpointFactory(stage=StageFactory(journey=journey), name="Claim by phone")
    theme("waiting", "Waiting time", "Wachttijd", "wachttijd")
    april = date(2024, 4, 1)
    rows = [(1, "Lange wachttijd aan de telefoon.", april)] * 4 + [(5, "Prima.", april)] * 3 + [(5, "", april)] * 3
    answers(journey, rows, touchpoint=touchpoint)
    tag_pending()

    html = section(manager_client.get(URL, {**SPRING, "journey": journey.pk}))

    (item,) = re.findall(r'<li class="voice-item">(.*?)</li>', html, flags=re.DOTALL)
    shown = text(item)
    assert shown.startswith("Waiting time costs 40.0 CSAT points")
    assert re.search(r"CSAT impact −100 ± 0", shown)
    assert "NPS" not in shown
    assert "cost the most points of CSAT" in text(html)
