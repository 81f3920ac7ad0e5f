"""Fill the fields added in 0002 for cards answered before they existed."""

from django.db import migrations


def backfill(apps, schema_editor):
    Card = apps.get_model("study", "Card")
    ReviewLog = apps.get_model("study", "ReviewLog")
    for card in Card.objects.filter(last_review__isnull=False, last_review_days__isnull=True).iterator():
        card.last_review_days = card.last_review.timestamp() / 86400
        latest = ReviewLog.objects.filter(card_id=card.pk).order_by("-reviewed_at", "-id").values("correct").first()
        card.last_answer_correct = latest["correct"] if latest else None
        card.save(update_fields=["last_review_days", "last_answer_correct"])


class Migration(migrations.Migration):
    dependencies = [("study", "0003_review_timing")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
