"""Each indicator's scoring rule, as the evaluator (on the sheet) and the liaison (beside the self-assessment) read
it: `{% campaign_rules campaign as rules %}` once per page (one query), then
`{% include "scoring/_rule.html" with text=rules|rule_of:code %}` per row."""

from django import template

from scoring.selectors import campaign_rule_texts

register = template.Library()


@register.simple_tag
def campaign_rules(campaign) -> dict[str, str]:
    return campaign_rule_texts(campaign=campaign)


@register.filter
def rule_of(rules: dict, code: str) -> str:
    return (rules or {}).get(code, "")
