"""A privacy request's receipt as a document a business can keep as proof (issue 21): the request, the
accounts searched (or why not, and the waiver), the records, and every action with its outcome. The
window prints it to PDF (console/ui/privacy_receipt_pdf.py); this module only writes its HTML."""

from __future__ import annotations

import html

from console.services.history_rows import local_time
from console.services.privacy_requests import ACCESS, PrivacyRequest

_STATES = {"complete": "Complete", "incomplete": "Incomplete: something is left to do (see the actions)",
           "open": "Open: nothing done yet"}


def receipt_title(request: PrivacyRequest) -> str:
    kind = "Access request" if request.kind == ACCESS else "Erasure request"
    return f"{kind} {request.id[:8]}"


def receipt_html(request: PrivacyRequest) -> str:
    """The receipt as simple HTML (what QTextDocument renders): headings, paragraphs and tables."""
    e = html.escape

    def table(headers: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th align='left'>{e(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        return f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"

    who = "; ".join(f"{key}: {value}" for key, value in request.identifiers.items())
    hashed = " (SHA-256 digests: the person was erased)" if request.hashed else ""
    parts = [
        f"<h1>{e(receipt_title(request))}</h1>",
        f"<p><b>Request:</b> {e(request.id)}<br><b>Made by:</b> {e(request.created_by)}, "
        f"{e(local_time(request.created_at))}<br><b>State:</b> {e(_STATES[request.state])}<br>"
        f"<b>Person</b>{e(hashed)}: {e(who)}</p>",
        "<h2>Accounts searched</h2>",
        table(["Account", "Provider", "Searched", "How, or why not"],
              [[s.account_name, s.provider, "yes" if s.searched else ("waived" if s.waived else "NO"),
                s.how + (f" — waived: {s.waived}" if s.waived else "")] for s in request.searched]),
        "<h2>Records found and ticked</h2>",
        table(["Account", "Provider", "Record id", "Matched by"],
              [[r.account_name, r.provider, r.customer_id, ", ".join(r.matched_by)] for r in request.records])
        if request.records else "<p>None.</p>",
        "<h2>Actions</h2>",
    ]
    names = {s.account_id: s.account_name for s in request.searched}
    rows = [[a.at.replace("T", " ").removesuffix("+00:00"), a.what, names.get(a.account_id, a.account_id),
             a.customer_id, a.outcome, a.detail] for a in request.actions]
    parts.append(table(["When (UTC)", "Action", "Account", "Record id", "Outcome", "Detail"], rows)
                 if rows else "<p>None yet.</p>")
    refused = [a for a in request.actions if a.outcome == "refused"]
    if refused:
        parts.append("<p><b>Not erased:</b> " + e("; ".join(
            f"{names.get(a.account_id, a.account_id)} {a.customer_id}: {a.detail}" for a in refused)) + "</p>")
    return "\n".join(parts)
