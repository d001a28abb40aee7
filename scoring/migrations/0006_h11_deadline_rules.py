from django.db import migrations, models


def d8_03_late_deduction(apps, schema_editor):
    """Trees that still score D8_03 from the sheet alone take the default deadline deduction (tree_defaults)."""
    TreeIndicator = apps.get_model("scoring", "TreeIndicator")
    for ind in TreeIndicator.objects.filter(code="D8_03", rule="sheet"):
        if "late_deduction" not in (ind.params or {}):
            ind.params = {**(ind.params or {}), "late_deduction": 2}
            ind.save(update_fields=["params"])


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0005_merge_h7_h8"),
    ]

    operations = [
        migrations.AlterField(
            model_name="treeindicator",
            name="rule",
            field=models.CharField(
                choices=[
                    ("staffing_in_place", "编制台账：人员配备到位度"),
                    ("quota_rules", "编制台账：超编、党政机关使用事业编制"),
                    ("posts_within", "编制台账：超职数"),
                    ("staff_dimension", "测评表"),
                    ("questions", "调查问卷／满意度测评表"),
                    ("sheet", "评估表"),
                    ("deduction", "评估表（负向扣分）"),
                    ("rectification_on_time", "整改台账：上一轮整改按期办结"),
                ],
                default="sheet",
                max_length=32,
                verbose_name="计分规则",
            ),
        ),
        migrations.RunPython(d8_03_late_deduction, migrations.RunPython.noop),
    ]
