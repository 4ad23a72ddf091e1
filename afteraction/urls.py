"""HTML routes of the after-action repository, under /afteraction/ (namespace "afteraction")."""

from django.urls import path

from afteraction import views

app_name = "afteraction"

urlpatterns = [
    # reports: the list, commissioning, a report and its parts, the life cycle, PDF
    path("", views.report_list, name="report-list"),
    path("commission/", views.report_commission, name="report-commission"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/commission/", views.commission_edit, name="commission-edit"),
    path("reports/<int:pk>/authors/", views.author_add, name="author-add"),
    path(
        "reports/<int:pk>/authors/<int:user_id>/remove/",
        views.author_remove,
        name="author-remove",
    ),
    path("reports/<int:pk>/lessons/add/", views.lesson_add, name="lesson-add"),
    path("reports/<int:pk>/links/", views.link_add, name="link-add"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report-transition"),
    path("reports/<int:pk>/revise/", views.report_revise, name="report-revise"),
    path("reports/<int:pk>/marking/", views.report_marking, name="report-marking"),
    path("reports/<int:pk>/export.pdf", views.report_pdf, name="report-pdf"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson-detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson-edit"),
    path("lessons/<int:pk>/remove/", views.lesson_remove, name="lesson-remove"),
    path("links/<int:pk>/remove/", views.link_remove, name="link-remove"),
    # finding lessons
    path("search/", views.search, name="search"),
    # exercises
    path("exercises/", views.exercise_list, name="exercise-list"),
    path("exercises/new/", views.exercise_new, name="exercise-new"),
    path("exercises/<int:pk>/", views.exercise_detail, name="exercise-detail"),
    # lessons brought to a plan (the panel on the plan's page posts here)
    path(
        "plans/<int:plan_id>/lessons/<int:lesson_id>/consider/",
        views.lesson_consider,
        name="lesson-consider",
    ),
    path(
        "plans/<int:plan_id>/lessons/<int:lesson_id>/unconsider/",
        views.lesson_unconsider,
        name="lesson-unconsider",
    ),
]
