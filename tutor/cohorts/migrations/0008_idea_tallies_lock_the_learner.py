from django.db import migrations

from tutor.cohorts.idea_tallies import install_idea_triggers, remove_idea_triggers


def reinstall(apps, schema_editor):
    """The idea tallies' triggers again, now taking a lock on the learner before they read (PostgreSQL)."""
    remove_idea_triggers(schema_editor)
    install_idea_triggers(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0007_idea_holder_tally'),
    ]

    operations = [
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
