from django.db import migrations, models

# The Dutch names of the default channels (0002); a channel an admin renamed keeps the name it was given.
DUTCH_NAMES = {
    "web": "Website",
    "app": "App",
    "phone": "Telefoon",
    "store": "Winkel",
    "email": "E-mail",
    "chat": "Chat",
    "social": "Sociale media",
    "letter": "Brief",
}


def add_dutch_names(apps, schema_editor):
    Channel = apps.get_model("journeys", "Channel")
    for slug, name_nl in DUTCH_NAMES.items():
        Channel.objects.filter(slug=slug, name_nl="").update(name_nl=name_nl)


class Migration(migrations.Migration):
    dependencies = [("journeys", "0003_archive")]
    operations = [
        migrations.AddField(
            model_name="channel",
            name="name_nl",
            field=models.CharField(blank=True, db_default="", default="", max_length=80, verbose_name="Dutch name"),
        ),
        migrations.RunPython(add_dutch_names, migrations.RunPython.noop),
    ]
