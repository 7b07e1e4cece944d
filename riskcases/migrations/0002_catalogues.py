"""The risk factor and intervention catalogues of the policies in shared/policies/
(Aspiration 5.1.1, 5.1.2, 5.1.3; MTT "Start of programme", "During programme", "Learner support
requirements"; Makers "Types of interventions/support"). Frozen here as data."""

from django.db import migrations

START_FACTORS = [
    (
        "carer-responsibility-change",
        "Parent, carer or guardian responsibility changes (may need a break in learning)",
    ),
    ("employment-probation", "Enrolling while on an employment probation period"),
    ("low-achieving-group", "Belongs to a group with low achievement rates last year"),
    (
        "qualification-required-low-commitment",
        "Qualification required for employment but little commitment",
    ),
    (
        "socioeconomic-start",
        "Socio-economic issues (financial, health, welfare, childcare, access to IT)",
    ),
    (
        "vulnerability",
        "Signs of vulnerability (instability at home, poor mental health and wellbeing)",
    ),
]
DURING_FACTORS = [
    ("bereavement", "Bereavement"),
    ("discipline", "Discipline issues at work or in sessions"),
    ("home-circumstances", "Home circumstances"),
    ("illness", "Illness"),
    ("pregnancy-maternity", "Pregnancy or maternity"),
    ("neurodiversity", "Neurodiversity"),
    ("underachievement", "Poor or low assessment grades (underachievement)"),
    ("plagiarism", "Plagiarism"),
    ("poor-attendance", "Poor attendance at work or on programme (disengagement)"),
    ("increased-workload", "Increased workload"),
    ("furlough", "Reduced access to the workplace (furlough)"),
    ("employer-relationship", "Poor relationship with or lack of support from the employer"),
    ("tutor-change", "Change in tutor or assessor"),
    ("safeguarding-referral", "Referral to the safeguarding team"),
    ("relationship-issues", "Relationship issues"),
    (
        "socioeconomic-during",
        "Socio-economic issues (financial, health, welfare, childcare, access to IT)",
    ),
    ("travel", "Travel issues"),
]
INTERVENTIONS = [
    (
        "fast-track",
        "Fast-tracking the programme",
        "One-to-one support to achieve as soon as time requirements and minimum durations allow.",
    ),
    (
        "distance-learning",
        "Remote or distance learning support",
        "Complete through remote learning with online support and resources, including extra IT support.",
    ),
    (
        "employer-support-plan",
        "Support plan with employer input",
        "A support plan that includes support from the employer.",
    ),
    (
        "employer-transfer",
        "Transfer of the training plan to a new employer",
        "When the learner has moved employer, check whether the training plan can transfer.",
    ),
    (
        "equipment-loan",
        "Equipment loan",
        "Equipment lent so work can be completed at home in the learner's own time.",
    ),
    (
        "bursary",
        "Bursary or hardship funding",
        "Where financial hardship is the main reason the learner is at risk.",
    ),
    (
        "mentoring",
        "Extra mentoring or coaching",
        "An additional team member provides mentoring or coaching support.",
    ),
    (
        "reasonable-adjustments",
        "Reasonable adjustments or access arrangements",
        "Adjustments to assessment or delivery as necessary.",
    ),
    ("increased-reviews", "Increased review times", "Meeting more regularly than usual."),
    ("extended-deadlines", "Extended deadlines", "A later deadline agreed for a piece of work."),
    (
        "wellbeing-coaching",
        "Wellbeing coaching",
        "One-to-one sessions with a wellbeing coach for a personal issue.",
    ),
]


def load(apps, schema_editor):
    RiskFactor = apps.get_model("riskcases", "RiskFactor")
    Intervention = apps.get_model("riskcases", "Intervention")
    for kind, rows in (("start", START_FACTORS), ("during", DURING_FACTORS)):
        for code, name in rows:
            RiskFactor.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})
    for code, name, description in INTERVENTIONS:
        Intervention.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("riskcases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
