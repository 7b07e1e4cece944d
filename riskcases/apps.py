from django.apps import AppConfig


class RiskcasesConfig(AppConfig):
    name = "riskcases"
