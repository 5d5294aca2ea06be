"""The registry: every tool the issue names is there, and each says how a source of it is set up."""

import pytest

from metrics.connectors.vendors import get_vendor, vendors


def test_every_tool_is_registered_under_its_slug():
    assert {vendor.slug for vendor in vendors()} == {
        "typeform",
        "formbricks",
        "qualtrics",
        "generic",
        "surveymonkey",
        "limesurvey",
    }
    assert get_vendor("typeform").label == "Typeform"
    with pytest.raises(KeyError):
        get_vendor("medallia")


@pytest.mark.parametrize("vendor", vendors(), ids=lambda vendor: vendor.slug)
def test_each_tool_documents_its_setup_and_its_secret(vendor):
    assert str(vendor.label) and vendor.docs_url.startswith("https://") and str(vendor.setup_help)
    assert vendor.receives or vendor.polls
    if vendor.receives and not vendor.secret_from_tool:
        assert len(vendor.new_secret()) >= 32
    if vendor.secret_from_tool:
        assert str(vendor.secret_label) and str(vendor.secret_help)
    names = [field.name for field in vendor.config_fields]
    assert len(names) == len(set(names))
