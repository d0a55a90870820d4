"""Plays the browser's part in the hosted card form flow, with an HTTP client and no JavaScript.

Conventions every emulator card form and the loopback page follow, so one browser fits all:
- a page that hands over to the provider holds `<form id="provider-form">` (hidden fields only);
- a provider card form is `<form id="card-form">` with inputs `card_number`, `exp_month`,
  `exp_year`, `cvv` (and any hidden fields, which are sent back as they are);
- a refused card re-shows the form with the provider's message in the element `id="card-error"`;
- on success the provider answers a redirect (303) to the return URL it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from console.domain.card_forms import CardFormKind, HostedCardForm

TEST_CARD = {"card_number": "4111111111111111", "exp_month": "12", "exp_year": "2030", "cvv": "123"}


@dataclass
class _Form:
    id: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, _Form] = {}
        self._current: _Form | None = None
        self.error_text: list[str] = []
        self._in_error = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = _Form(values.get("id", ""), values.get("action", ""),
                                  values.get("method", "get").upper())
            self.forms[self._current.id] = self._current
        elif tag in ("input", "select", "textarea") and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = values.get("value", "")
        if values.get("id") == "card-error":
            self._in_error = 1
        elif self._in_error:
            self._in_error += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        if self._in_error:
            self._in_error -= 1

    def handle_data(self, data: str) -> None:
        if self._in_error and data.strip():
            self.error_text.append(data.strip())


@dataclass
class BrowserVisit:
    """Every response the browser saw, in order; `error` is a card form's refusal message, if any."""

    responses: list[httpx.Response]
    error: str = ""

    @property
    def final(self) -> httpx.Response:
        return self.responses[-1]


def play(client: httpx.Client, start: str | HostedCardForm, card: dict[str, str] | None = None, *,
         stop_at: str | None = None, max_steps: int = 12) -> BrowserVisit:
    """Open `start` (a URL, or a SUBMIT form as the loopback page would send it) and follow the flow:
    submit hand-over forms, fill card forms with `card`, follow redirects.

    Stops at a page with neither form (the loopback page's "done" answer), at a card form that
    refused the card (its message in `error`), or at a redirect to a URL starting with `stop_at`
    (not followed: the last response is that redirect, so a test without a loopback server can read
    the completion from its `location`).
    """
    card = dict(TEST_CARD if card is None else card)
    responses: list[httpx.Response] = []
    if isinstance(start, HostedCardForm):
        assert start.kind is CardFormKind.SUBMIT, "a SCRIPT form needs a real browser"
        response = (client.post(start.action, data=start.fields) if start.method.upper() == "POST"
                    else client.get(start.action, params=start.fields))
    else:
        response = client.get(start)
    filled_once = False
    for _ in range(max_steps):
        responses.append(response)
        if response.is_redirect:
            if stop_at is not None and response.headers["location"].startswith(stop_at):
                return BrowserVisit(responses)
            response = client.get(urljoin(str(response.url), response.headers["location"]))
            continue
        parser = _FormParser()
        parser.feed(response.text)
        if "card-form" in parser.forms:
            if filled_once and parser.error_text:
                return BrowserVisit(responses, " ".join(parser.error_text))
            form = parser.forms["card-form"]
            form.fields.update(card)
            filled_once = True
        elif "provider-form" in parser.forms:
            form = parser.forms["provider-form"]
        else:
            return BrowserVisit(responses, " ".join(parser.error_text))
        target = urljoin(str(response.url), form.action or str(response.url))
        if form.method == "POST":
            response = client.post(target, data=form.fields)
        else:
            response = client.get(target, params=form.fields)
    raise AssertionError(f"the card form flow did not finish in {max_steps} steps: {[str(r.url) for r in responses]}")
