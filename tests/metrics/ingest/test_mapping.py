"""The proposed column mapping (English and Dutch headers, sample values), value matching and its suggestions."""

import pytest

from metrics.ingest.mapping import Mapping, propose
from metrics.ingest.matching import Matcher, NoMatch, norm
from metrics.ingest.records import FIELDS
from tests.metrics.ingest.mapped_data import DUTCH_WIDE, claim_map

EMPTY = Matcher()

PROPOSALS = [
    pytest.param(
        [
            "Submitted At",
            "How likely are you to recommend us?",
            "How satisfied were you with the handling of your claim?",
            "How much effort did it take to report your claim?",
            "Comments",
            "Customer ID",
            "Response ID",
            "Touchpoint",
            "Channel",
        ],
        ["responded_at", "nps", "csat", "ces", "comment", "respondent", "external_id", "touchpoint", "channel"],
        id="english-wide",
    ),
    pytest.param(
        DUTCH_WIDE,
        ["responded_at", "respondent", "touchpoint", "nps", "csat", "ces", "comment", "external_id"],
        id="dutch-wide",
    ),
    pytest.param(
        ["Datum", "Hoe waarschijnlijk is het dat u ons zou aanbevelen", "Opmerking", "Kanaal", "Klantreis"],
        ["responded_at", "nps", "comment", "channel", "journey"],
        id="dutch-short",
    ),
    pytest.param(
        ["Datum", "Meting", "Cijfer", "Opmerking", "Touchpoint", "Bron"],
        ["responded_at", "metric", "score", "comment", "touchpoint", "source"],
        id="dutch-long",
    ),
    pytest.param(
        ["Date", "NPS score", "Customer satisfaction (CSAT)", "Customer Effort Score", "Why did you give this score?"],
        ["responded_at", "nps", "csat", "ces", "comment"],
        id="english-scores-named-by-acronym",
    ),
    pytest.param(
        ["Contactmoment", "Ingevuld op", "Klanttevredenheid", "Reden"],
        ["touchpoint", "responded_at", "csat", "comment"],
        id="contactmoment-is-not-a-date",
    ),
    pytest.param(list(FIELDS), list(FIELDS), id="the-standard-header"),
    pytest.param(["Score", "Datum"], ["nps", "responded_at"], id="a-lone-score-is-the-nps"),
    pytest.param(["Naam", "E-mail", "Datum"], ["", "", "responded_at"], id="personal-data-is-not-imported"),
]


@pytest.mark.parametrize(("header", "expected"), PROPOSALS)
def test_the_proposal_reads_english_and_dutch_headers(header, expected):
    mapping = propose(header, [], EMPTY)
    assert [mapping.columns.get(name, "") for name in header] == expected


@pytest.mark.django_db
def test_the_proposal_reads_columns_without_telling_names_by_their_values():
    _journey, _phone, _online = claim_map()
    header = ["Kolom A", "Kolom B", "Kolom C", "Kolom D"]
    samples = [
        ["05-03-2025 10:15", "9", "Claim by phone", "Report a claim"],
        ["2025-03-06", "3", "Claim online", "Report a claim"],
        ["06-03-2025", "10", "claim by phone", "Report a claim"],
    ]
    mapping = propose(header, samples, Matcher.load())
    assert [mapping.columns.get(name, "") for name in header] == ["responded_at", "nps", "touchpoint", "journey"]


@pytest.mark.django_db
def test_a_single_current_journey_is_proposed_for_the_whole_file():
    journey, _phone, _online = claim_map()
    mapping = propose(DUTCH_WIDE, [], Matcher.load())
    assert mapping.fixed == {"journey": str(journey.pk)}
    assert mapping.problems(DUTCH_WIDE, Matcher.load()) == []


def test_a_mapping_needs_a_date_a_journey_and_scores_in_one_layout():
    header = ["When", "NPS", "Metric", "Score"]
    mapping = Mapping(columns={"NPS": "nps", "Metric": "metric", "Score": "score"})
    messages = dict(mapping.problems(header, EMPTY))
    assert messages["responded_at"] == "Choose the column that holds the date of the answer."
    assert messages["journey"] == "Choose the journey column, or one journey for the whole file."
    assert messages["score"] == ("Choose either a metric and a score column, or NPS, CSAT and CES columns, not both.")
    missing = Mapping(columns={"Datum": "responded_at", "Elsewhere": "nps"}, fixed={"journey": "1"})
    assert ("columns", "The file has no column “Elsewhere”.") in missing.problems(["Datum"], EMPTY)


def test_norm_ignores_case_accents_dashes_and_spaces():
    assert norm("  Claim-by   PHONÉ ") == norm("claim by phone") == "claim by phone"


@pytest.mark.django_db
class TestMatching:
    @pytest.fixture
    def matcher(self):
        self.journey, self.phone, self.online = claim_map()
        return Matcher.load()

    def test_a_touchpoint_by_name_in_any_case_or_accent_or_by_id(self, matcher):
        assert matcher.touchpoint("CLAIM BY PHONE", self.journey.pk) == self.phone.pk
        assert matcher.touchpoint("Cláim-online", self.journey.pk) == self.online.pk
        assert matcher.touchpoint(str(self.phone.pk), self.journey.pk) == self.phone.pk

    def test_a_near_miss_gets_a_suggestion(self, matcher):
        with pytest.raises(NoMatch) as missed:
            matcher.touchpoint("Claim by fone", self.journey.pk)
        assert missed.value.message == (
            "“Claim by fone” is not a touchpoint of Report a claim — did you mean “Claim by phone”?"
        )
        assert missed.value.suggestion == "Claim by phone"

    def test_a_value_far_from_every_touchpoint_gets_none(self, matcher):
        with pytest.raises(NoMatch) as missed:
            matcher.touchpoint("Parking", self.journey.pk)
        assert missed.value.message == "“Parking” is not a touchpoint of Report a claim."

    def test_a_touchpoint_of_another_journey_does_not_match(self, matcher):
        other = claim_map()[0]
        with pytest.raises(NoMatch):
            matcher.touchpoint(str(self.phone.pk), other.pk)

    def test_a_journey_by_name_or_id_and_a_channel_by_key_english_or_dutch_name(self, matcher):
        assert matcher.journey("report a claim") == self.journey.pk
        assert matcher.journey(str(self.journey.pk)) == self.journey.pk
        assert matcher.channel("Telefoon") == matcher.channel("PHONE") == "phone"
        with pytest.raises(NoMatch) as missed:
            matcher.journey("Report a clam")
        assert "did you mean “Report a claim”?" in missed.value.message

    @pytest.mark.skipif(not hasattr(__import__("journeys.models").models.Touchpoint, "aliases"), reason="Keys: not yet")
    def test_a_touchpoint_by_key_or_alias(self):
        journey, phone, _online = claim_map()
        phone.aliases = ["TEL-01", "Telefonische melding"]
        phone.save()
        matcher = Matcher.load()
        assert matcher.touchpoint("tel-01", journey.pk) == phone.pk
        assert matcher.touchpoint("telefonische melding", journey.pk) == phone.pk
        assert matcher.touchpoint(phone.key, journey.pk) == phone.pk
        assert matcher.journey(journey.key) == journey.pk
