from django.conf import settings
from django.db import migrations, models


def tutors_from_learners(apps, schema_editor):
    """Each team's tutors are, to start with, those who already tutor its learners."""
    Learner = apps.get_model("learners", "Learner")
    Team = apps.get_model("learners", "Team")
    Through = Team.tutors.through
    pairs = Learner.objects.values_list("team_id", "tutor_id").distinct()
    Through.objects.bulk_create(
        [Through(team_id=team, user_id=tutor) for team, tutor in pairs], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0006_team_support_coordinators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="tutors",
            field=models.ManyToManyField(
                blank=True, related_name="tutored_teams", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(tutors_from_learners, migrations.RunPython.noop),
    ]
