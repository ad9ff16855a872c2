"""URL map of the web application (pages and the API)."""

from __future__ import annotations

from django.urls import path

from ipexpath.web import family_pages, views
from ipexpath.web.api import api

handler500 = "ipexpath.web.server_errors.server_error"

urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("", views.patient_list, name="patients"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<str:pseudonym>/", views.patient_page, name="patient"),
    path("patients/<str:pseudonym>/assess/", views.case_entry, name="case_entry"),
    path("patients/<str:pseudonym>/hsct/new/", views.hsct_new, name="hsct_new"),
    path("patients/<str:pseudonym>/visits/new/", views.visit_new, name="visit_new"),
    path("patients/<str:pseudonym>/oi/new/", views.oi_new, name="oi_new"),
    path("patients/<str:pseudonym>/family/", family_pages.family_page, name="family"),
    path("patients/<str:pseudonym>/family/person/", family_pages.family_person, name="family_person"),
    path("patients/<str:pseudonym>/family/remove/", family_pages.family_remove, name="family_remove"),
    path("terms/", views.term_search, name="term_search"),
    path("text/", views.text_preview, name="text_preview"),
    path("assessments/<int:pk>/", views.assessment_page, name="assessment"),
    path("assessments/<int:pk>/<str:name>", views.assessment_document, name="assessment_document"),
    path("registry/analysis/", views.analysis_page, name="analysis"),
    path("registry/analysis/<str:time_zero>/<str:name>", views.analysis_figure, name="analysis_figure"),
    path("audit/", views.audit_page, name="audit"),
    path("api/", api.urls),
]
