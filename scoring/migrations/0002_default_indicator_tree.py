"""Ship the default indicator tree (8 dimensions, 41 indicators) as a template."""

from django.db import migrations

from scoring.indicators import DIMENSIONS
from scoring.tree_defaults import DEFAULT_FULL_MARKS, DEFAULT_TEMPLATE_NAME, GUIDELINES


def create_default_tree(apps, schema_editor):
    IndicatorTree = apps.get_model("scoring", "IndicatorTree")
    TreeDimension = apps.get_model("scoring", "TreeDimension")
    TreeIndicator = apps.get_model("scoring", "TreeIndicator")
    tree, created = IndicatorTree.objects.get_or_create(name=DEFAULT_TEMPLATE_NAME, campaign=None)
    if not created:
        return
    for d_pos, dimension in enumerate(DIMENSIONS, start=1):
        dim = TreeDimension.objects.create(tree=tree, code=dimension.code, name=dimension.name, position=d_pos)
        for i_pos, indicator in enumerate(dimension.indicators, start=1):
            kind, source, guideline = GUIDELINES[indicator.code]
            TreeIndicator.objects.create(
                tree=tree, dimension=dim, code=indicator.code, name=indicator.name, guideline=guideline, kind=kind,
                source=source, direction="negative" if indicator.negative else "positive",
                full_marks=DEFAULT_FULL_MARKS, position=i_pos,
            )


def drop_default_tree(apps, schema_editor):
    apps.get_model("scoring", "IndicatorTree").objects.filter(name=DEFAULT_TEMPLATE_NAME, campaign=None).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(create_default_tree, drop_default_tree)]
