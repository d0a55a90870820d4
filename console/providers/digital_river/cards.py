"""Adding a card to a Digital River customer without the console seeing it.

DigitalRiver.js, loaded from Digital River with the account's public key, shows DR's own card fields
(iframes from DR's host) and creates a payment source; only its id comes back to the console, which
saves the source to the customer with `POST /customers/{id}/sources/{sourceId}`. The first source a
customer gets becomes its default; for a later one the console offers `set_default_item`.

In demo mode and tests (`form_origin`) the emulator's plain card page plays DigitalRiver.js's part
(console/sandbox/digital_river/card_page.py): the same source, without JavaScript.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion, CardFormKind, HostedCardForm
from console.domain.customer import Customer
from console.providers.base import ProviderConfig
from console.providers.digital_river.capabilities import NAME, PUBLIC_KEY
from console.providers.http import HttpCore, item_path

# One script for test and live: the public key decides (developer docs, "Elements integration guide").
SCRIPT_URL = "https://js.digitalriverws.com/v1/DigitalRiver.js"
# Where DigitalRiver.js loads its fields from and sends the card to.
ORIGINS = ("https://js.digitalriverws.com", "https://api.digitalriver.com")
# The emulator's stand-in for DigitalRiver.js (its card_page.PAGE; the layers keep providers from importing it).
EMULATOR_PAGE = "/drjs/card-form"
COMPLETION_FIELD = "source_id"
# Source ids are opaque (UUIDs today, `src_...` once), never anything that could leave the path.
_SOURCE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def public_key(config: ProviderConfig) -> str:
    """The account's DigitalRiver.js key, checked against the secret key's mode (test or live)."""
    key = str(config.options.get(PUBLIC_KEY) or "").strip()
    if not key.startswith("pk_"):
        problem = ("Enter the account's public key (pk_test_... or pk_...) in Accounts: Digital River's card "
                   "form needs it." if not key else "A Digital River public key starts with pk_.")
        raise e.InvalidInputError(problem, field_errors={PUBLIC_KEY: problem}, provider=NAME)
    key_is_test = key.startswith("pk_test_")
    if key_is_test != str(config.credentials.get("secret_key", "")).startswith("sk_test_"):
        problem = (f"The public key is a {'test' if key_is_test else 'live'} key but the secret key is a "
                   f"{'live' if key_is_test else 'test'} key: the card would be saved where this account "
                   "cannot use it. Use the pair of the same mode.")
        raise e.InvalidInputError(problem, field_errors={PUBLIC_KEY: problem}, provider=NAME)
    return key


def owner_of(customer: Customer) -> dict[str, str]:
    """The card owner DigitalRiver.js asks for, from the customer's shipping name, email and address."""
    name = (customer.given_name or "").strip()
    first, _, last = name.rpartition(" ")
    address = customer.address
    values = {"first_name": first or last, "last_name": last if first else "", "email": customer.email or "",
              "line1": address.line1 if address else None, "city": address.city if address else None,
              "state": address.state if address else None, "postal_code": address.postal_code if address else None,
              "country": address.country if address else None}
    return {k: v or "" for k, v in values.items()}


def form_for(config: ProviderConfig, customer: Customer, *, return_url: str,
             form_origin: str | None) -> HostedCardForm:
    """DigitalRiver.js's card fields for a real account, or the emulator's card page (`form_origin`)."""
    key = public_key(config)
    owner = owner_of(customer)
    title = f"Add a card for {customer.display_name} at {NAME}"
    if form_origin is not None:
        fields = {"public_key": key, "return_url": return_url,
                  **{k: owner[k] for k in ("first_name", "last_name", "email", "country")}}
        return HostedCardForm(kind=CardFormKind.SUBMIT, title=title, fields=fields,
                              action=f"{form_origin.rstrip('/')}{EMULATOR_PAGE}")
    return HostedCardForm(kind=CardFormKind.SCRIPT, title=title, scripts=(SCRIPT_URL,), origins=ORIGINS,
                          script=_script(key, owner))


def source_id_of(completion: CardFormCompletion) -> str:
    """The source id the card form returned; refused when there is none or it is not an id."""
    source_id = completion.fields.get(COMPLETION_FIELD, "").strip()
    if not _SOURCE_ID.fullmatch(source_id):
        raise e.InvalidInputError("Digital River's card form did not return a payment source, so no card was "
                                  "saved. Try again.", provider=NAME)
    return source_id


def source_path(customer_id: str, source_id: str) -> str:
    """Where a customer's source is saved (POST) and detached (DELETE, which cancels the source)."""
    return item_path(f"{item_path('/customers', customer_id)}/sources", source_id)


async def save_source(http: HttpCore, customer_id: str, source_id: str) -> None:
    """Save the source to the customer. Saving it again to the same customer changes nothing, so a
    retried request is harmless (DR has no idempotency keys)."""
    await http.request("POST", source_path(customer_id, source_id), retry=True)


def _js(value: Any) -> str:
    """`value` as a JavaScript literal that cannot end the page's <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_OWNER_INPUTS = (("first_name", "First name"), ("last_name", "Last name"), ("email", "Email"),
                 ("line1", "Billing address"), ("city", "City"), ("state", "State / region"),
                 ("postal_code", "Postal code"), ("country", "Country (two letters)"))
_SCRIPT = """(function () {
  var owner = %(owner)s, labels = %(labels)s;
  var digitalriver = new DigitalRiver(%(key)s);
  var root = document.getElementById('card-form');
  var form = document.createElement('form');
  var inputs = {};
  labels.forEach(function (pair) {
    var label = document.createElement('label'), input = document.createElement('input');
    label.textContent = pair[1] + ' ';
    input.name = pair[0];
    input.value = owner[pair[0]] || '';
    inputs[pair[0]] = input;
    label.appendChild(input);
    form.appendChild(label);
  });
  ['dr-card-number', 'dr-card-expiration', 'dr-card-cvv'].forEach(function (id) {
    var box = document.createElement('div');
    box.id = id;
    form.appendChild(box);
  });
  var error = document.createElement('p'), button = document.createElement('button');
  error.id = 'card-error';
  error.setAttribute('role', 'alert');
  button.type = 'submit';
  button.textContent = 'Save card';
  form.appendChild(error);
  form.appendChild(button);
  root.appendChild(form);
  var number = digitalriver.createElement('cardnumber', {});
  number.mount('dr-card-number');
  digitalriver.createElement('cardexpiration', {}).mount('dr-card-expiration');
  digitalriver.createElement('cardcvv', {}).mount('dr-card-cvv');
  function value(name) { return inputs[name].value.trim(); }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    error.textContent = '';
    var address = {line1: value('line1'), city: value('city'), state: value('state'),
                   postalCode: value('postal_code'), country: value('country').toUpperCase()};
    Object.keys(address).forEach(function (k) { if (!address[k]) { delete address[k]; } });
    // A saved card is used again for one-off purchases: DR's "convenience" use.
    digitalriver.createSource(number, {type: 'creditCard', usage: 'convenience', owner: {
      firstName: value('first_name'), lastName: value('last_name'), email: value('email'), address: address}
    }).then(function (result) {
      if (result.error) {
        var errors = result.error.errors || [];
        error.textContent = errors.length ? errors[0].message : 'Digital River did not accept the card.';
        button.disabled = false;
        return;
      }
      completeCardForm({%(field)s: result.source.id});
    });
  });
})();
"""


def _script(key: str, owner: Mapping[str, str]) -> str:
    return _SCRIPT % {"owner": _js(dict(owner)), "labels": _js([list(p) for p in _OWNER_INPUTS]), "key": _js(key),
                      "field": COMPLETION_FIELD}
