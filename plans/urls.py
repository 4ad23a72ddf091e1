"""HTML routes of plans, under /plans/ (namespace "plans")."""

from django.urls import path

from plans.views import editor, plan, playbooks

app_name = "plans"

urlpatterns = [
    # plan.py: the list, a new plan, the overview and its panels, the life cycle, versions, PDF
    path("", plan.plan_list, name="plan-list"),
    path("new/", plan.plan_new, name="plan-new"),
    path("<int:pk>/", plan.plan_detail, name="plan-detail"),
    path("<int:pk>/transition/", plan.plan_transition, name="plan-transition"),
    path("<int:pk>/team/", plan.team_add, name="team-add"),
    path("<int:pk>/team/<int:user_id>/remove/", plan.team_remove, name="team-remove"),
    path("<int:pk>/reviewers/", plan.reviewer_assign, name="reviewer-assign"),
    path("<int:pk>/findings/", plan.finding_add, name="finding-add"),
    path("findings/<int:pk>/respond/", plan.finding_respond, name="finding-respond"),
    path("<int:pk>/rehearsals/", plan.rehearsal_add, name="rehearsal-add"),
    path("<int:pk>/versions/", plan.version_list, name="version-list"),
    path("<int:pk>/versions/compare/", plan.version_compare, name="version-compare"),
    path("<int:pk>/versions/<int:number>/", plan.version_detail, name="version-detail"),
    path("<int:pk>/export.pdf", plan.plan_pdf, name="plan-pdf"),
    path("<int:pk>/versions/<int:number>/export.pdf", plan.version_pdf, name="version-pdf"),
    # editor.py: sections, the options matrix, partners, the messaging lead
    path("<int:pk>/sections/<slug:key>/", editor.section_edit, name="section-edit"),
    path("<int:pk>/sections/<slug:key>/assign/", editor.section_assign, name="section-assign"),
    path("<int:pk>/options/", editor.options_matrix, name="plan-options"),
    path("<int:pk>/options/add/", editor.option_add, name="option-add"),
    path("options/<int:pk>/", editor.option_edit, name="option-edit"),
    path("options/<int:pk>/remove/", editor.option_remove, name="option-remove"),
    path("<int:pk>/playbook/", editor.playbook_apply, name="playbook-apply"),
    path("<int:pk>/partners/", editor.partner_add, name="partner-add"),
    path("partners/<int:pk>/remove/", editor.partner_remove, name="partner-remove"),
    path("<int:pk>/messaging-lead/", editor.messaging_lead, name="messaging-lead"),
    # playbooks.py: playbooks and the read-only reference catalogue
    path("playbooks/", playbooks.playbook_list, name="playbook-list"),
    path("playbooks/new/", playbooks.playbook_new, name="playbook-new"),
    path("playbooks/<int:pk>/", playbooks.playbook_detail, name="playbook-detail"),
    path(
        "playbook-options/<int:pk>/remove/",
        playbooks.playbook_option_remove,
        name="playbook-option-remove",
    ),
    path("catalogue/", playbooks.catalogue, name="catalogue"),
]
