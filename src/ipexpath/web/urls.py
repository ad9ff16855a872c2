"""URL map of the web application (pages and the API)."""

from __future__ import annotations

from django.urls import path

from ipexpath.web import account_pages, family_pages, record_pages, views
from ipexpath.web.api import api

handler500 = "ipexpath.web.server_errors.server_error"

urlpatterns = [
    path("signin/", account_pages.signin, name="signin"),
    path("signin/code/", account_pages.signin_code, name="signin_code"),
    path("signout/", account_pages.signout, name="signout"),
    path("reauth/", account_pages.reauthenticate, name="reauth"),
    path("users/", account_pages.user_list, name="users"),
    path("users/<str:username>/reset-factor/", account_pages.user_reset_factor, name="user_reset_factor"),
    path("users/<str:username>/active/", account_pages.user_active, name="user_active"),
    path("", views.patient_list, name="patients"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<str:pseudonym>/", views.patient_page, name="patient"),
    path("patients/<str:pseudonym>/assess/", views.case_entry, name="case_entry"),
    path("patients/<str:pseudonym>/delete/", record_pages.patient_delete, name="patient_delete"),
    path("patients/<str:pseudonym>/status/", views.patient_status, name="patient_status"),
    path("patients/<str:pseudonym>/<str:kind>/<int:pk>/edit/", views.row_edit, name="row_edit"),
    path("patients/<str:pseudonym>/hsct/new/", views.hsct_new, name="hsct_new"),
    path("patients/<str:pseudonym>/chimerism/new/", views.chimerism_new, name="chimerism_new"),
    path("patients/<str:pseudonym>/visits/new/", views.visit_new, name="visit_new"),
    path("patients/<str:pseudonym>/oi/new/", views.oi_new, name="oi_new"),
    path("patients/<str:pseudonym>/diagnosis/new/", views.diagnosis_new, name="diagnosis_new"),
    path(
        "patients/<str:pseudonym>/immunosuppression/new/",
        views.immunosuppression_new,
        name="immunosuppression_new",
    ),
    path("patients/<str:pseudonym>/supportive/new/", views.supportive_new, name="supportive_new"),
    path("patients/<str:pseudonym>/family/", family_pages.family_page, name="family"),
    path("patients/<str:pseudonym>/family/person/", family_pages.family_person, name="family_person"),
    path("patients/<str:pseudonym>/family/remove/", family_pages.family_remove, name="family_remove"),
    path("patients/<str:pseudonym>/family/delete/", record_pages.family_delete, name="family_delete"),
    path("terms/", views.term_search, name="term_search"),
    path("text/", views.text_preview, name="text_preview"),
    path("assessments/<int:pk>/", views.assessment_page, name="assessment"),
    path("assessments/<int:pk>/<str:name>", views.assessment_document, name="assessment_document"),
    path("registry/analysis/", views.analysis_page, name="analysis"),
    path("registry/analysis/<str:time_zero>/<str:name>", views.analysis_figure, name="analysis_figure"),
    path("registry/export/", record_pages.registry_export, name="registry_export"),
    path("audit/", views.audit_page, name="audit"),
    path("api/", api.urls),
]
