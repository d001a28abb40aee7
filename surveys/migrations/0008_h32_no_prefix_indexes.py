"""Drop the foreign keys' own indexes that another index begins with (issue 16: every index is written by
every public submit, a sheet and its six answers).

surveys_answer: (response_id) is the prefix of the unique (response_id, question_id), (question_id) of
(question_id, choice); surveys_surveyresponse: (form_id) of (form_id, target_id). Lookups by the first column
use the longer index, as cheaply. Only the indexes are dropped: Django's AlterField would also drop and re-add
the foreign keys, re-checking every row of a province's answers under a lock.
"""

from django.db import migrations, models

# (table, column, the index Django made for the foreign key: the same name on PostgreSQL and SQLite)
INDEXES = [
    ("surveys_answer", "question_id", "surveys_answer_question_id_c0166f3c"),
    ("surveys_answer", "response_id", "surveys_answer_response_id_5416c873"),
    ("surveys_surveyresponse", "form_id", "surveys_surveyresponse_form_id_e89fe50e"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0007_merge_h16_h17"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
                for table, column, name in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="answer", name="question",
                    field=models.ForeignKey(db_index=False, on_delete=models.deletion.PROTECT, related_name="answers",
                                            to="surveys.question"),
                ),
                migrations.AlterField(
                    model_name="answer", name="response",
                    field=models.ForeignKey(db_index=False, on_delete=models.deletion.CASCADE, related_name="answers",
                                            to="surveys.surveyresponse"),
                ),
                migrations.AlterField(
                    model_name="surveyresponse", name="form",
                    field=models.ForeignKey(db_index=False, on_delete=models.deletion.PROTECT, related_name="responses",
                                            to="surveys.form"),
                ),
            ],
        ),
    ]
