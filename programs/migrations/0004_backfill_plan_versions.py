from django.db import migrations


def pin_existing_plans(apps, schema_editor):
    """Plans made before versions were kept are pinned to what they were made from as far as it is known: the
    catalogue as loaded (version 1) and the pathway templates as they are now (a later edit then moves them only by
    `upgrade_plans`). Uses the current template reader: a later change of the template format needs a frozen copy."""
    import hashlib
    import json

    from programs.clinical.pathway_files import pathway_source

    Plan = apps.get_model("programs", "Plan")
    PathwayVersion = apps.get_model("programs", "PathwayVersion")
    catalogue = apps.get_model("exercises", "CatalogueVersion").objects.order_by("-number").first()
    for slug in Plan.objects.filter(pathway_version=None).exclude(pathway="").values_list("pathway", flat=True).distinct():
        data = pathway_source(slug)
        checksum = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        version = PathwayVersion.objects.filter(slug=slug, checksum=checksum).first()
        if version is None:
            number = PathwayVersion.objects.filter(slug=slug).count() + 1
            version = PathwayVersion.objects.create(slug=slug, number=number, checksum=checksum, data=data)
        Plan.objects.filter(pathway_version=None, pathway=slug).update(pathway_version=version)
    if catalogue is not None:
        Plan.objects.filter(catalogue_version=None).update(catalogue_version=catalogue)


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_prescription_plan"), ("exercises", "0003_catalogue_version")]

    operations = [migrations.RunPython(pin_existing_plans, migrations.RunPython.noop)]
