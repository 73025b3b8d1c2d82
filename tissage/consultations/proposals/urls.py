from django.urls import path, register_converter

from tissage.core.converters import choice_converter

from . import views

register_converter(choice_converter(("image", "thumbnail")), "proposal_photo_size")

urlpatterns = [
    path("<consultation_slug:slug>/propositions/", views.proposal_list, name="proposals"),
    path("<consultation_slug:slug>/proposer/", views.propose, name="propose"),
    path("<consultation_slug:slug>/propositions/similaires/", views.similar, name="similar"),
    path("propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/soutenir/", views.support, name="support"),
    path("propositions/<int:pk>/soutien-papier/", views.support_paper, name="support_paper"),
    path(
        "propositions/photos/<int:pk>/<proposal_photo_size:size>/",
        views.proposal_photo,
        name="proposal_photo",
    ),
    path("propositions/photos-gardees/<uuid:key>/<int:pk>/", views.kept_photo, name="kept_photo"),
    path("confirmer/proposition/<str:token>/", views.proposal_confirm, name="proposal_confirm"),
    path("confirmer/soutien/<str:token>/", views.support_confirm, name="support_confirm"),
]
