"""Number every existing study day with the streak it ends, one learner at a time."""

from django.db import migrations

BATCH = 1000


def streaks_in_order(days) -> list[int]:
    """The streak each of `days` (dates, oldest first, no repeats) ends: 1 after a day not studied."""
    streaks: list[int] = []
    for index, day in enumerate(days):
        follows = index and (day - days[index - 1]).days == 1
        streaks.append(streaks[-1] + 1 if follows else 1)
    return streaks


def backfill_streaks(apps, schema_editor):
    study_day = apps.get_model("progress", "StudyDay")
    learner_ids = study_day.objects.values_list("learner_id", flat=True).distinct().order_by("learner_id")
    for learner_id in list(learner_ids):
        rows = list(study_day.objects.filter(learner_id=learner_id).order_by("day").only("pk", "day", "streak"))
        changed = []
        for row, streak in zip(rows, streaks_in_order([row.day for row in rows]), strict=True):
            if row.streak != streak:
                row.streak = streak
                changed.append(row)
        study_day.objects.bulk_update(changed, ["streak"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("progress", "0003_study_day_streak")]

    operations = [migrations.RunPython(backfill_streaks, migrations.RunPython.noop)]
