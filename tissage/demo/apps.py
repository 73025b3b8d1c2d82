from tissage.core import registry


class DemoConfig(registry.TissageAppConfig):
    name = "tissage.demo"
    verbose_name = "Demo and generated data"
