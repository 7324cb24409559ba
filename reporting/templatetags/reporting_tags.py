"""Small helpers for the report editor's templates."""

from django import template

register = template.Library()


@register.simple_tag
def field_name(prefix, index, name):
    """``line-0-total``: the editor's field name of row ``index``."""
    return f"{prefix}-{index}-{name}"


@register.simple_tag
def lookup(mapping, key):
    """``mapping[key]`` or ``""``."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
