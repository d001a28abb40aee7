from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`values|get_item:code` — look a question's answer or error up by its code."""
    return mapping.get(key) if mapping else None
