import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError

from cxplatform.lib.forms import add_service_errors, submit_versioned_edit, versioned_edit_page
from cxplatform.lib.forms.stale import _canon
from cxplatform.lib.versioning import StaleVersion


class NameForm(forms.Form):
    name = forms.CharField()


def test_field_errors_land_at_their_field_and_the_rest_on_top():
    form = NameForm(data={"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "Taken.", "owner": "Not a process owner."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not a process owner."]


def test_a_plain_error_lands_on_top():
    form = NameForm(data={"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError("Someone else changed this."))
    assert form.non_field_errors() == ["Someone else changed this."]


class VersionedNameForm(NameForm):
    version = forms.IntegerField(required=False)


def submit(rf, save, *, data=None):
    request = rf.post("/")
    request._messages = CookieStorage(request)
    form = VersionedNameForm(data=data or {"name": "new", "version": "3"})
    assert form.is_valid()
    stored = SimpleNamespace(name="stored by someone else")
    edit = submit_versioned_edit(
        request,
        form,
        instance=stored,
        save=save,
        fresh_form=lambda current: VersionedNameForm(initial={"name": current.name, "version": current.version}),
        bound_form=lambda data, current: VersionedNameForm(data),
    )
    return edit, [str(message) for message in request._messages]


def test_a_versioned_edit_passes_the_version_and_the_fields_to_the_service(rf):
    calls = []
    edit, notices = submit(rf, lambda **data: calls.append(data) or "saved")
    assert calls == [{"expected_version": 3, "name": "new"}]
    assert (edit.saved, edit.instance, edit.status, notices) == (True, "saved", 200, [])


def test_an_edit_based_on_an_older_version_keeps_my_input_based_on_the_current_version(rf):
    current = SimpleNamespace(name="changed meanwhile", version=4)

    def save(**data):
        raise StaleVersion(current)

    edit, notices = submit(rf, save)
    assert (edit.saved, edit.deleted, edit.instance, edit.status) == (False, False, current, 409)
    assert edit.form.data["name"] == "new"  # what I typed, not thrown away
    assert edit.form.data["version"] == "4"  # saving again is based on what is stored now
    [conflict] = edit.form.stale_edit.conflicts
    assert (conflict.name, conflict.theirs_text, conflict.yours_text, conflict.choice) == (
        "name",
        "changed meanwhile",
        "new",
        "yours",  # without the values the form was opened with, my input is what it holds
    )
    assert notices == []  # the message is in the form, not at the top of the page


def _opened(name: str) -> str:
    return json.dumps({"name": name})


def test_a_field_only_they_changed_takes_their_value(rf):
    current = SimpleNamespace(name="theirs", version=4)

    def save(**data):
        raise StaleVersion(current)

    edit, _notices = submit(rf, save, data={"name": "opened", "version": "3", "_base": _opened("opened")})
    [conflict] = edit.form.stale_edit.conflicts
    assert conflict.choice == "theirs"
    assert edit.form.data["name"] == "theirs"


def test_a_field_only_i_changed_is_no_conflict(rf):
    current = SimpleNamespace(name="opened", version=4)

    def save(**data):
        raise StaleVersion(current)

    edit, _notices = submit(rf, save, data={"name": "mine", "version": "3", "_base": _opened("opened")})
    assert edit.form.stale_edit.conflicts == []
    assert edit.form.data["name"] == "mine"


@pytest.mark.parametrize(
    "a, b",
    [
        (Decimal("70.00"), Decimal("70")),
        (3, "3"),
        ("line one\r\nline two ", "line one\nline two"),
        (date(2026, 2, 28), "2026-02-28"),
        (None, ""),
    ],
)
def test_values_from_the_database_and_from_the_form_compare_equal(a, b):
    assert _canon(a) == _canon(b)


def test_an_edit_of_something_deleted_meanwhile_says_so(rf):
    def save(**data):
        raise StaleVersion(None)

    edit, notices = submit(rf, save)
    assert (edit.saved, edit.deleted) == (False, True)
    assert "deleted" in notices[0]


def test_a_service_refusal_lands_on_the_form(rf):
    def save(**data):
        raise ValidationError({"name": "Taken."})

    edit, _notices = submit(rf, save)
    assert not edit.saved
    assert edit.form.errors["name"] == ["Taken."]


# An edit page (versioned_edit_page): what the KPI, target, action and journey edit pages share


def edit_page(rf, save, *, method="post", data=None, **options):
    request = getattr(rf, method)("/", data=data or {"name": "new", "version": "3"})
    request._messages = CookieStorage(request)
    opened = SimpleNamespace(name="as opened")
    form = VersionedNameForm(request.POST if method == "post" else None)
    response = versioned_edit_page(
        request,
        form,
        instance=opened,
        save=save,
        fresh_form=lambda current: VersionedNameForm(initial={"name": current.name, "version": current.version}),
        bound_form=lambda data, current: VersionedNameForm(data),
        saved_message=lambda: "Saved.",
        saved_url="/saved/",
        gone_url="/list/",
        page=lambda form, shown, status: SimpleNamespace(form=form, shown=shown, status_code=status),
        **options,
    )
    return response, opened, [str(message) for message in request._messages]


def test_an_edit_page_saved_says_so_and_goes_on(rf):
    response, _opened_obj, notices = edit_page(rf, lambda **data: "saved")
    assert (response.status_code, response["Location"], notices) == (302, "/saved/", ["Saved."])


def test_an_edit_page_of_something_deleted_meanwhile_goes_back_to_the_list(rf):
    def save(**data):
        raise StaleVersion(None)

    response, _opened_obj, notices = edit_page(rf, save)
    assert (response.status_code, response["Location"]) == (302, "/list/")
    assert "deleted" in notices[0]


def test_a_stale_edit_page_shows_my_input_and_the_object_as_stored_now(rf):
    current = SimpleNamespace(name="changed meanwhile", version=4)

    def save(**data):
        raise StaleVersion(current)

    response, _opened_obj, _notices = edit_page(rf, save)
    assert (response.status_code, response.shown) == (409, current)
    assert response.form.data["name"] == "new"
    reread = SimpleNamespace(name="re-read")
    response, _opened_obj, _notices = edit_page(rf, save, current=lambda stored: reread)
    assert (response.status_code, response.shown) == (409, reread)


def test_an_edit_page_with_errors_answers_422_unless_told_otherwise(rf):
    def save(**data):
        raise ValidationError({"name": "Taken."})

    response, opened, _notices = edit_page(rf, save)
    assert (response.status_code, response.shown, response.form.errors["name"]) == (422, opened, ["Taken."])
    response, _opened_obj, _notices = edit_page(rf, save, invalid_status=None)
    assert response.status_code == 200
    response, _opened_obj, _notices = edit_page(rf, save, data={"name": "", "version": "3"})
    assert response.status_code == 422  # the form itself refused it: nothing was saved


def test_an_edit_page_opened_shows_the_form(rf):
    response, opened, _notices = edit_page(rf, lambda **data: "never", method="get", data={})
    assert (response.status_code, response.shown, response.form.is_bound) == (200, opened, False)
