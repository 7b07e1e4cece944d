from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages: every view, URL module and page template, over the domain apps below."""

    name = "web"
