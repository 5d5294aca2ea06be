"""The metric definitions of DOMAIN.md against examples worked out by hand (the arithmetic is in the comments).

Counts are built from scores through the models' own buckets (SurveyResponse.bucket), so these tests also pin
the thresholds: NPS detractors 0-6 / promoters 9-10, CSAT top-2-box 4-5, CES easy 5-7.
"""

from decimal import Decimal

import pytest
from django.test import override_settings

from metrics import formulas
from metrics.formulas import Counts
from metrics.models import SurveyResponse


def counts(metric: str, scores: list[int]) -> Counts:
    total = Counts()
    for score in scores:
        bucket = SurveyResponse(metric=metric, score=score).bucket
        total += Counts(n=1, low=int(bucket == "low"), high=int(bucket == "high"), total=score, total_sq=score**2)
    return total


def test_no_responses_give_no_scores():
    assert formulas.nps(Counts()) == {
        "n": 0,
        "promoters": 0,
        "passives": 0,
        "detractors": 0,
        "score": None,
        "margin_of_error": None,
    }
    assert formulas.csat(Counts()) == {"n": 0, "score": None, "mean": None}
    assert formulas.ces(Counts()) == {"n": 0, "mean": None, "pct_easy": None}


def test_all_passives_score_zero_with_no_margin():
    # Ten 7s and 8s: p = d = 0, NPS = 0 - 0 = 0; margin 1.96 x 100 x sqrt((0 + 0 - 0^2) / 10) = 0.
    result = formulas.nps(counts("nps", [7, 8] * 5))
    assert result == {"n": 10, "promoters": 0, "passives": 10, "detractors": 0, "score": 0.0, "margin_of_error": 0.0}


def test_all_detractors_score_minus_one_hundred():
    # 0, 3, 5, 6, 6: d = 1, p = 0; NPS = 0% - 100% = -100; p + d - (p - d)^2 = 1 - 1 = 0, so no margin.
    result = formulas.nps(counts("nps", [0, 3, 5, 6, 6]))
    assert result["score"] == -100.0
    assert result["detractors"] == 5
    assert result["margin_of_error"] == 0.0


def test_all_promoters_score_one_hundred():
    assert formulas.nps(counts("nps", [9, 10, 10]))["score"] == 100.0


@pytest.mark.parametrize(("score", "nps"), [(10, 100.0), (9, 100.0), (8, 0.0), (7, 0.0), (6, -100.0), (0, -100.0)])
def test_one_response_scores_its_bucket_with_no_margin(score, nps):
    # n = 1: the share of its bucket is 1 and the others 0, so p + d - (p - d)^2 is 1 - 1 = 0 or 0 - 0 = 0.
    result = formulas.nps(counts("nps", [score]))
    assert result["n"] == 1
    assert result["score"] == nps
    assert result["margin_of_error"] == 0.0


def test_a_mixed_sample_has_the_margin_of_error_of_domain_md():
    # 10 10 9 | 8 7 7 | 6 2: n = 8, 3 promoters (p = 0.375), 3 passives, 2 detractors (d = 0.25).
    # NPS = 37.5 - 25 = 12.5.
    # p + d - (p - d)^2 = 0.625 - 0.125^2 = 0.625 - 0.015625 = 0.609375; / 8 = 0.076171875;
    # sqrt = 0.275993; x 1.96 x 100 = 54.09 -> 54.1.
    result = formulas.nps(counts("nps", [10, 10, 9, 8, 7, 7, 6, 2]))
    assert result == {"n": 8, "promoters": 3, "passives": 3, "detractors": 2, "score": 12.5, "margin_of_error": 54.1}


def test_a_larger_sample_narrows_the_margin():
    # n = 200: 100 promoters (p = 0.5), 60 passives, 40 detractors (d = 0.2); NPS = 50 - 20 = 30.
    # p + d - (p - d)^2 = 0.7 - 0.09 = 0.61; / 200 = 0.00305; sqrt = 0.055227; x 196 = 10.82 -> 10.8.
    result = formulas.nps(Counts(n=200, low=40, high=100))
    assert result["score"] == 30.0
    assert result["passives"] == 60
    assert result["margin_of_error"] == 10.8
    assert formulas.nps_margin_of_error(100, 40, 200) == pytest.approx(10.8245, abs=1e-4)


def test_csat_is_the_top_two_box_share_with_the_mean_beside_it():
    # 5 4 4 3 1: three of five score 4 or 5 = 60%; mean (5 + 4 + 4 + 3 + 1) / 5 = 17 / 5 = 3.4.
    assert formulas.csat(counts("csat", [5, 4, 4, 3, 1])) == {"n": 5, "score": 60.0, "mean": 3.4}
    # 2 2 3: nobody satisfied = 0%, mean 7 / 3 = 2.333 -> 2.33.
    assert formulas.csat(counts("csat", [2, 2, 3])) == {"n": 3, "score": 0.0, "mean": 2.33}


def test_ces_is_the_mean_and_the_share_scoring_five_to_seven():
    # 7 6 5 4 2 1: 7, 6 and 5 are easy = 3 / 6 = 50%; mean 25 / 6 = 4.1667 -> 4.17.
    assert formulas.ces(counts("ces", [7, 6, 5, 4, 2, 1])) == {"n": 6, "mean": 4.17, "pct_easy": 50.0}
    # A single 4 (neither easy nor hard): mean 4, 0% easy.
    assert formulas.ces(counts("ces", [4])) == {"n": 1, "mean": 4.0, "pct_easy": 0.0}


def test_the_margin_of_a_mean_uses_the_sample_standard_deviation():
    # 5 4 4 3 1: mean 3.4; squared deviations 2.56 + 0.36 + 0.36 + 0.16 + 5.76 = 9.2; s^2 = 9.2 / 4 = 2.3
    # (from the sums: (67 - 17^2 / 5) / 4 = (67 - 57.8) / 4 = 2.3); margin 1.96 x sqrt(2.3 / 5) = 1.3293.
    assert formulas.mean_margin_of_error(counts("csat", [5, 4, 4, 3, 1])) == pytest.approx(1.3293, abs=1e-4)
    assert formulas.mean_margin_of_error(counts("csat", [5])) is None  # no spread from one answer


def test_the_margin_of_a_percentage():
    # 60 of 100: 1.96 x 100 x sqrt(0.6 x 0.4 / 100) = 196 x 0.04899 = 9.602.
    assert formulas.proportion_margin_of_error(60, 100) == pytest.approx(9.602, abs=1e-3)
    assert formulas.proportion_margin_of_error(0, 0) is None


def test_counts_add_up_cell_by_cell():
    assert counts("nps", [10, 6]) + counts("nps", [8]) == counts("nps", [10, 6, 8])
    assert (counts("nps", [10, 6]) + counts("nps", [8])).mid == 1


def test_below_the_minimum_sample_a_figure_is_a_low_sample():
    assert formulas.is_low_sample(29) is True
    assert formulas.is_low_sample(30) is False
    with override_settings(KPI_MIN_SAMPLE=5):
        assert formulas.is_low_sample(4) is True
        assert formulas.is_low_sample(5) is False


@pytest.mark.parametrize(
    ("gains", "investment", "roi"),
    [
        # (15,000 - 10,000) / 10,000 x 100 = 50%
        (Decimal("15000"), Decimal("10000"), Decimal("50.0")),
        # (5,000 - 10,000) / 10,000 x 100 = -50%: a loss
        (Decimal("5000"), Decimal("10000"), Decimal("-50.0")),
        # (1,000 - 3,000) / 3,000 x 100 = -66.67 -> -66.7
        (Decimal("1000"), Decimal("3000"), Decimal("-66.7")),
        (None, Decimal("10000"), None),
    ],
)
def test_roi_of_an_improvement(gains, investment, roi):
    assert formulas.roi(gains, investment) == roi
