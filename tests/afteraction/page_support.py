"""Helpers of the after-action page tests: reading responses (text, flash messages, the banner,
an element by its data-testid) and the audit rows the pages write."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from django.contrib.messages import get_messages
from django.urls import reverse

from apc.models import AuditEvent


def url(name: str, *args) -> str:
    return reverse(f"afteraction:{name}", args=args)


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def banner(response) -> str:
    body = text(response)
    start = body.index('data-testid="banner-top">') + len('data-testid="banner-top">')
    return body[start : body.index("<", start)]


def has_testid(response, testid: str) -> bool:
    return f'data-testid="{testid}"' in response.content.decode()


class _Element(HTMLParser):
    """Collects the text (and the raw HTML) of the first element with a given data-testid."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "source", "wbr"}

    def __init__(self, testid: str) -> None:
        super().__init__(convert_charrefs=True)
        self.testid = testid
        self.depth = 0  # open elements inside the wanted one (0: not inside, or done)
        self.done = False
        self.parts: list[str] = []
        self.raw: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if self.depth:
            self.raw.append(self.get_starttag_text() or "")
            if tag not in self.VOID:
                self.depth += 1
            return
        if dict(attrs).get("data-testid") == self.testid:
            self.raw.append(self.get_starttag_text() or "")
            self.depth = 0 if tag in self.VOID else 1
            self.done = tag in self.VOID

    def handle_endtag(self, tag):
        if self.depth and not self.done:
            self.raw.append(f"</{tag}>")
            self.depth -= 1
            if self.depth == 0:
                self.done = True

    def handle_data(self, data):
        if self.depth and not self.done:
            self.parts.append(data)
            self.raw.append(data)


def _element(response, testid: str) -> _Element:
    parser = _Element(testid)
    parser.feed(response.content.decode())
    assert parser.raw, f"no element with data-testid={testid!r}"
    return parser


def section(response, testid: str) -> str:
    """The text of the element with `data-testid` (tags dropped, spaces collapsed)."""
    return " ".join("".join(_element(response, testid).parts).split())


def section_html(response, testid: str) -> str:
    """The HTML inside the element with `data-testid`."""
    return "".join(_element(response, testid).raw)


def hrefs(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


def audited(action: str, obj=None) -> AuditEvent:
    qs = AuditEvent.objects.filter(action=action)
    if obj is not None:
        qs = qs.filter(object_id=str(obj.pk))
    return qs.latest("id")
