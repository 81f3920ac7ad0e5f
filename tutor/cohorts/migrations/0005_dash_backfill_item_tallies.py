"""Count every cohort's existing first attempts into its item tallies."""

from django.db import migrations


def backfill(apps, schema_editor):
    from tutor.cohorts.item_tallies import rebuild_item_tallies

    cohort_ids = list(apps.get_model("cohorts", "Cohort").objects.values_list("pk", flat=True))
    if cohort_ids:
        rebuild_item_tallies(
            cohort_ids=cohort_ids,
            tally=apps.get_model("cohorts", "ItemAnswerTally"),
            review_log=apps.get_model("study", "ReviewLog"),
        )


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0004_dash_item_answer_tally"), ("study", "0103_dash_cohort_read_indexes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
