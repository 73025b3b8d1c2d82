from .reports.fakes import fake_figures  # noqa: F401 — a fixture for every dashboard test
