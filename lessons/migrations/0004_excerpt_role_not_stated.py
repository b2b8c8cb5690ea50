from django.db import migrations, models


def unknown_kind_to_not_stated(apps, schema_editor):
    """Excerpts saved before say "unknown" where the document names no kind of source; the
    sourcing card says so itself when the field is empty."""
    Excerpt = apps.get_model("lessons", "Excerpt")
    Excerpt.objects.filter(source_kind="unknown").update(source_kind="")


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0003_source_document_metadata"),
    ]

    operations = [
        migrations.AlterField(
            model_name="excerpt",
            name="speaker_role",
            field=models.CharField(
                choices=[
                    ("participant", "Participant"),
                    ("contemporary_observer", "Contemporary observer"),
                    ("historian", "Later historian"),
                    ("unknown", "Not stated in the document"),
                ],
                default="unknown",
                max_length=30,
            ),
        ),
        # An empty kind was already valid and says the same; nothing to restore going back.
        migrations.RunPython(unknown_kind_to_not_stated, migrations.RunPython.noop),
    ]
