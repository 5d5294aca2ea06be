"""The monthly trend of themes (the theme analysis): per theme, the share of the month's comments that mention it,
one line each in the theme's colour; the hover gives the number of mentions too."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cxplatform.lib.charts import label
from metrics.models import Theme

from .base import chart_layout


def theme_trend_figure(trend: dict[int, list[tuple[date, int, float]]], themes: list[Theme]) -> dict | None:
    """One line per theme (in the order given) over the months of `trend` (metrics.themes.selectors.theme_trend);
    None when no theme is mentioned in any month."""
    if not any(mentions for theme in themes for _month, mentions, _pct in trend.get(theme.pk, [])):
        return None
    share, mentions_word = _("Share of the comments (%)"), _("mentions")
    data = []
    for theme in themes:
        points = trend.get(theme.pk, [])
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label(theme.name),
                "x": [month.isoformat() for month, _n, _pct in points],
                "y": [pct for _month, _n, pct in points],
                "customdata": [[n, date_format(month, "M Y")] for month, n, _pct in points],
                "line": {"color": theme.colour, "width": 2},
                "marker": {"size": 6, "color": theme.colour},
                "hovertemplate": f"<b>{label(theme.name)}</b><br>%{{customdata[1]}}: %{{y:.1f}}{share}"
                f"<br>%{{customdata[0]}} {mentions_word}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": chart_layout(
            height=320,
            xaxis={"type": "date", "tickformat": "%b %Y", "dtick": "M1"},
            yaxis={"title": {"text": share}, "rangemode": "tozero", "ticksuffix": "%"},
        ),
    }
