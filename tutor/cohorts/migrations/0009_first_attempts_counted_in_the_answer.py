from django.db import migrations

from tutor.cohorts.item_tallies import install_count_function, remove_count_function


def install(apps, schema_editor):
    """The function that counts a first attempt in the answer's transaction, after taking the learner's lock
    (PostgreSQL; nothing to do on SQLite)."""
    install_count_function(schema_editor)


def remove(apps, schema_editor):
    remove_count_function(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0008_idea_tallies_lock_the_learner"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
