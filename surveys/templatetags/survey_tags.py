from django import template

from surveys import rules

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`values|get_item:code` — look a question's answer or error up by its code."""
    return mapping.get(key) if mapping else None


@register.filter
def get_list(mapping, key):
    """Every value posted for a field (checkboxes), or [] — so a re-rendered form keeps them all."""
    if not mapping:
        return []
    return mapping.getlist(key) if hasattr(mapping, "getlist") else [mapping.get(key)]


@register.filter
def plain(value):
    """A Decimal without trailing zeros or exponent: 10.00 → 10."""
    return rules.plain(value)


@register.filter
def plain_or_raw(value):
    """A saved score shown plainly; what was typed (a string) shown as typed."""
    from decimal import Decimal

    return rules.plain(value) if isinstance(value, Decimal) else value
