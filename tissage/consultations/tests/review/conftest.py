"""The review's tests use the questionnaires' shared questionnaire."""

from ..questionnaires.conftest import questionnaire  # noqa: F401
