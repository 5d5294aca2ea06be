from django.db import migrations

DEFAULT_CHANNELS = [
    ("web", "Web"),
    ("app", "App"),
    ("phone", "Phone"),
    ("store", "Store"),
    ("email", "Email"),
    ("chat", "Chat"),
    ("social", "Social"),
    ("letter", "Letter"),
]


def add_default_channels(apps, schema_editor):
    Channel = apps.get_model("journeys", "Channel")
    Channel.objects.bulk_create(
        [Channel(slug=slug, name=name, position=i) for i, (slug, name) in enumerate(DEFAULT_CHANNELS, start=1)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("journeys", "0001_initial")]
    operations = [migrations.RunPython(add_default_channels, migrations.RunPython.noop)]
