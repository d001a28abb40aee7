"""Ship the default indicator tree (8 dimensions, 41 indicators) as a template."""

from django.db import migrations

from scoring.tree_defaults import DEFAULT_TEMPLATE_NAME, build_default_tree


def create_default_tree(apps, schema_editor):
    build_default_tree(*(apps.get_model("scoring", m) for m in ("IndicatorTree", "TreeDimension", "TreeIndicator")))


def drop_default_tree(apps, schema_editor):
    apps.get_model("scoring", "IndicatorTree").objects.filter(name=DEFAULT_TEMPLATE_NAME, campaign=None).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(create_default_tree, drop_default_tree)]
