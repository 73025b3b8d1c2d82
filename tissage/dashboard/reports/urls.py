from django.urls import path, register_converter

from tissage.core.converters import choice_converter

from . import views

register_converter(choice_converter((views.ORGANISATION, views.PROJECT)), "report_scope")

urlpatterns = [
    path("rapports/<report_scope:kind>/<slug:slug>/", views.report_page, name="report"),
    path("rapports/<report_scope:kind>/<slug:slug>/pdf/", views.report_pdf, name="report_pdf"),
    path("rapports/<report_scope:kind>/<slug:slug>/ods/", views.report_ods, name="report_ods"),
]
