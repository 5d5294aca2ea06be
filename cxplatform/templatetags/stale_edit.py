"""{% stale_edit form %}: inside an edit form of a versioned object, the values it was opened with (a hidden
field) and, after a stale edit, the fields to choose between (cxplatform.lib.forms.rebase_stale_form)."""

import json

from django import template

from cxplatform.lib.forms import BASE_FIELD, VERSION_FIELD, opened_values

register = template.Library()


@register.inclusion_tag("_stale_edit.html")
def stale_edit(form) -> dict:
    if form is None or VERSION_FIELD not in form.fields:
        return {"show": False}
    instance = getattr(form, "instance", None)
    if instance is not None and instance.pk is None:
        return {"show": False}  # a create form: nothing to be stale against
    # A bound form keeps the values as posted (after a 422 they are still the ones the form opened with).
    base = form.data.get(form.add_prefix(BASE_FIELD), "") if form.is_bound else json.dumps(opened_values(form))
    return {
        "show": True,
        "name": form.add_prefix(BASE_FIELD),
        "base": base,
        "stale": getattr(form, "stale_edit", None),
        "prefix": form.prefix or "",
        "form": form,
    }
