from django import forms
from django.core.exceptions import ValidationError

from cxplatform.lib.forms import add_service_errors


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
