from django import template

register = template.Library()


@register.filter
def in_set(value, collection) -> bool:
    """`{% if touchpoint.pk|in_set:c.added %}`: whether value is in a set (or dict) from the view."""
    return value in collection


@register.filter
def lookup(mapping, key):
    return mapping.get(key, ())
