from django.db import migrations, models


def unknown_to_unnamed(apps, schema_editor):
    """Excerpts saved before say "unknown" where the document names no one; say "unnamed"."""
    Excerpt = apps.get_model("lessons", "Excerpt")
    Excerpt.objects.filter(speaker="unknown").update(speaker="unnamed")


def unnamed_to_unknown(apps, schema_editor):
    Excerpt = apps.get_model("lessons", "Excerpt")
    Excerpt.objects.filter(speaker="unnamed").update(speaker="unknown")


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="excerpt",
            name="speaker",
            field=models.CharField(default="unnamed", max_length=200),
        ),
        migrations.RunPython(unknown_to_unnamed, unnamed_to_unknown),
    ]
