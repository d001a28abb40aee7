"""The staff assessment keeps counts and detached comments instead of answer sheets (h4, issue 10 #18/#19).

Existing data is carried over: the spent list of ballot ids becomes a bitmap by serial; each unit's staff
answer sheets become tallies and comments, released if the unit already showed them (at least the
threshold of answers), held back otherwise; then the sheets (with their day) are deleted.
"""

import random
from collections import defaultdict
from decimal import Decimal

from django.conf import settings

import django.db.models.deletion
import surveys.models
from django.db import migrations, models


def _bits(serials):
    bits = bytearray()
    for serial in serials:
        byte, bit = divmod(serial - 1, 8)
        bits.extend(b"\0" * (byte + 1 - len(bits)))
        bits[byte] |= 1 << bit
    return bytes(bits)


def convert(apps, schema_editor):
    BallotBox = apps.get_model("surveys", "BallotBox")
    Ballot = apps.get_model("surveys", "Ballot")
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    Answer = apps.get_model("surveys", "Answer")
    Question = apps.get_model("surveys", "Question")
    StaffTally = apps.get_model("surveys", "StaffTally")
    StaffComment = apps.get_model("surveys", "StaffComment")
    rng = random.SystemRandom()
    threshold = max(getattr(settings, "SURVEY_MIN_RESPONSES_FOR_STATS", 5), 1)
    for box in BallotBox.objects.all():
        serials = Ballot.objects.filter(pk__in=box.spent or []).values_list("serial", flat=True)
        box.spent_bits = _bits(serials)
        box.save(update_fields=["spent_bits"])
    staff = SurveyResponse.objects.filter(form__kind="staff_assessment")
    for form_id, target_id in staff.values_list("form_id", "target_id").distinct():
        sheets = staff.filter(form_id=form_id, target_id=target_id)
        n = sheets.count()
        shown = n >= threshold
        questions = {q.pk: q for q in Question.objects.filter(form_id=form_id)}
        counts, sums = defaultdict(int), defaultdict(Decimal)
        comments, commented = [], set()
        for answer in Answer.objects.filter(response__in=sheets):
            question = questions[answer.question_id]
            if question.type == "single_choice" and answer.choice:
                counts[(question.pk, answer.choice)] += 1
            elif question.type == "multiple_choice":
                for value in answer.choices or []:
                    counts[(question.pk, value)] += 1
            elif question.type == "score" and answer.number is not None:
                counts[(question.pk, "")] += 1
                sums[(question.pk, "")] += answer.number
            elif answer.text:
                comments.append((question.pk, answer.text))
                commented.add(answer.response_id)
        keys = set(counts)
        for question in questions.values():
            if question.type in ("single_choice", "multiple_choice"):
                keys |= {(question.pk, value) for value, _label in question.choices}
            elif question.type == "score":
                keys.add((question.pk, ""))
        StaffTally.objects.bulk_create([
            StaffTally(
                id=rng.randrange(1, 2**63), target_id=target_id, question_id=q, choice=c,
                count=counts[(q, c)] if shown else 0, total=sums[(q, c)] if shown else 0,
                pending=0 if shown else counts[(q, c)], pending_sum=0 if shown else sums[(q, c)],
            )
            for q, c in sorted(keys)
        ])
        comments_shown = len(commented) >= threshold
        rng.shuffle(comments)
        StaffComment.objects.bulk_create([
            StaffComment(id=rng.randrange(1, 2**63), target_id=target_id, question_id=q, text=text, released=comments_shown)
            for q, text in comments
        ])
        BallotBox.objects.filter(form_id=form_id, target_id=target_id).update(
            released=n if shown else 0, pending=0 if shown else n,
            pending_comment_sheets=0 if comments_shown else len(commented),
        )
        Answer.objects.filter(response__in=sheets).delete()
        sheets.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0008_upload_sheet_evidence'),
        ('surveys', '0002_forms_ballots_sheet'),
    ]

    operations = [
        migrations.AddField(
            model_name='ballotbox',
            name='pending',
            field=models.PositiveIntegerField(default=0, verbose_name='待发布的测评票'),
        ),
        migrations.AddField(
            model_name='ballotbox',
            name='pending_comment_sheets',
            field=models.PositiveIntegerField(default=0, verbose_name='待发布的意见份数'),
        ),
        migrations.AddField(
            model_name='ballotbox',
            name='released',
            field=models.PositiveIntegerField(default=0, verbose_name='已发布的测评票'),
        ),
        migrations.AddField(
            model_name='ballotbox',
            name='spent_bits',
            field=models.BinaryField(blank=True, default=bytes, verbose_name='已使用的票'),
        ),
        migrations.AddField(
            model_name='surveyresponse',
            name='unchecked',
            field=models.BooleanField(default=False, verbose_name='提交时未能防刷校验'),
        ),
        migrations.CreateModel(
            name='StaffComment',
            fields=[
                ('id', models.BigIntegerField(default=surveys.models.random_id, editable=False, primary_key=True, serialize=False)),
                ('text', models.TextField(verbose_name='意见建议')),
                ('released', models.BooleanField(default=False, verbose_name='已发布')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_comments', to='surveys.question')),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_comments', to='evaluations.campaigntarget')),
            ],
            options={
                'verbose_name': '测评意见',
                'verbose_name_plural': '测评意见',
                'indexes': [models.Index(fields=['target', 'released'], name='surveys_staffcomment_target')],
            },
        ),
        migrations.CreateModel(
            name='StaffTally',
            fields=[
                ('id', models.BigIntegerField(default=surveys.models.random_id, editable=False, primary_key=True, serialize=False)),
                ('choice', models.CharField(blank=True, max_length=32, verbose_name='选项')),
                ('pending', models.PositiveIntegerField(default=0, verbose_name='待发布人数')),
                ('pending_sum', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='待发布分数合计')),
                ('count', models.PositiveIntegerField(default=0, verbose_name='人数')),
                ('total', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='分数合计')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_tallies', to='surveys.question')),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff_tallies', to='evaluations.campaigntarget')),
            ],
            options={
                'verbose_name': '测评计数',
                'verbose_name_plural': '测评计数',
                'constraints': [models.UniqueConstraint(fields=('target', 'question', 'choice'), name='surveys_stafftally_target_question_choice')],
            },
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        # the old `spent` list goes in 0004: on PostgreSQL a table cannot be altered in the transaction that
        # just wrote rows with deferred foreign keys to it
    ]
