"""The spent ballots are a bitmap by serial now (0003_h4_tallies carried them over): drop the list of ids."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0003_h4_tallies'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='ballotbox',
            name='spent',
        ),
    ]
