from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.sign_in, name="sign_in"),
    path("connexion/code/", views.sign_in_code, name="sign_in_code"),
    path("connexion/lien/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("connexion/mot-de-passe/", views.sign_in_password, name="sign_in_password"),
    path("deconnexion/", views.sign_out, name="sign_out"),
    path("mot-de-passe/", views.password, name="password"),
    path("", views.account, name="account"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("mes-donnees/", views.account_export, name="export"),
    path("supprimer/", views.account_delete, name="delete"),
]
