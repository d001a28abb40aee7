"""One scale for the self-assessment and the evaluation sheet: each indicator's full marks in the campaign's
tree (a negative indicator: the number of incidents). Stored values are converted, not dropped:

- a self-score on the old 0–100 scale becomes score × full ÷ 100 (one decimal); on a negative indicator it
  becomes the number of incidents that the tree's deduction rule turns into that score
  (points = full − per_item × incidents, so incidents = (100 − score) ÷ 100 × full ÷ per_item, rounded);
- an evaluator's score (and a signed sheet's frozen score) on a question whose range differs from the tree is
  rescaled linearly from its old range, so the share of full marks (what scoring reads) stays the same.

It lives in the scoring app because only this app knows the tree and sits above the other two.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

DEFAULT_TEMPLATE_NAME = "默认指标体系（8 个维度 41 项指标）"
MAX_INCIDENTS = Decimal(10)
ONE = Decimal("0.1")


def _tree_scales(apps, campaign):
    IndicatorTree = apps.get_model("scoring", "IndicatorTree")
    TreeIndicator = apps.get_model("scoring", "TreeIndicator")
    tree = (IndicatorTree.objects.filter(campaign=campaign).first()
            or IndicatorTree.objects.filter(campaign__isnull=True, name=DEFAULT_TEMPLATE_NAME).first())
    if tree is None:
        return {}
    return {
        i.code: (Decimal(i.full_marks), i.direction == "negative", Decimal(str((i.params or {}).get("per_item") or 5)))
        for i in TreeIndicator.objects.filter(tree=tree)
    }


def _incidents(share: Decimal, full: Decimal, per_item: Decimal) -> Decimal:
    n = ((1 - share) * full / per_item).quantize(Decimal(1), ROUND_HALF_UP)
    return max(Decimal(0), min(MAX_INCIDENTS, n))


def convert(apps, schema_editor):
    Campaign = apps.get_model("evaluations", "Campaign")
    SelfAssessmentItem = apps.get_model("evaluations", "SelfAssessmentItem")
    Question = apps.get_model("surveys", "Question")
    SheetEntry = apps.get_model("surveys", "SheetEntry")
    SheetSignoff = apps.get_model("surveys", "SheetSignoff")
    for campaign in Campaign.objects.all():
        scales = _tree_scales(apps, campaign)
        if not scales:
            continue
        for item in SelfAssessmentItem.objects.filter(assessment__target__campaign=campaign, score__isnull=False):
            if item.indicator_code not in scales:
                continue
            full, negative, per_item = scales[item.indicator_code]
            share = Decimal(item.score) / 100
            item.score = _incidents(share, full, per_item) if negative else (share * full).quantize(ONE, ROUND_HALF_UP)
            item.save(update_fields=["score"])
        questions = Question.objects.filter(form__campaign=campaign, form__kind="evaluation_sheet", type="score")
        changed = {}
        for q in questions:
            if q.indicator not in scales:
                continue
            full, negative, _per_item = scales[q.indicator]
            low, high, decimals = (Decimal(0), MAX_INCIDENTS, 0) if negative else (Decimal(0), full, 1)
            if (q.min_score, q.max_score, q.decimals) == (low, high, decimals):
                continue
            old_low, old_span = Decimal(q.min_score or 0), Decimal(q.max_score or 10) - Decimal(q.min_score or 0)

            def rescale(value, negative=negative, full=full, old_low=old_low, old_span=old_span):
                value = Decimal(value)
                if negative:  # already a count of incidents
                    return max(Decimal(0), min(MAX_INCIDENTS, value.quantize(Decimal(1), ROUND_HALF_UP)))
                return ((value - old_low) / old_span * full).quantize(ONE, ROUND_HALF_UP)

            changed[q.code] = (q, rescale)
            q.min_score, q.max_score, q.decimals = low, high, decimals
            q.save(update_fields=["min_score", "max_score", "decimals"])
        if not changed:
            continue
        for entry in SheetEntry.objects.filter(question__in=[q for q, _r in changed.values()]).select_related("question"):
            entry.score = changed[entry.question.code][1](entry.score)
            entry.save(update_fields=["score"])
        for signoff in SheetSignoff.objects.filter(form__campaign=campaign, form__kind="evaluation_sheet"):
            signoff.scores = {code: str(changed[code][1](v)) if code in changed else v for code, v in signoff.scores.items()}
            signoff.save(update_fields=["scores"])


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0006_h11_deadline_rules"),
        ("evaluations", "0010_merge_h3_h5"),
        ("surveys", "0005_merge_h2_h4"),
    ]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
