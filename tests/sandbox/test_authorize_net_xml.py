"""Authorize.net's XML as the real service writes it (BOM, then its exact declaration), and no DOCTYPE taken in."""

from __future__ import annotations

import tracemalloc
import xml.etree.ElementTree as ET

import httpx
import pytest

from console.sandbox.authorize_net import AuthorizeNetEmulator
from tests.sandbox.conftest import serving
from tests.sandbox.error_shapes import ANET_DECLARATION, BOM
from tests.support.anet_xml import NS, validate_xml

PATH = "/xml/v1/request.api"
XML = {"content-type": "text/xml"}


@pytest.fixture
def emulator() -> AuthorizeNetEmulator:
    return AuthorizeNetEmulator(seed=4, customers=3, credentials={"login_id": "demo", "transaction_key": "k3y"})


def _request(emulator: AuthorizeNetEmulator, operation: str, inner: str = "", *, key: str | None = None) -> bytes:
    credentials = emulator.client_credentials()
    return (f'<?xml version="1.0" encoding="utf-8"?><{operation} xmlns="{NS}"><merchantAuthentication>'
            f'<name>{credentials["login_id"]}</name><transactionKey>{key or credentials["transaction_key"]}'
            f"</transactionKey></merchantAuthentication>{inner}</{operation}>").encode()


def _post(emulator: AuthorizeNetEmulator, content: bytes) -> httpx.Response:
    with httpx.Client(transport=emulator.sync_transport()) as client:
        return client.post(emulator.base_url, content=content, headers=XML)  # the API's one URL


def _code(answer: httpx.Response) -> str:
    root = ET.fromstring(answer.content.removeprefix(BOM))
    return root.findtext(f"{{{NS}}}messages/{{{NS}}}message/{{{NS}}}code") or ""


def _starts_like_authorize_net(answer: httpx.Response) -> None:
    # The Python SDK cuts 3 characters (the BOM); other SDKs then strip exactly this declaration.
    assert answer.content[: len(BOM + ANET_DECLARATION) + 1] == BOM + ANET_DECLARATION + b"<", answer.content[:80]
    validate_xml(answer.content)


def test_success_and_error_answers_start_with_the_bom_and_authorize_nets_declaration(
        emulator: AuthorizeNetEmulator) -> None:
    ok = _post(emulator, _request(emulator, "getCustomerProfileIdsRequest"))
    assert _code(ok) == "I00001"
    _starts_like_authorize_net(ok)
    refused = _post(emulator, _request(emulator, "authenticateTestRequest", key="wrong"))
    assert _code(refused) == "E00007"
    _starts_like_authorize_net(refused)
    unknown = _post(emulator, _request(emulator, "getCustomerProfileRequest",
                                       "<customerProfileId>1</customerProfileId>"))
    assert _code(unknown) == "E00040"
    _starts_like_authorize_net(unknown)
    unreadable = _post(emulator, b"<not xml")
    assert _code(unreadable) == "E00003"
    _starts_like_authorize_net(unreadable)


def test_the_served_answer_starts_the_same_way(emulator: AuthorizeNetEmulator) -> None:
    with serving(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        answer = client.post(PATH, content=_request(emulator, "authenticateTestRequest"), headers=XML)
    assert _code(answer) == "I00001"
    _starts_like_authorize_net(answer)


def _billion_laughs() -> str:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    return f"<!DOCTYPE authenticateTestRequest [{entities}]>"


# (DOCTYPE, the login name's text): without the refusal the first three would authenticate.
_DOCTYPES = {
    "bare": ("<!DOCTYPE authenticateTestRequest>", "demo"),
    "external": ('<!DOCTYPE authenticateTestRequest SYSTEM "file:///etc/passwd">', "demo"),
    "entity": ('<!DOCTYPE authenticateTestRequest [<!ENTITY who "demo">]>', "&who;"),
    "billion-laughs": (_billion_laughs(), "&lol9;"),
}


@pytest.mark.parametrize("case", list(_DOCTYPES))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_doctype_is_refused_with_e00003(emulator: AuthorizeNetEmulator, case: str, encoding: str) -> None:
    doctype, name = _DOCTYPES[case]
    document = (f'<?xml version="1.0" encoding="{encoding}"?>{doctype}<authenticateTestRequest xmlns="{NS}">'
                f"<merchantAuthentication><name>{name}</name><transactionKey>k3y</transactionKey>"
                f"</merchantAuthentication></authenticateTestRequest>")
    answer = _post(emulator, document.encode(encoding))
    assert answer.status_code == 200 and _code(answer) == "E00003"
    assert b"parsing the XML request" in answer.content
    _starts_like_authorize_net(answer)


def test_the_same_request_without_a_doctype_is_answered(emulator: AuthorizeNetEmulator) -> None:
    document = (f'<?xml version="1.0" encoding="utf-16"?><authenticateTestRequest xmlns="{NS}">'
                f"<merchantAuthentication><name>demo</name><transactionKey>k3y</transactionKey>"
                f"</merchantAuthentication></authenticateTestRequest>")
    assert _code(_post(emulator, document.encode("utf-16"))) == "I00001"


def test_entity_expansion_is_never_attempted(emulator: AuthorizeNetEmulator) -> None:
    document = (f'<?xml version="1.0"?>{_billion_laughs()}<authenticateTestRequest xmlns="{NS}">'
                f"<merchantAuthentication><name>&lol9;</name><transactionKey>k3y</transactionKey>"
                f"</merchantAuthentication></authenticateTestRequest>").encode()
    request = httpx.Request("POST", emulator.base_url, content=document, headers=XML)
    tracemalloc.start()
    try:
        answer = emulator.handle(request)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _code(answer) == "E00003"
    # Expanding the entities held tens of megabytes before expat's own guard stopped it; refusing the
    # DOCTYPE up front needs a few kilobytes.
    assert peak < 1_000_000, peak
