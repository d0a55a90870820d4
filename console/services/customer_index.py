"""The loaded customers of one account, searchable and sortable in memory over precomputed keys.

Positions are stable: a removed customer leaves a hole (None) instead of shifting everything
after it, so the table model can keep plain integer positions in its row lists. A customer from
the workspace may be held as its document text, decoded when asked for (see stored_rows.py).
"""

from __future__ import annotations

import re
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import accumulate, compress, repeat
from operator import and_, attrgetter, contains, eq, gt, is_, is_not, itemgetter, le, not_, or_
from typing import TYPE_CHECKING, Any, cast

from console.domain.customer import ADDRESS_PREFIX, Customer, display_name_getter, field_getter
from console.domain.text_folding import fold
from console.domain.validation import digits, to_e164
from console.services.customer_filters import CustomerFilters, day_bounds
from console.services.kept_columns import times as parsed_times
from console.services.sort_order import SortKey, sort_key, sort_keys_of, sorted_by, text_sort_keys
from console.services.stored_rows import StoredRow, encode_row, keys_tag

if TYPE_CHECKING:
    from console.domain.capabilities import Capabilities
    from console.services.kept_columns import KeptColumns

Listener = Callable[[list[int], list[int], list[int]], None]
"""Called with (added, changed, removed) positions after every change."""

Getter = Callable[[Customer], Any]

# Between the parts of a search key. It is whitespace to str.split(), so no search token holds it
# and a token never matches across two fields.
_SEP = "\x1f"

# A search part made of these characters only (a phone number, a numeric reference) is kept
# apart from the text parts: a token holding any other character (a letter, say) cannot occur
# in it, so most searches read only the text parts, about a fifth less to read.
_PHONE_CHARS = "0123456789 +-().,/#*"

# A search over more positions than this share of all keys scans every key in load order and
# picks the wanted positions from the result: keys read in a sorted order are scattered in
# memory, and reading them in that order costs about three times as much.
_SCAN_ALL_SHARE = 0.25

# Customers decoded from their kept documents and held for the next ask (the table asks for the
# rows it paints again and again).
_DECODED_KEPT = 1024

# Search keys are copied side by side in memory once this many new ones have come (see _pack).
_PACK_BLOCK = 4096
# Held for a kept customer whose keys were read but whose document was not yet (copy_reader.py reads every
# row's keys first): the document is read from the workspace when the customer is asked for, or handed
# over by the reader (`fill_documents`). No document is empty; this is Python's one empty string.
_UNREAD = ""
DocumentSource = Callable[[list[str]], dict[str, str]]   # customer ids -> their kept documents


# A phone number as typed, with its separators and spaces: "(206) 555-0151", "+1 206 555 0151".
_TYPED_PHONE = re.compile(r"\+?\(?\d[\d ().\-/]*\d\)?")


def _search_terms(query: str) -> list[tuple[str, ...]]:
    """The query's terms, each as the forms any of which may match (most terms have one).

    A phone typed with separators (seven digits or more) is one term, found as typed or by its
    digits, with or without its country code: "206-555-0151" finds 2065550151 as stored.
    """
    terms: list[tuple[str, ...]] = []
    rest = query
    for match in _TYPED_PHONE.finditer(query):
        typed = match.group().strip()
        number = digits(typed)
        if len(number) < 7 or typed.isdigit():
            continue  # plain digits are searched as they are
        forms = {fold(typed), number}
        if (e164 := to_e164(typed)) is not None:
            import phonenumbers  # imported by to_e164 (not before the first phone typed)

            forms.add(str(phonenumbers.parse(e164).national_number))
        terms.append((fold(typed), *sorted(forms - {fold(typed)})))
        rest = rest.replace(match.group(), " ", 1)
    return [(token,) for token in fold(rest).split()] + terms


def _timestamps(values: Iterable[datetime | None]) -> list[float]:
    # NaN for a missing time: every comparison with it is false, so no date range holds it.
    return [_NAN if value is None else value.timestamp() for value in values]


_NAN = float("nan")
_NANS = array("d", [_NAN])
_CREATED, _UPDATED, _EMAIL, _PHONE = (attrgetter(name) for name in ("created_at", "updated_at", "email", "phone"))


class CustomerIndex:
    """Customers by position, with folded (case and accents) search keys each and cached sort keys."""

    def __init__(self, *, search_fields: Sequence[str], name_fields: Sequence[str],
                 status_field: str | None = None) -> None:
        self.search_fields = tuple(search_fields)
        self.name_fields = tuple(name_fields)
        self.status_field = status_field
        # What the filters look at, per position (see filter_mask).
        self._created = array("d")
        self._updated = array("d")
        self._times = {"created_at": self._created, "updated_at": self._updated}   # by column key
        # Kept rows' times as their texts, not parsed yet (add_kept): per run, its first position, its count and
        # its times joined (kept_columns.py); their places above hold NaN until `parse_times`.
        self._unparsed: list[tuple[int, int, str, str]] = []
        self._has_email: list[bool] = []
        self._has_phone: list[bool] = []
        self._status: list[str] = []  # "" where the customer has no status
        self._mask: list[bool] = []
        self._mask_filters: CustomerFilters | None = None
        # Per position: the customer, its document text (a customer from the workspace, decoded when
        # asked for: see stored_rows.py), or None where one was removed.
        self._customers: list[Customer | str | None] = []
        self._ids: list[str] = []   # per position, the customer's id ("" where removed)
        self._decoded: dict[int, Customer] = {}   # positions held as documents, decoded lately
        self._unread = 0   # positions holding _UNREAD
        self._when_read: list[Callable[[], object]] = []   # called once no position holds _UNREAD
        # Reads the documents of unread positions (set by the loader while it reads them).
        self.document_source: DocumentSource | None = None
        self._keys: list[str] = []  # per position: its text parts, case-folded
        self._phone_keys: list[str] = []  # per position: its parts made of _PHONE_CHARS only
        # Per position, whether its text key starts with its name (folded): then that is the name's
        # sort key, with no name to make (see sort_keys). One byte each.
        self._name_leads = bytearray()
        self._name_searched_first = self.search_fields[:1] == ("name",)
        self._packed = 0  # keys before this position have been copied side by side
        self._positions: dict[str, int] = {}
        self._sort_keys: dict[str, list[SortKey]] = {}
        self._listeners: list[Listener] = []
        self._name = display_name_getter(self.name_fields)
        self._getters: dict[str, Getter] = {"name": self._name}
        self._search_getters = tuple(self.getter(key) for key in self.search_fields)
        # Without the derived fields: the keys kept in the workspace (row_keys) are made of these.
        self._base_search_getters = self._search_getters
        self._derived: tuple[str, ...] = ()   # keys of set_derived_fields
        self._status_getter = self.getter(status_field) if status_field else None
        self.keys_tag = keys_tag(self.search_fields, self.name_fields, status_field)

    @classmethod
    def for_capabilities(cls, caps: Capabilities) -> CustomerIndex:
        """The index of an account of a provider with these capabilities (its search, name and status fields)."""
        return cls(search_fields=caps.search_fields, name_fields=caps.name_fields,
                   status_field=caps.status_filter.key if caps.status_filter else None)

    # -- reading ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._positions)

    @property
    def capacity(self) -> int:
        """Positions in use, including holes left by removed customers."""
        return len(self._customers)

    def __iter__(self) -> Iterator[Customer]:
        """Every live customer in load order; kept documents decoded one by one and not held (so the
        walk touches nothing shared and may run on another thread, as a duplicate scan's does)."""
        from console.store.documents import decode

        self._read_unread()
        return (decode(c) if type(c) is str else c for c in self._customers if c is not None)  # type: ignore[misc]

    def at(self, position: int) -> Customer:
        customer = self._customers[position]
        if customer is None:
            raise IndexError(f"position {position} holds a removed customer")
        if type(customer) is str:
            return self._decode(position, customer)
        return customer  # type: ignore[return-value]  # not None, not a document

    def _decode(self, position: int, document: str) -> Customer:
        decoded = self._decoded.get(position)
        if decoded is None and document is _UNREAD:
            self._read_unread([position])
            document = cast(str, self._customers[position])
        if decoded is None:
            # Imported here: the store's pydantic adapter is built only when a kept customer is read.
            from console.store.documents import decode

            if len(self._decoded) >= _DECODED_KEPT:
                self._decoded.clear()
            decoded = self._decoded[position] = decode(document)
        return decoded

    def id_at(self, position: int) -> str:
        """The id of the customer at a live `position` (without decoding a kept document)."""
        return self._ids[position]

    def search_keys(self, position: int) -> tuple[str, str]:
        """The text key and phone key a search reads for `position` (as `matching` reads them)."""
        return self._keys[position], self._phone_keys[position]

    def ids(self) -> list[str]:
        """The ids of every live customer, in load order."""
        return list(self._positions)

    def position(self, customer_id: str, account_id: str | None = None) -> int | None:
        """The customer's position (`account_id` is for the All accounts view's like-named method: one
        account's index holds one account)."""
        return self._positions.get(customer_id)

    def get(self, customer_id: str) -> Customer | None:
        pos = self._positions.get(customer_id)
        return None if pos is None else self.at(pos)

    def alive(self) -> list[int]:
        """Every live position, in load order."""
        return [p for p, c in enumerate(self._customers) if c is not None]

    def held(self) -> tuple[list[str], list[Customer | str]]:
        """Every live customer's id and the customer as the index holds it, in load order: decoded, or
        its kept document (a duplicate scan reads only a few fields of those: duplicate_records.py)."""
        self._read_unread()
        live = self.alive()
        return list(map(self._ids.__getitem__, live)), list(map(self._customers.__getitem__, live))  # type: ignore[arg-type]

    def name(self, customer: Customer) -> str:
        return self._name(customer)

    def getter(self, key: str) -> Getter:
        """A function giving a column's value: the derived display name for 'name', else the field."""
        get = self._getters.get(key)
        if get is None:
            get = self._getters[key] = field_getter(key)
        return get

    def set_derived_fields(self, getters: dict[str, Getter]) -> None:
        """Columns whose text is computed beside the customer (custom fields shown by option name),
        searchable as well; replaces the last set. Every loaded customer's search key is made again
        (folded once each) and every row is reported changed."""
        for key in self._derived:
            self._getters.pop(key, None)
            self._sort_keys.pop(key, None)
        self._derived = tuple(getters)
        for key in getters:
            self._sort_keys.pop(key, None)
        self._getters.update(getters)
        self._search_getters = (*(self.getter(key) for key in self.search_fields), *getters.values())
        self.refresh_keys(self.alive())

    def refresh_keys(self, positions: list[int]) -> None:
        """Make the search and sort keys of these positions again (something they are computed from
        changed outside their customers) and report them changed."""
        sort_keys = [(self.getter(column), keys) for column, keys in self._sort_keys.items()]
        live = [pos for pos in positions if self._customers[pos] is not None]
        self._read_unread(live)
        customers = [self.at(pos) for pos in live]
        for pos, text, phone, leads in zip(live, *self._search_keys(customers), strict=True):
            self._keys[pos], self._phone_keys[pos], self._name_leads[pos] = text, phone, leads
        for get, keys in sort_keys:
            for pos, customer in zip(live, customers, strict=True):
                keys[pos] = sort_key(get(customer))
        if positions:
            self._notify([], positions, [])

    def repack(self) -> None:
        """Copy every search key side by side again (after many were made anew, see _pack)."""
        if self._keys:
            self._packed = 0
            self._pack()

    def value(self, customer: Customer, key: str) -> Any:
        """A column's value: the derived display name for 'name', else the field."""
        return self.getter(key)(customer)

    # -- changing -----------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _search_keys(self, customers: list[Customer],
                     getters: tuple[Getter, ...] | None = None) -> tuple[list[str], list[str], list[bool]]:
        """Per customer: its text key, its phone key, and whether the text key starts with its name.

        The phone key holds the fields made of _PHONE_CHARS only, the text key everything else (and
        the phone's bare digits). Empty and repeated parts are left out (the name is often the email
        or the company): a token never spans two parts, so they could not change a result, only cost
        scan time. A whole batch's values are read a column at a time and its text keys folded in one
        call, which halves the cost of a warm start's index (P8, P9 in benchmarks/run.py).
        """
        columns = [list(map(get, customers)) for get in getters or self._search_getters]
        own_phones = list(map(_PHONE, customers))
        texts_of: list[str] = []
        phone_keys: list[str] = []
        leads: list[bool] = []
        name_first = self._name_searched_first
        for values in zip(*columns, own_phones, strict=True):
            texts: list[str] = []
            phones: list[str] = []
            first_in: list[str] | None = None   # where the first value went: the name's, never empty
            for value in values[:-1]:
                if value:
                    part = value if type(value) is str else str(value)
                    parts = phones if not part.strip(_PHONE_CHARS) else texts
                    if part not in parts:
                        parts.append(part)
                    if first_in is None:
                        first_in = parts
            if own_phone := values[-1]:
                number = digits(own_phone)  # so "2065550142" finds "(206) 555-0142"
                if number and not any(number in part for part in (*phones, *texts)):
                    # With the text parts, not the phone: then the phone key is most often the
                    # customer's own phone string (one part is joined into itself), which costs
                    # no memory, while a joined copy would cost about 40 bytes a customer.
                    texts.append(number)
            leads.append(name_first and first_in is texts and _SEP not in texts[0])
            texts_of.append(_SEP.join(texts))
            phone_keys.append(_SEP.join(phones))   # phone parts are the same folded
        # Text is folded as the query is: "elodie" finds Élodie.
        return list(map(fold, texts_of)), phone_keys, leads

    def upsert(self, customers: Iterable[Customer]) -> tuple[list[int], list[int]]:
        """Add new customers and replace known ones (by id); returns (added, changed) positions."""
        added: list[int] = []
        changed: list[int] = []
        batch = customers if isinstance(customers, list) else list(customers)
        if not batch:
            return added, changed
        sort_keys = [(self.getter(column), keys) for column, keys in self._sort_keys.items()]
        texts, phones, leads = self._search_keys(batch)
        facts = self._filter_facts(batch)
        for customer, text, phone, name_leads, fact in zip(batch, texts, phones, leads, facts, strict=True):
            pos = self._positions.get(customer.id)
            if pos is None:
                pos = len(self._customers)
                self._positions[customer.id] = pos
                self._customers.append(customer)
                self._ids.append(customer.id)
                self._keys.append(text)
                self._phone_keys.append(phone)
                self._name_leads.append(name_leads)
                self._append_facts(fact)
                added.append(pos)
            else:
                if self._customers[pos] is _UNREAD:
                    self._unread -= 1
                self._customers[pos] = customer
                self._decoded.pop(pos, None)
                self._keys[pos] = text
                self._phone_keys[pos] = phone
                self._name_leads[pos] = name_leads
                self._set_facts(pos, fact)
                changed.append(pos)
            for get, keys in sort_keys:
                key = sort_key(get(customer))
                if pos == len(keys):
                    keys.append(key)
                else:
                    keys[pos] = key
        if len(self._keys) - self._packed >= _PACK_BLOCK:
            self._pack()
        if added or changed:
            self._notify(added, changed, [])
        return added, changed

    def row_keys(self, customers: list[Customer]) -> list[str]:
        """What the workspace keeps beside each customer's document so a warm start need not decode it
        (see stored_rows.py). Made of the fields alone, never the derived ones; safe on another thread."""
        texts, phones, leads = self._search_keys(customers, self._base_search_getters)
        tag = self.keys_tag
        return [encode_row(tag, c.id, text, phone, lead, facts) for c, text, phone, lead, facts
                in zip(customers, texts, phones, leads, self._filter_facts(customers), strict=True)]

    def add_local(self, items: Sequence[Customer | StoredRow]) -> None:
        """Customers from the workspace, in their order: decoded ones, and kept documents with their keys.

        A kept document is held undecoded with the keys kept beside it, unless derived fields are set
        (their texts are part of every key) or the customer is held already: then it is decoded.
        """
        from console.store.documents import decode

        run: list[Customer | StoredRow] = []   # of one kind, added together
        for item in items:
            if type(item) is StoredRow and (self._derived or item.customer_id in self._positions):
                item = decode(item.document)
            if run and type(run[-1]) is not type(item):
                self._add_run(run)
                run = []
            run.append(item)
        if run:
            self._add_run(run)

    def _add_run(self, run: list[Any]) -> None:
        if type(run[0]) is not StoredRow:
            self.upsert(run)
            return
        first = len(self._customers)
        for row in run:
            self._positions[row.customer_id] = len(self._customers)
            self._customers.append(row.document)
            self._ids.append(row.customer_id)
            self._keys.append(row.text)
            self._phone_keys.append(row.phone_key)
            self._name_leads.append(row.name_leads)
            self._append_facts(row.facts)
        added = list(range(first, len(self._customers)))
        for column, keys in self._sort_keys.items():   # a column sorted while the rows come in
            if column == "name":
                keys += [row.text.partition(_SEP)[0] if row.name_leads else sort_key(self._name(self.at(pos)))
                         for pos, row in zip(added, run, strict=True)]
            else:
                get = self.getter(column)
                keys += [sort_key(get(self.at(pos))) for pos in added]
        if len(self._keys) - self._packed >= _PACK_BLOCK:
            self._pack()
        self._notify(added, [], [])

    def _filter_facts(self, customers: list[Customer]) -> Iterable[tuple[float, float, bool, bool, str]]:
        """Per customer: created and updated time (seconds), has an email, has a phone, its status."""
        get_status = self._status_getter
        statuses = ([] if get_status is None else
                    ["" if status is None else str(status) for status in map(get_status, customers)])
        return zip(_timestamps(map(_CREATED, customers)), _timestamps(map(_UPDATED, customers)),
                   map(bool, map(_EMAIL, customers)), map(bool, map(_PHONE, customers)),
                   statuses or repeat("", len(customers)), strict=True)

    def _append_facts(self, facts: tuple[float, float, bool, bool, str]) -> None:
        created, updated, email, phone, status = facts
        self._created.append(created)
        self._updated.append(updated)
        self._has_email.append(email)
        self._has_phone.append(phone)
        self._status.append(status)

    def _set_facts(self, pos: int, facts: tuple[float, float, bool, bool, str]) -> None:
        self.parse_times()   # a position's time set now must not be overwritten by its old text later
        (self._created[pos], self._updated[pos], self._has_email[pos], self._has_phone[pos],
         self._status[pos]) = facts
        if pos < len(self._mask) and self._mask_filters is not None:
            self._mask[pos] = self._mask_from(self._mask_filters, pos, pos + 1)[0]

    def _pack(self) -> None:
        # Keys made while pages were parsed lie scattered among those pages' objects; a search
        # reads every key, and reading them side by side (copied in one go) is a fifth to a
        # third faster at 100,000 customers than chasing them through memory.
        start = self._packed
        block = self._keys[start:]
        text = "".join(block)
        ends = list(accumulate(map(len, block)))
        self._keys[start:] = [text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        self._packed = len(self._keys)
        # Phone keys are left where they are: most are the customer's own phone string, shared.

    def remove(self, customer_ids: Iterable[str]) -> list[int]:
        """Forget customers by id; returns the positions that became holes."""
        removed: list[int] = []
        for customer_id in customer_ids:
            pos = self._positions.pop(customer_id, None)
            if pos is not None:
                if self._customers[pos] is _UNREAD:
                    self._unread -= 1
                self._customers[pos] = None
                self._ids[pos] = ""
                self._decoded.pop(pos, None)
                self._keys[pos] = self._phone_keys[pos] = ""
                self._name_leads[pos] = False
                self._set_facts(pos, (float("nan"), float("nan"), False, False, ""))
                if pos < len(self._mask):
                    self._mask[pos] = False
                for keys in self._sort_keys.values():
                    keys[pos] = None
                removed.append(pos)
        if removed:
            self._notify([], [], removed)
        return removed

    def clear(self) -> None:
        removed = list(self._positions.values())
        self._customers.clear()
        self._unread = 0
        self._ids.clear()
        self._decoded.clear()
        self._keys.clear()
        self._phone_keys.clear()
        del self._name_leads[:]
        self._packed = 0
        self._positions.clear()
        self._sort_keys.clear()
        for facts in (self._created, self._updated, self._has_email, self._has_phone, self._status, self._mask):
            del facts[:]
        self._unparsed.clear()
        self._mask_filters = None
        if removed:
            self._notify([], [], removed)

    def _notify(self, added: list[int], changed: list[int], removed: list[int]) -> None:
        for listener in list(self._listeners):
            listener(added, changed, removed)
        self._read_yet()   # a removal or an update may have taken the last unread row

    # -- searching and sorting ----------------------------------------------------------------
    def matching(self, query: str, within: Iterable[int] | None = None, *, ascending: bool = False) -> list[int]:
        """Live positions (from `within`, in its order, else all) whose key holds every token.

        `ascending` says `within` is in load order, so its keys can be read one by one in memory
        order; otherwise many positions are looked up by scanning every key.
        """
        terms = _search_terms(query)
        customers = self._customers
        if within is None:
            within = range(len(customers))
        if not terms:
            return [p for p in within if customers[p] is not None]
        positions: Sequence[int] = within if isinstance(within, list | range) else list(within)
        found: list[int] = []
        for forms in terms:  # each term narrows the positions the next one looks at
            hits = self._hits(forms[0], positions, ascending)
            for form in forms[1:]:
                hits = map(or_, list(hits), self._hits(form, positions, ascending))
            positions = found = list(compress(positions, hits))
        return found

    def _hits(self, token: str, positions: Sequence[int], ascending: bool) -> Iterable[bool]:
        """Whether each of `positions` holds `token` in its keys (holes have empty keys)."""
        # map/compress keep the per-row loop in C: about three times faster than a comprehension.
        if token.strip(_PHONE_CHARS):
            return self._hits_in(self._keys, token, positions, ascending)  # not in any phone part
        return map(or_, self._hits_in(self._keys, token, positions, ascending),
                   self._hits_in(self._phone_keys, token, positions, ascending))

    def shown(self, positions: Sequence[int], text: str, filters: CustomerFilters, *,
              in_load_order: bool) -> list[int]:
        """The positions among `positions` passing `filters` and matching `text`: the table's rows."""
        if filters.active:
            passed = self.passing(filters, positions)
            if not text:
                return passed
            positions = passed
        elif not text:
            return list(positions)
        if in_load_order and len(positions) == self.capacity:
            # Every position in load order: as a range, the keys are scanned without picking.
            return self.matching(text, range(len(positions)))
        return self.matching(text, positions, ascending=in_load_order)

    def prefers_full_scan(self, count: int) -> bool:
        """Whether searching `count` positions costs more than reading every key in memory order."""
        return count > _SCAN_ALL_SHARE * len(self._keys)

    def _hits_in(self, keys: list[str], token: str, positions: Sequence[int], ascending: bool) -> Iterable[bool]:
        if positions == range(len(keys)):
            return map(contains, keys, repeat(token))
        if not ascending and self.prefers_full_scan(len(positions)):
            hit = list(map(contains, keys, repeat(token)))  # in load order, then picked
            return map(hit.__getitem__, positions)
        return map(contains, map(keys.__getitem__, positions), repeat(token))

    # -- filtering ----------------------------------------------------------------------------
    def filter_mask(self, filters: CustomerFilters) -> Sequence[bool]:
        """Per position, whether the customer there passes `filters` (holes never do).

        Kept for the last filters asked for and brought up to date as customers come and change,
        so a page arriving while a filter is on costs only its own customers.
        """
        if filters != self._mask_filters:
            self._mask_filters = filters
            self._mask = self._mask_from(filters, 0, len(self._customers))
        elif len(self._mask) < len(self._customers):
            self._mask += self._mask_from(filters, len(self._mask), len(self._customers))
        return self._mask

    def _mask_from(self, filters: CustomerFilters, start: int, end: int) -> list[bool]:
        # Whole columns at a time through map() over C functions: no Python call per customer.
        self.parse_times()
        parts: list[Iterable[bool]] = []
        for first, last, times in ((filters.created_from, filters.created_to, self._created),
                                   (filters.updated_from, filters.updated_to, self._updated)):
            if first or last:
                low, high = day_bounds(first, last)
                values = times[start:end]
                parts.append(map(and_, map(le, repeat(low), values), map(gt, repeat(high), values)))
        if filters.has_email:
            parts.append(self._has_email[start:end])
        if filters.has_phone:
            parts.append(self._has_phone[start:end])
        if filters.status is not None:
            parts.append(map(eq, self._status[start:end], repeat(filters.status)))
        alive = map(is_not, self._customers[start:end], repeat(None))
        mask: Iterable[bool] = alive
        for part in parts:
            mask = map(and_, mask, part)
        return list(mask)

    def passing(self, filters: CustomerFilters, positions: Sequence[int]) -> list[int]:
        """Those of `positions` (in their order) whose customers pass `filters`."""
        mask = self.filter_mask(filters)
        if positions == range(len(mask)):
            return list(compress(positions, mask))
        return list(compress(positions, map(mask.__getitem__, positions)))

    def status_values(self) -> list[str]:
        """The distinct values of the status field among the loaded customers ("" for none), sorted."""
        present = set(compress(self._status, map(is_not, self._customers, repeat(None))))
        return sorted(present, key=fold)

    def sort_keys(self, column: str) -> list[SortKey]:
        """Sort keys for `column` by position, None where empty (cached; kept current on every change)."""
        keys = self._sort_keys.get(column)
        if keys is None:
            keys = self._name_sort_keys() if column == "name" else self._column_sort_keys(column)
            self._sort_keys[column] = keys
        return keys

    def _column_sort_keys(self, column: str) -> list[SortKey]:
        customers = self._customers
        if not set(map(type, customers)) & {str, type(None)}:   # customers only (no documents, no holes)
            keys = text_sort_keys(customers, self.getter(column))
            if keys is not None:
                return keys
        return sort_keys_of(self._column_values(column))

    def _column_values(self, column: str) -> list[Any]:
        """The column's value of every position (None at holes); kept documents read lightly where they can be."""
        self._read_unread()
        customers = self._customers
        get = self.getter(column)
        if not set(map(type, customers)) & {str, type(None)}:
            return list(map(get, cast(list[Customer], customers)))   # customers only: no Python call each
        light = self._document_getter(column)
        return [None if c is None else get(c) if type(c) is not str  # type: ignore[arg-type]
                else light(c) if light is not None else get(self.at(p)) for p, c in enumerate(customers)]

    def _document_getter(self, column: str) -> Callable[[str], Any] | None:
        """The column's value read straight from a kept document, where that is cheaper than decoding
        the customer (a plain field, an address part); None: decode it."""
        if column in self._derived:
            return None
        from console.store.documents import field_reader

        if column.startswith(ADDRESS_PREFIX):
            read_address = field_reader("address")
            part = column[len(ADDRESS_PREFIX):]
            return None if read_address is None else lambda document: getattr(read_address(document), part, None)
        return field_reader(column)

    def _name_sort_keys(self) -> list[SortKey]:
        # Most names lead their text keys, folded already: cut there, in C, rather than make each
        # name and fold it again (three quarters of a first sort by name at 100,000 customers).
        keys: list[SortKey] = list(map(itemgetter(0), map(str.partition, self._keys, repeat(_SEP))))
        others = list(compress(range(len(keys)), map(not_, self._name_leads)))
        self._read_unread(others)
        for pos in others:
            keys[pos] = None if self._customers[pos] is None else sort_key(self._name(self.at(pos)))
        return keys

    def sorted_positions(self, positions: list[int], column: str, descending: bool) -> list[int]:
        """`positions` ordered by `column`; empty values stay last in either direction.

        Ties keep the order of `positions` ascending and come reversed descending (the ascending
        order, turned round).
        """
        times = self._times_of(column)
        if times is not None:
            self.parse_times()
        # The created and updated times are kept as seconds already (for the filters): no keys to make.
        return sorted_by(positions, self.sort_keys(column) if times is None else times, descending)

    def add_kept(self, kept: KeptColumns) -> bool:
        """Kept rows of the workspace as columns (kept_columns.py), after those held: what `add_local`
        does with their `StoredRow`s, a column at a time. False, adding nothing, where `add_local` must
        decode them: the tag is not this index's, derived fields are set, or an id is held already."""
        if kept.tag != self.keys_tag or self._derived:
            return False
        if kept.documents is None and (set(self._sort_keys) - {"name"} or self.document_source is None):
            return False   # a column sorted by needs every document; unread ones could not be read on demand
        first, positions = len(self._customers), self._positions
        held = len(positions)
        # Added first and counted after: asking first whether any id is held looked every id up once more
        # (a third of the event loop's time taking a warm start's batches, P9).
        positions.update(zip(kept.ids, range(first, first + len(kept)), strict=True))
        if len(positions) != held + len(kept):   # an id held already, or twice in the batch
            self._take_back(kept.ids, first)
            return False
        added = list(range(first, first + len(kept)))
        if kept.documents is None:
            self._customers.extend(repeat(_UNREAD, len(kept)))
            self._unread += len(kept)
        else:
            self._customers.extend(kept.documents)
        self._ids.extend(kept.ids)
        self._keys.extend(kept.texts)
        self._phone_keys.extend(kept.phone_keys)
        self._name_leads.extend(kept.name_leads)
        if isinstance(kept.created, str):   # texts: parsed once every row is searchable
            self._unparsed.append((len(self._created), len(kept), kept.created, cast(str, kept.updated)))
            self._created.extend(_NANS * len(kept))
            self._updated.extend(_NANS * len(kept))
        else:
            self._created.extend(cast(array, kept.created))
            self._updated.extend(cast(array, kept.updated))
        self._has_email.extend(kept.has_email)
        self._has_phone.extend(kept.has_phone)
        self._status.extend(kept.statuses)
        for column, keys in self._sort_keys.items():   # a column sorted while the rows come in
            if column == "name":   # as _name_sort_keys makes them
                start = len(keys)
                keys += map(itemgetter(0), map(str.partition, kept.texts, repeat(_SEP)))
                others = list(compress(added, map(not_, kept.name_leads)))
                self._read_unread(others)
                for pos in others:
                    keys[start + pos - first] = sort_key(self._name(self.at(pos)))
            else:
                get = self.getter(column)
                keys += [sort_key(get(self.at(pos))) for pos in added]
        if self._packed == first:
            self._packed = len(self._keys)   # they came side by side (kept_columns.py)
        elif len(self._keys) - self._packed >= _PACK_BLOCK:
            self._pack()
        self._notify(added, [], [])
        return True

    def _take_back(self, customer_ids: list[str], first: int) -> None:
        """Undo `add_kept`'s positions of `customer_ids` (all at `first` or after): the held ones get theirs
        back, in place (so `ids` keeps load order), the others go."""
        positions, wanted = self._positions, set(customer_ids)
        # A removed row's id is "" (see `remove`), so those found here are the held ones.
        for pos in compress(range(first), map(wanted.__contains__, self._ids)):
            positions[self._ids[pos]] = pos
            wanted.discard(self._ids[pos])
        for customer_id in wanted:
            del positions[customer_id]

    def fill_documents(self, customer_ids: Iterable[str], documents: dict[str, str]) -> None:
        """The documents (by id) of kept rows added with their keys alone (`add_kept`); a customer read on
        demand meanwhile, replaced or removed keeps what it holds."""
        customers, positions = self._customers, self._positions
        filled = 0
        for customer_id in customer_ids:
            pos = positions.get(customer_id)
            if pos is not None and customers[pos] is _UNREAD and (document := documents.get(customer_id)):
                customers[pos] = document
                filled += 1
        self._unread -= filled
        self._read_yet()

    def parse_times(self, runs: int | None = None) -> bool:
        """Parse the created and updated times of kept rows added with them as texts: the oldest `runs`
        of them (None: all). Returns whether any are left."""
        done = self._unparsed[:runs] if runs is not None else self._unparsed
        for start, count, created, updated in done:
            self._created[start:start + count] = parsed_times(created)
            self._updated[start:start + count] = parsed_times(updated)
        del self._unparsed[:len(done)]
        return bool(self._unparsed)

    @property
    def unread(self) -> int:
        """Kept rows whose documents are not read yet."""
        return self._unread

    def reads_documents(self, column: str) -> bool:
        """Whether sorting by `column` now would read every unread row's document (its values are not in
        the keys, and its sort keys are not made yet); `when_read` says when it would not."""
        return (bool(self._unread) and column != "name" and column not in self._sort_keys
                and self._times_of(column) is None)

    def _times_of(self, column: str) -> array[float] | None:
        """The created or updated times, where `column` is one of them (and no derived field of that name)."""
        return self._times.get(column) if column not in self._derived else None

    def when_read(self, callback: Callable[[], object]) -> None:
        """Call `callback` once no row waits for its document (at once when none does): what needs them
        all waits for the loader's rather than reading them on the event loop's thread."""
        if self._unread:
            self._when_read.append(callback)
        else:
            callback()

    def _read_yet(self) -> None:
        if not self._unread and self._when_read:
            waiting, self._when_read = self._when_read, []
            for callback in waiting:
                callback()

    def _read_unread(self, positions: Iterable[int] | None = None) -> None:
        """Read the documents of these positions (None: all) that are unread, through `document_source`."""
        if not self._unread:
            return
        customers = self._customers
        if positions is None:
            positions = compress(range(len(customers)), map(is_, customers, repeat(_UNREAD)))
        wanted = [pos for pos in positions if customers[pos] is _UNREAD]
        if not wanted:
            return
        if self.document_source is None:
            raise LookupError("kept customers whose documents were not read")
        documents = self.document_source([self._ids[pos] for pos in wanted])
        for pos in wanted:
            document = documents.get(self._ids[pos])
            if document is None:
                raise LookupError(f"customer {self._ids[pos]} is no longer in the workspace")
            if customers[pos] is _UNREAD:   # another thread may have read it meanwhile
                customers[pos] = document
                self._unread -= 1
        self._read_yet()


def when_all_read(indexes: Sequence[CustomerIndex], callback: Callable[[], object]) -> None:
    """Call `callback` once none of `indexes` has a row waiting for its document (`CustomerIndex.when_read`)."""
    waiting = [index for index in indexes if index.unread]
    left = [len(waiting)]
    counting = threading.Lock()   # each index calls back on whichever thread read its last document

    def one_read() -> None:
        with counting:
            left[0] -= 1
            last = not left[0]
        if last:
            callback()
    for index in waiting:
        index.when_read(one_read)
    if not waiting:
        callback()
