"""Every model is either audited or listed as not audited, with a reason: a new model fails here until someone
decides (cxplatform/audit/registry.py)."""

from django.apps import apps

from cxplatform.audit.registry import AUDITED, NOT_AUDITED


def test_every_model_is_audited_or_listed_with_a_reason():
    labels = {model._meta.label for model in apps.get_models() if not model._meta.auto_created}
    undecided = labels - AUDITED - NOT_AUDITED.keys()
    assert not undecided, f"decide in cxplatform/audit/registry.py whether these are audited: {sorted(undecided)}"
    assert not AUDITED & NOT_AUDITED.keys()
    assert all(reason.strip() for reason in NOT_AUDITED.values())
    # No stale names either.
    assert (AUDITED | NOT_AUDITED.keys()) <= labels


def test_the_many_to_many_tables_are_covered_by_their_models():
    """An auto-created through table's rows are recorded as a change of the model that declares the field."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.auto_created:
            owner = model._meta.auto_created._meta.label
            assert owner in AUDITED or owner in NOT_AUDITED
