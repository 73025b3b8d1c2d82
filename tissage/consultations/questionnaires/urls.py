from django.urls import path, register_converter

from tissage.core.converters import choice_converter
from tissage.core.spreadsheets import FORMATS

from . import views

register_converter(choice_converter(FORMATS), "questionnaire_format")

urlpatterns = [
    path("code/", views.code, name="code"),
    path(
        "questionnaires/nouveau/<consultation_slug:slug>/",
        views.questionnaire_create,
        name="questionnaire_create",
    ),
    path("questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("questionnaires/<int:pk>/merci/", views.questionnaire_thanks, name="questionnaire_thanks"),
    path(
        "questionnaires/confirmer/<str:token>/",
        views.questionnaire_confirm,
        name="questionnaire_confirm",
    ),
    path(
        "questionnaires/<int:pk>/gestion/", views.questionnaire_manage, name="questionnaire_manage"
    ),
    path("questionnaires/<int:pk>/modifier/", views.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/questions/ajouter/", views.question_add, name="question_add"),
    path("questionnaires/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path(
        "questionnaires/questions/<int:pk>/supprimer/",
        views.question_delete,
        name="question_delete",
    ),
    path("questionnaires/questions/<int:pk>/deplacer/", views.question_move, name="question_move"),
    path("questionnaires/<int:pk>/codes/", views.codes, name="questionnaire_codes"),
    path(
        "questionnaires/<int:pk>/codes/imprimer/",
        views.codes_print,
        name="questionnaire_codes_print",
    ),
    path("questionnaires/<int:pk>/papier/", views.paper, name="questionnaire_paper"),
    path("questionnaires/<int:pk>/papier.pdf", views.paper_pdf, name="questionnaire_paper_pdf"),
    path("questionnaires/<int:pk>/saisie/", views.assist, name="questionnaire_assist"),
    path("questionnaires/<int:pk>/resultats/", views.results, name="questionnaire_results"),
    path(
        "questionnaires/<int:pk>/reponses.<questionnaire_format:fmt>",
        views.export,
        name="questionnaire_export",
    ),
    path(
        "questionnaires/<int:pk>/moderation/",
        views.moderation,
        name="questionnaire_moderation",
    ),
]
