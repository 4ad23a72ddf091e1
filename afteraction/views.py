"""HTML pages of the after-action repository (being written: see the issue-7 brief)."""

from django.http import Http404


def report_list(request, **kwargs):
    raise Http404


def report_commission(request, **kwargs):
    raise Http404


def report_detail(request, **kwargs):
    raise Http404


def report_edit(request, **kwargs):
    raise Http404


def commission_edit(request, **kwargs):
    raise Http404


def author_add(request, **kwargs):
    raise Http404


def author_remove(request, **kwargs):
    raise Http404


def lesson_add(request, **kwargs):
    raise Http404


def link_add(request, **kwargs):
    raise Http404


def report_transition(request, **kwargs):
    raise Http404


def report_revise(request, **kwargs):
    raise Http404


def report_pdf(request, **kwargs):
    raise Http404


def lesson_detail(request, **kwargs):
    raise Http404


def lesson_edit(request, **kwargs):
    raise Http404


def lesson_remove(request, **kwargs):
    raise Http404


def link_remove(request, **kwargs):
    raise Http404


def search(request, **kwargs):
    raise Http404


def exercise_list(request, **kwargs):
    raise Http404


def exercise_new(request, **kwargs):
    raise Http404


def exercise_detail(request, **kwargs):
    raise Http404


def lesson_consider(request, **kwargs):
    raise Http404


def lesson_unconsider(request, **kwargs):
    raise Http404
