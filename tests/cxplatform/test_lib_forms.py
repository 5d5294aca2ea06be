from types import SimpleNamespace

from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError

from cxplatform.lib.forms import add_service_errors, submit_versioned_edit
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


def submit(rf, save):
    request = rf.post("/")
    request._messages = CookieStorage(request)
    form = VersionedNameForm(data={"name": "new", "version": "3"})
    assert form.is_valid()
    stored = SimpleNamespace(name="stored by someone else")
    edit = submit_versioned_edit(
        request, form, instance=stored, save=save, fresh_form=lambda current: NameForm(initial={"name": current.name})
    )
    return edit, [str(message) for message in request._messages]


def test_a_versioned_edit_passes_the_version_and_the_fields_to_the_service(rf):
    calls = []
    edit, notices = submit(rf, lambda **data: calls.append(data) or "saved")
    assert calls == [{"expected_version": 3, "name": "new"}]
    assert (edit.saved, edit.instance, edit.status, notices) == (True, "saved", 200, [])


def test_an_edit_based_on_an_older_version_shows_what_is_stored_now(rf):
    current = SimpleNamespace(name="changed meanwhile")

    def save(**data):
        raise StaleVersion(current)

    edit, notices = submit(rf, save)
    assert (edit.saved, edit.deleted, edit.instance, edit.status) == (False, False, current, 409)
    assert edit.form.initial == {"name": "changed meanwhile"}  # not the refused "new"
    assert notices == [str(StaleVersion(current).message)]


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
