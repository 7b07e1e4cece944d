"""Makers' stage 4 and stage 5 introduction e-mails ("Stage 4 introduction email should be sent
by Pastoral lead or tech lead"; "Stage 5 introduction email should be sent by Head Developer
success or Head of Training"). Like 0002, the loader adds a missing letter and never overwrites
an edited one."""

import importlib

from django.db import migrations

defaults = importlib.import_module("notifications.migrations.0002_letter_templates")
GREETING, REFERENCE, SIGN_OFF = defaults.GREETING, defaults.REFERENCE, defaults.SIGN_OFF


def introduction(stage_number: int, chair: str, employer_words: str) -> str:
    return (
        GREETING + REFERENCE + f"This e-mail introduces stage {stage_number} of our formal support "
        '({{ stage_name }}), from {{ stage_started_on|date:"l j F Y" }}. The recommendation '
        f"at the end of stage {stage_number - 1} was to escalate your support, as we discussed "
        "at your last review meeting.\n\n"
        f"What happens next: you will have two stage {stage_number} review meetings on top of "
        "your normal placement visits. You run these meetings: bring an update on your "
        "actions, your successes, any blockers, any amendments you propose and the support you "
        f"need. {chair} will be there to advise and record. {employer_words}"
        "{% if due_on %} The time plan for this stage runs until "
        '{{ due_on|date:"l j F Y" }}.{% endif %}\n\n'
        "At the end of the time plan a recommendation will be shared with you in the last "
        "meeting and confirmed by e-mail." + SIGN_OFF
    )


LETTERS = [
    (
        "makers",
        "stage_4_introduction",
        "Makers Stage 4 introduction",
        "Stage 4 of your formal support, {{ learner_full_name }}",
        introduction(
            4,
            "Your Pastoral lead or tech lead",
            "It is essential that your line manager, or someone from "
            "{% if employer_name %}{{ employer_name }}{% else %}your employer{% endif %}, "
            "attends; if nobody can, the meeting goes ahead and the record is sent to them.",
        ),
    ),
    (
        "makers",
        "stage_5_introduction",
        "Makers Stage 5 introduction",
        "Stage 5 of your formal support, {{ learner_full_name }}",
        introduction(
            5,
            "The Head of Developer Success or Head of Training",
            "It is essential that your line manager and someone from "
            "{% if employer_name %}{{ employer_name }}{% else %}your employer{% endif %} "
            "attend; if nobody can, the meeting goes ahead and the record is sent to them. The "
            "recommendation at the end of this stage is made by the Director of Delivery or "
            "Training, and you or your employer may appeal against it.",
        ),
    ),
]


def load(apps, schema_editor):
    LetterTemplate = apps.get_model("notifications", "LetterTemplate")
    for policy_key, letter_key, name, subject, body in LETTERS:
        LetterTemplate.objects.get_or_create(
            policy_key=policy_key,
            letter_key=letter_key,
            defaults={
                "name": name,
                "subject": subject,
                "body": body,
                "send_to_employer": True,
                "active": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_letter_templates_per_policy")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
