"""How figures and targets are written, in English and Dutch."""

from decimal import Decimal

import pytest
from django.utils import translation

from metrics.formatting import figure_text, signed, target_text


@pytest.mark.parametrize(
    "metric, value, text",
    [
        ("nps", Decimal("20"), "+20"),
        ("nps", Decimal("-5.00"), "−5"),
        ("nps", Decimal("0"), "0"),
        ("csat", Decimal("80.00"), "80%"),
        ("csat", Decimal("82.5"), "82.5%"),
        ("ces", Decimal("5"), "5.0"),
        ("ces", Decimal("5.25"), "5.25"),  # a target keeps the decimals it was set with
        ("ces", 5.25, "5.25"),  # as the dashboard's figures carry it, a float
    ],
)
def test_a_target_is_written_as_it_was_set(metric, value, text):
    assert target_text(metric, value) == text


def test_figures_follow_their_metric_and_the_language():
    assert (
        figure_text("nps", 12.34),
        figure_text("csat", 78.46),
        figure_text("ces", 5.2),
        figure_text("ces", None),
    ) == (
        "+12.3",
        "78.5%",
        "5.20",
        "–",
    )
    assert signed(-4.0) == "−4.0"
    with translation.override("nl"):
        assert (figure_text("csat", 78.46), target_text("ces", Decimal("5.25"))) == ("78,5%", "5,25")
