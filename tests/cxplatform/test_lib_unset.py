"""cxplatform.lib.unset: a partial update tells "not given" from None."""

from cxplatform.lib.unset import UNSET, given


def test_given_keeps_what_was_given_none_and_empty_values_too_in_order():
    assert given(name="Claims", owner=None, emotion=0, description="", channel=UNSET) == {
        "name": "Claims",
        "owner": None,
        "emotion": 0,
        "description": "",
    }
    assert list(given(b=1, a=2)) == ["b", "a"]


def test_nothing_given_is_nothing_to_change():
    assert given(name=UNSET, owner=UNSET) == {}


def test_the_marker_reads_as_its_name():
    assert repr(UNSET) == "UNSET"
