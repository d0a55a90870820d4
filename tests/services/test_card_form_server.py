"""The loopback card-form page: its own path only, one completion with the right state, then closed."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import pytest

from console.domain.card_forms import CardFormCompletion, CardFormKind, HostedCardForm
from console.services.card_form_server import CardFormClosed, CardFormServer

SUBMIT = HostedCardForm(kind=CardFormKind.SUBMIT, title="Add a card for Ada at Example",
                        action="https://pay.example.test/customer/addPayment",
                        fields={"token": 'tok"<en>&', "extra": "x"})
SCRIPT = HostedCardForm(kind=CardFormKind.SCRIPT, title="Add a card", scripts=("https://js.example.test/v1/x.js",),
                        script="mount('#card-form');", origins=("https://js.example.test",))


async def started(form: HostedCardForm = SUBMIT, **kwargs: float) -> CardFormServer:
    server = CardFormServer(**kwargs)
    await server.start()
    server.show(form)
    return server


async def fetch(method: str, url: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient() as browser:
        return await browser.request(method, url, **kwargs)  # type: ignore[arg-type]


async def test_the_page_hosts_the_provider_form_and_names_its_origin_in_the_policy() -> None:
    server = await started()
    try:
        page = await fetch("GET", server.page_url)
        assert page.status_code == 200
        assert '<form id="provider-form" method="post" action="https://pay.example.test/customer/addPayment">' \
            in page.text
        assert 'value="tok&quot;&lt;en&gt;&amp;"' in page.text   # escaped, never raw
        policy = page.headers["content-security-policy"]
        assert "form-action 'self' https://pay.example.test" in policy
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["referrer-policy"] == "no-referrer"
        # The inline script runs only with this answer's nonce.
        nonce = policy.split("'nonce-")[1].split("'")[0]
        assert f'<script nonce="{nonce}">' in page.text
    finally:
        await server.close()


async def test_a_script_form_gets_a_completion_function_that_posts_back_with_the_state() -> None:
    server = await started(SCRIPT)
    try:
        page = await fetch("GET", server.page_url)
        assert '<script src="https://js.example.test/v1/x.js"></script>' in page.text
        assert f'f.action = "{server.return_url}"' in page.text
        assert "mount('#card-form');" in page.text
        assert "script-src 'nonce-" in page.headers["content-security-policy"]
    finally:
        await server.close()


async def test_only_its_own_path_and_address_are_answered() -> None:
    server = await started()
    try:
        parts = urlsplit(server.page_url)
        assert (await fetch("GET", f"http://{parts.netloc}/")).status_code == 404
        assert (await fetch("GET", server.page_url + "other")).status_code == 404
        rebound = await fetch("GET", server.page_url, headers={"Host": f"evil.example:{parts.port}"})
        assert rebound.status_code == 400
        assert server.is_open
    finally:
        await server.close()


async def test_one_completion_with_the_right_state_is_accepted_and_the_server_closes() -> None:
    server = await started()
    waiting = asyncio.ensure_future(server.completion())
    done = await fetch("GET", server.return_url + "&source_id=cnon:abc")
    assert done.status_code == 200 and "finished" in done.text
    assert await waiting == CardFormCompletion(fields={"source_id": "cnon:abc"})
    assert not server.is_open
    with pytest.raises(httpx.ConnectError):
        await fetch("GET", server.return_url + "&source_id=cnon:second")


async def test_a_completion_can_arrive_as_a_form_post() -> None:
    server = await started(SCRIPT)
    waiting = asyncio.ensure_future(server.completion())
    done = await fetch("POST", server.return_url, data={"sourceId": "src_1"})
    assert done.status_code == 200
    assert (await waiting).fields == {"sourceId": "src_1"}


async def test_a_second_completion_before_the_close_is_refused() -> None:
    server = await started()
    first = await fetch("GET", server.return_url + "&token=one")
    second = await fetch("GET", server.return_url + "&token=two")
    assert first.status_code == 200
    assert second.status_code == 410
    assert (await server.completion()).fields == {"token": "one"}
    assert not server.is_open


async def test_a_wrong_state_ends_the_form_with_nothing_returned() -> None:
    server = await started()
    waiting = asyncio.ensure_future(server.completion())
    refused = await fetch("GET", server.return_url.split("state=")[0] + "state=forged&token=x")
    assert refused.status_code == 400
    with pytest.raises(CardFormClosed, match="wrong security value"):
        await waiting
    assert not server.is_open


async def test_a_completion_carrying_a_card_number_is_refused() -> None:
    server = await started()
    waiting = asyncio.ensure_future(server.completion())
    refused = await fetch("POST", server.return_url, data={"token": "4111 1111 1111 1111"})
    assert refused.status_code == 400
    with pytest.raises(CardFormClosed, match="looks like a card number"):
        await waiting


async def test_cancel_ends_the_wait_and_closes() -> None:
    server = await started()
    waiting = asyncio.ensure_future(server.completion())
    await server.close()
    with pytest.raises(CardFormClosed, match="cancelled"):
        await waiting
    with pytest.raises(httpx.ConnectError):
        await fetch("GET", server.page_url)


async def test_the_time_limit_ends_the_wait_and_closes() -> None:
    server = await started(time_limit=0.05)
    with pytest.raises(CardFormClosed, match="not completed within"):
        await server.completion()
    assert not server.is_open


async def test_a_request_it_cannot_read_is_answered_400() -> None:
    server = await started()
    try:
        parts = urlsplit(server.page_url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(b"NONSENSE\r\n\r\n")
        await writer.drain()
        answer = await reader.read()
        writer.close()
        assert answer.startswith(b"HTTP/1.1 400")
        assert server.is_open
    finally:
        await server.close()
