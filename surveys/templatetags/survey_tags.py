from django import template
from django.utils.translation import gettext as _

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


@register.filter
def show_when(conditions):
    """Show-if conditions for the public page's script: "q3=a|b;q5=other" (all must hold)."""
    return ";".join(f"{c['question']}={'|'.join(c['values'])}" for c in conditions)


@register.filter
def condition_numbers(conditions, numbers):
    """The numbers of the questions a show-if depends on: "3、5"."""
    return _("、").join(str(numbers.get(c["question"], "")) for c in conditions if numbers)


@register.filter
def conditions_text(question, questions):
    """A question's show-if in words: 第 3 题选择了“不满意”或“基本满意”，且第 5 题选择了“其他”."""
    numbered = {q.code: (n, q) for n, q in enumerate(questions, start=1)}
    parts = []
    for c in question.conditions:
        n, source = numbered.get(c["question"], (None, None))
        if source is None:
            continue
        labels = source.choice_labels
        chosen = _("或").join(_("“%(label)s”") % {"label": labels.get(v, v)} for v in c["values"])
        parts.append(_("第 %(n)s 题选择了%(chosen)s") % {"n": n, "chosen": chosen})
    return _("，且").join(parts)
