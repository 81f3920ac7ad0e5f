"""Roll up every learner's existing answers into study days."""

from django.db import migrations


def backfill(apps, schema_editor):
    from tutor.progress.rollups import rebuild_study_days

    user = apps.get_model("accounts", "User")
    learners = user.objects.filter(review_logs__isnull=False).distinct().values_list("pk", "time_zone")
    rebuild_study_days(
        learners=list(learners),
        study_day=apps.get_model("progress", "StudyDay"),
        review_log=apps.get_model("study", "ReviewLog"),
    )


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_dash_study_day"), ("study", "0102_merge_20261201_1236")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
