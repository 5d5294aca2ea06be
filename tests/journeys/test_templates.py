"""Journey templates, the services: the shipped files, a journey started from a template, save as template."""

import copy

import pytest
from django.core.exceptions import ValidationError

from journeys.models import Channel, Finding, Journey, JourneyTemplate, Stage, Touchpoint
from journeys.services.templates import (
    SHIPPED_TEMPLATES,
    TEMPLATE_LANGUAGES,
    journey_create_from_template,
    shipped_template,
    shipped_templates,
    template_language,
    template_save,
    template_summary,
)
from journeys.services.transfer import ImportRefused, journey_export, journey_import
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import (
    FindingFactory,
    JourneyFactory,
    JourneyGroupFactory,
    PersonaFactory,
    StageFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db

DEFAULT_CHANNELS = {"web", "app", "phone", "store", "email", "chat", "social", "letter"}


def map_of(journey: Journey) -> list[tuple]:
    """The map as a user reads it: stages in order, each with its touchpoints and what is on them."""
    return [
        (
            stage.name,
            stage.customer_goal,
            stage.customer_expectation,
            [
                (
                    tp.name,
                    tp.channel.slug if tp.channel else None,
                    tp.customer_expectation,
                    tp.emotion,
                    tp.is_moment_of_truth,
                )
                for tp in stage.touchpoints.order_by("position")
            ],
            sorted((f.kind, f.text, f.touchpoint.name if f.touchpoint else None) for f in stage.findings.all()),
        )
        for stage in journey.stages.order_by("position")
    ]


class TestShippedTemplates:
    @pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
    @pytest.mark.parametrize("slug", SHIPPED_TEMPLATES)
    def test_each_imports_cleanly_with_stages_touchpoints_on_channels_and_findings(self, slug, language):
        template = shipped_template(slug=slug, language=language)
        group = JourneyGroupFactory()
        journey = journey_create_from_template(document=template.document, name=template.name, group=group)

        stages = list(journey.stages.order_by("position"))
        assert 4 <= len(stages) <= 7
        assert all(stage.customer_goal and stage.customer_expectation for stage in stages)
        touchpoints = list(Touchpoint.objects.filter(journey=journey).select_related("channel"))
        assert all(any(tp.stage_id == stage.pk for tp in touchpoints) for stage in stages), (
            "a stage without touchpoints"
        )
        assert {tp.channel.slug for tp in touchpoints} <= DEFAULT_CHANNELS
        assert len({tp.channel.slug for tp in touchpoints}) >= 3, "touchpoints on several channels"
        assert all(tp.description and tp.customer_expectation for tp in touchpoints)
        assert {tp.emotion for tp in touchpoints} & {-2, -1} and {tp.emotion for tp in touchpoints} & {1, 2}
        assert any(tp.is_moment_of_truth for tp in touchpoints)
        assert Finding.objects.filter(journey=journey).count() >= 3
        assert not any(tp.owner_id for tp in touchpoints)

    @pytest.mark.parametrize("slug", SHIPPED_TEMPLATES)
    def test_the_dutch_file_is_a_translation_of_the_english_one_not_a_copy(self, slug):
        english = shipped_template(slug=slug, language="en").document
        dutch = shipped_template(slug=slug, language="nl").document
        # The same shape: stages, touchpoints, channels, emotions line up...
        shape = lambda doc: [[(tp["channel"], tp["emotion"]) for tp in s["touchpoints"]] for s in doc["stages"]]  # noqa: E731
        assert shape(english) == shape(dutch)
        # ...in other words.
        english_words = {s["name"] for s in english["stages"]} | {
            tp["name"] for s in english["stages"] for tp in s["touchpoints"]
        }
        dutch_words = {s["name"] for s in dutch["stages"]} | {
            tp["name"] for s in dutch["stages"] for tp in s["touchpoints"]
        }
        assert len(english_words & dutch_words) <= 1  # "Track & trace" may stay

    def test_the_language_of_the_user_picks_the_file_and_english_is_the_fallback(self):
        assert shipped_templates(language="nl")[0].name == "Schade melden"
        assert shipped_templates(language="en")[0].name == "Report an insurance claim"
        assert template_language("nl-be") == "nl"
        assert template_language("fr") == "en"
        assert template_language(None) == "en"

    def test_there_are_five_with_their_previews(self):
        templates = shipped_templates(language="en")
        assert [t.slug for t in templates] == SHIPPED_TEMPLATES
        claim = templates[0]
        assert claim.summary.stage_names[0] == "Incident and first steps"
        assert claim.summary.touchpoint_count == 14


class TestJourneyFromTemplate:
    def test_it_has_the_templates_map_and_the_header_the_user_gave(self, cx_editor):
        template = shipped_template(slug="bank-account", language="en")
        group = JourneyGroupFactory()
        persona = PersonaFactory()
        journey = journey_create_from_template(
            document=template.document,
            name="Open an account, 2027",
            description="Our version",
            group=group,
            personas=[persona],
            chain_owner=cx_editor,
        )
        assert (journey.name, journey.group, journey.chain_owner) == ("Open an account, 2027", group, cx_editor)
        assert list(journey.personas.all()) == [persona]
        stages = map_of(journey)
        assert [s[0] for s in stages] == template.summary.stage_names
        assert stages[1][3][0] == (
            "Application in the app",
            "app",
            "Only questions I understand why they are asked.",
            0,
            True,
        )
        assert (
            "pain_point",
            "38% drop out at the question about income and source of funds.",
            "Application in the app",
        ) in stages[1][4]

    def test_it_takes_no_owners_from_the_template(self, cx_editor):
        document = copy.deepcopy(shipped_template(slug="insurance-claim", language="en").document)
        document["stages"][0]["touchpoints"][0]["owner"] = cx_editor.username
        document["journey"]["chain_owner"] = cx_editor.username
        journey = journey_create_from_template(document=document, name="Claims", group=JourneyGroupFactory())
        assert journey.chain_owner is None
        assert not Touchpoint.objects.filter(journey=journey, owner__isnull=False).exists()

    @pytest.mark.parametrize(
        ("damage", "problem"),
        [
            (lambda d: d.update(format="something.else"), "format: This is not a CX Platform journey file"),
            (lambda d: d["stages"][2]["touchpoints"][1].update(emotion=7), "stages[2].touchpoints[1].emotion"),
            (lambda d: d["stages"][4]["touchpoints"][0].update(channel="fax"), "there is no channel “fax”"),
            (lambda d: d["stages"][0].pop("name"), "stages[0].name"),
        ],
    )
    def test_a_bad_template_is_refused_by_name_and_nothing_is_written(self, damage, problem):
        document = copy.deepcopy(shipped_template(slug="insurance-claim", language="en").document)
        damage(document)
        group = JourneyGroupFactory()
        counts = (Journey.all_objects.count(), Stage.all_objects.count(), Touchpoint.all_objects.count())
        with pytest.raises(ImportRefused) as refused:
            journey_create_from_template(document=document, name="Claims", group=group)
        assert any(problem in message for message in refused.value.messages), refused.value.messages
        assert (Journey.all_objects.count(), Stage.all_objects.count(), Touchpoint.all_objects.count()) == counts

    def test_a_document_that_is_not_an_object_is_refused(self):
        with pytest.raises(ImportRefused, match="one JSON object"):
            journey_create_from_template(document=["stages"], name="Claims", group=JourneyGroupFactory())

    def test_a_bad_header_writes_no_map(self):
        document = shipped_template(slug="insurance-claim", language="en").document
        with pytest.raises(ValidationError, match="name"):
            journey_create_from_template(document=document, name="", group=JourneyGroupFactory())
        assert not Stage.all_objects.exists()


class TestSaveAsTemplate:
    def test_it_round_trips_the_map_without_owners_or_personas(self, cx_editor):
        owner = UserFactory(username="priya")
        source = JourneyFactory(name="Claims", chain_owner=owner, personas=[PersonaFactory()])
        report = StageFactory(journey=source, name="Report", customer_goal="Report once", customer_expectation="Fast")
        assess = StageFactory(journey=source, name="Assess")
        phone = TouchpointFactory(
            stage=report, name="Phone", channel=Channel.objects.get(slug="phone"), emotion=-2, owner=owner
        )
        TouchpointFactory(
            stage=assess, name="Letter", channel=Channel.objects.get(slug="letter"), is_moment_of_truth=True
        )
        FindingFactory(stage=report, touchpoint=phone, text="Long wait")
        FindingFactory(stage=assess, touchpoint=None, text="Nobody calls back", kind="insight")

        template = template_save(journey=source, name="Claims template", description="For claims", created_by=cx_editor)
        template.refresh_from_db()
        assert (template.name, template.created_by) == ("Claims template", cx_editor)
        assert template_summary(template.document).stage_names == ["Report", "Assess"]
        assert template.document["journey"]["personas"] == []
        assert template.document["journey"]["chain_owner"] is None
        assert template.document["stages"][0]["touchpoints"][0]["owner"] is None

        copy_ = journey_create_from_template(document=template.document, name="Claims 2", group=JourneyGroupFactory())
        assert map_of(copy_) == map_of(source)
        assert copy_.chain_owner is None and not copy_.personas.exists()
        assert not Touchpoint.objects.filter(journey=copy_, owner__isnull=False).exists()

    def test_a_saved_template_is_an_export_the_import_also_reads(self, cx_editor):
        source = JourneyFactory(name="Claims")
        StageFactory(journey=source, name="Report")
        template = template_save(journey=source, name="T", created_by=cx_editor)
        assert template.document["format"] == journey_export(journey=source)["format"]
        assert journey_import(data=template.document).journey.stages.get().name == "Report"

    def test_a_template_needs_a_name(self, cx_editor):
        with pytest.raises(ValidationError, match="name"):
            template_save(journey=JourneyFactory(), name="", created_by=cx_editor)
        assert not JourneyTemplate.objects.exists()
