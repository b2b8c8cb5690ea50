from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_excerpt_speaker_unnamed"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcedocument",
            name="author",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="published",
            field=models.CharField(
                blank=True,
                help_text="The date of publication as the source gives it.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="site",
            field=models.CharField(blank=True, max_length=200, verbose_name="site or publisher"),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="url",
            field=models.URLField(blank=True, max_length=500, verbose_name="address"),
        ),
        migrations.AlterField(
            model_name="sourcedocument",
            name="origin",
            field=models.CharField(
                help_text="File name or address it came from; shown to editors only.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="sourcedocument",
            name="shape",
            field=models.CharField(
                choices=[
                    ("wikitext", "MediaWiki wikitext"),
                    ("web", "Text scraped from a web page"),
                    ("markdown", "Markdown page source"),
                    ("html", "Saved web page"),
                ],
                max_length=10,
            ),
        ),
    ]
