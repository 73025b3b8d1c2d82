from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tissage.demo"
    verbose_name = "Demo and generated data"
