"""HTML routes of meetings, under /meetings/ (the public calendar feed is in apc/urls.py)."""

from django.urls import path

from apc.meetings import views, views_outputs

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/transition/", views.meeting_transition, name="meeting-transition"),
    path(
        "<int:pk>/agenda/regenerate/",
        views.agenda_regenerate,
        name="meeting-agenda-regenerate",
    ),
    path("<int:pk>/agenda/add/", views.agenda_item_add, name="meeting-agenda-add"),
    path("agenda-items/<int:pk>/", views.agenda_item_edit, name="agenda-item-edit"),
    path("agenda-items/<int:pk>/move/", views.agenda_item_move, name="agenda-item-move"),
    path("agenda-items/<int:pk>/remove/", views.agenda_item_remove, name="agenda-item-remove"),
    path("<int:pk>/attendance/", views.attendance, name="meeting-attendance"),
    path("<int:pk>/minutes/", views.minutes, name="meeting-minutes"),
    path("<int:pk>/addenda/", views.addendum_add, name="meeting-addendum"),
    path("<int:pk>/decisions/", views.decision_add, name="meeting-decision"),
    path("<int:pk>/action-items/new/", views.action_item_add, name="meeting-action-item-new"),
    path("<int:pk>/calendar.ics", views_outputs.meeting_ics, name="meeting-ics"),
    path("<int:pk>/packet.pdf", views_outputs.meeting_packet, name="meeting-packet"),
    path("actions/", views.action_item_list, name="action-item-list"),
    path("actions/<int:pk>/", views.action_item_detail, name="action-item-detail"),
    path("actions/<int:pk>/reassign/", views.action_item_reassign, name="action-item-reassign"),
    path("membership/", views.membership, name="membership-list"),
    path("membership/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("calendar/", views_outputs.calendar_settings, name="calendar-settings"),
]
