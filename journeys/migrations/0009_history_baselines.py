"""A hidden baseline history row for every journey, stage, touchpoint and finding that existed before history was
recorded (journeys.services.recording.record_baselines does the same for the demo seeding): a part's first change
then shows in the History as a change from what it was. Written in bulk; undone by deleting those rows."""

from django.db import migrations
from django.utils import timezone

BASELINE = "baseline"  # journeys.services.recording.BASELINE
MODELS = ["Journey", "Stage", "Touchpoint", "Finding"]


def write_baselines(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("journeys", name)
        history = apps.get_model("journeys", f"Historical{name}")
        fields = [field.attname for field in model._meta.concrete_fields]
        missing = model._base_manager.exclude(pk__in=history.objects.values("id")).order_by("pk")
        batch = []
        for row in missing.iterator(chunk_size=2000):
            values = {attname: getattr(row, attname) for attname in fields}
            batch.append(
                history(**values, history_date=now, history_type="+", history_change_reason=BASELINE)
            )
            if len(batch) == 2000:
                history.objects.bulk_create(batch)
                batch = []
        history.objects.bulk_create(batch)


def remove_baselines(apps, schema_editor):
    for name in MODELS:
        apps.get_model("journeys", f"Historical{name}").objects.filter(history_change_reason=BASELINE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0008_comments"),
    ]

    operations = [migrations.RunPython(write_baselines, remove_baselines)]
