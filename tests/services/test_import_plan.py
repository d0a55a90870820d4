"""The import preview: rows checked with the target's rules, matched to existing customers, counted,
and planned as creates and updates of the changed values only."""

from __future__ import annotations

from pathlib import Path

from console.domain.customer import Address, Customer
from console.domain.jobs import OpKind, PlannedOp
from console.providers.registry import provider
from console.services.import_mapping import guess_mapping
from console.services.import_plan import ImportPlanner, MatchKey, RowKind
from console.services.import_reader import ImportTable

SQUARE = provider("square").capabilities
CLOVER = provider("clover").capabilities
PAYARC = provider("payarc").capabilities

CUSTOMERS = [
    Customer(id="c1", given_name="Jane", family_name="Doe", email="Jane.Doe@example.com", phone="+12065550100",
             reference_id="R-1", address=Address(city="Seattle")),
    Customer(id="c2", given_name="Twin", email="twin@example.com", reference_id="R-2"),
    Customer(id="c3", given_name="Twin", email="TWIN@example.com", reference_id="R-3"),
]


def table(headers: tuple[str, ...], *rows: tuple[str, ...]) -> ImportTable:
    return ImportTable(headers=headers, rows=list(rows), row_numbers=list(range(2, 2 + len(rows))))


def planner(t: ImportTable, match: MatchKey = MatchKey.EMAIL, caps: object = SQUARE) -> ImportPlanner:
    return ImportPlanner(caps, t.headers, guess_mapping(t.headers, caps), CUSTOMERS, match)  # type: ignore[arg-type]


HEADERS = ("First name", "Last name", "E-mail", "Phone", "City", "Customer id")


def test_rows_are_counted_and_planned_as_creates_updates_unchanged_and_invalid() -> None:
    t = table(HEADERS,
              ("Ann", "Lee", "ann@example.com", "", "Boston", "x9"),             # new: create
              ("Jane", "Doe", "jane.doe@example.com", "", "Portland", ""),       # same email: city changes
              ("Jane", "Doe", "JANE.DOE@example.com ", "(206) 555-0100", "Seattle", ""),   # repeat of row 3
              ("Bob", "", "not-an-email", "", "", ""),                          # invalid email
              ("", "", "twin@example.com", "", "", ""))                         # matches two customers
    plan = planner(t).plan(t)
    assert [row.kind for row in plan.rows] == [RowKind.CREATE, RowKind.UPDATE, RowKind.INVALID, RowKind.INVALID,
                                               RowKind.INVALID]
    assert plan.counts() == {RowKind.CREATE: 1, RowKind.UPDATE: 1, RowKind.UNCHANGED: 0, RowKind.INVALID: 3}
    assert plan.planned() == [
        PlannedOp(OpKind.CREATE, values={"given_name": "Ann", "family_name": "Lee", "email": "ann@example.com",
                                         "address.city": "Boston"}, label="row 2: Ann Lee"),
        PlannedOp(OpKind.UPDATE, "c1", values={"address.city": "Portland"}, label="row 3: Jane Doe")]
    assert plan.rows[2].row_problem == "Row 3 matches the same customer (c1); import one of them."
    assert list(plan.rows[3].problems) == [2] and "Not a valid email address" in plan.rows[3].problems[2]
    assert plan.rows[3].reasons(plan.headers)[0].startswith("E-mail: Not a valid email address")
    assert "Matches 2 customers (c2, c3)" in (plan.rows[4].row_problem or "")


def test_new_rows_sharing_a_match_key_are_each_created() -> None:
    # The file holds two people at one address (a household): both are created, as the file says.
    t = table(("First name", "Email"), ("Ann", "home@example.com"), ("Ben", "HOME@example.com"))
    assert [row.kind for row in planner(t).plan(t).rows] == [RowKind.CREATE, RowKind.CREATE]


def test_an_unchanged_row_and_a_phone_written_another_way_send_nothing() -> None:
    t = table(("Email", "Phone", "City"), ("jane.doe@example.com", "(206) 555-0100", "Seattle"))
    plan = planner(t).plan(t)
    assert plan.rows[0].kind is RowKind.UNCHANGED and plan.planned() == []


def test_match_by_phone_or_reference_uses_the_normalised_keys() -> None:
    t = table(("Phone", "Note"), ("206.555.0100", "called"))
    plan = planner(t, MatchKey.PHONE).plan(t)
    assert plan.rows[0].kind is RowKind.UPDATE and plan.rows[0].customer_id == "c1"
    t = table(("Reference", "Note"), (" r-2 ", "vip"))
    plan = planner(t, MatchKey.REFERENCE).plan(t)
    assert plan.rows[0].customer_id == "c2" and plan.rows[0].changes == {"note": "vip"}


def test_each_row_is_checked_with_the_target_providers_own_rules() -> None:
    t = table(("Name", "Phone", "Zip"), ("Alan", "+1 206-555-0100", "12345-67890-1"))
    plan = planner(t, caps=PAYARC).plan(t)
    row = plan.rows[0]
    assert row.kind is RowKind.INVALID and set(row.problems) == {1, 2}
    assert "Digits only" in row.problems[1] and "At most 10 characters" in row.problems[2]


def test_a_row_with_none_of_the_required_fields_says_so_and_excluded_rows_are_not_sent() -> None:
    t = table(("Note", "Email"), ("just a note", ""), ("", "new@example.com"))
    plan = planner(t).plan(t)
    assert plan.rows[0].kind is RowKind.INVALID and "at least one of" in plan.rows[0].problems[0]
    assert plan.counts(excluded=[1])[RowKind.CREATE] == 0 and plan.planned(excluded=[1]) == []
    assert len(plan.planned()) == 1


def test_a_field_the_target_sets_only_at_creation_is_flagged_on_an_update() -> None:
    t = table(("Email", "City"), ("jane.doe@example.com", "Portland"))
    row = planner(t, caps=CLOVER).plan(t).rows[0]
    assert row.kind is RowKind.INVALID and "only when a customer is created" in row.problems[1]


def test_rows_written_under_the_export_headers_plan_back_to_the_same_values(tmp_path: Path) -> None:
    import openpyxl

    from console.domain.customer_columns import CORE_COLUMNS, CUSTOMER_ID
    from console.services.import_reader import read_file

    people = [Customer(id="s1", given_name="Zoë", family_name="Ng", email="zoe@example.com", phone="+12065550199",
                       note="line one\nline two", address=Address(line1="1 Main St", city="Seattle", state="WA",
                                                                  postal_code="98101", country="US")),
              Customer(id="s2", company="Acme", email="ops@acme.example")]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([CUSTOMER_ID, *(header for _, header in CORE_COLUMNS)])
    for person in people:
        sheet.append([person.id, *(person.value(key) for key, _ in CORE_COLUMNS)])
    path = tmp_path / "export.xlsx"
    book.save(path)
    t = read_file(path)
    plan = ImportPlanner(CLOVER, t.headers, guess_mapping(t.headers, CLOVER), [], MatchKey.EMAIL).plan(t)
    assert plan.counts()[RowKind.CREATE] == 2
    for op, person in zip(plan.planned(), people, strict=True):
        assert op.kind is OpKind.CREATE
        assert op.values == {key: person.value(key) for key, _ in CORE_COLUMNS
                             if CLOVER.has_field(key) and person.value(key)}


def test_matching_nothing_creates_every_valid_row_even_for_a_customer_already_there() -> None:
    from console.domain.customer import Customer
    from console.providers.clover.capabilities import CAPABILITIES
    from console.services.import_plan import ImportPlanner, MatchKey
    from console.services.import_reader import ImportTable

    there = Customer(id="C1", given_name="Jane", email="jane@example.com")
    table = ImportTable(headers=("First name", "Email"), rows=[("Jane", "jane@example.com"), ("Tom", "tom@x.com")],
                        row_numbers=[2, 3])
    by_email = ImportPlanner(CAPABILITIES, table.headers, ["given_name", "email"], [there]).plan(table)
    assert [row.kind.value for row in by_email.rows] == ["unchanged", "create"]
    nothing = ImportPlanner(CAPABILITIES, table.headers, ["given_name", "email"], [there], MatchKey.NONE).plan(table)
    assert [row.kind.value for row in nothing.rows] == ["create", "create"]


def test_first_and_last_name_are_joined_where_the_target_keeps_one_whole_name() -> None:
    authorize = provider("authorize-net").capabilities
    t = table(("First name", "Last name", "Email"), ("Ada", "Lovelace", "ada@example.com"),
              ("", "Hopper", "grace@example.com"))
    ops = planner(t, caps=PAYARC).plan(t).planned()
    assert [op.values for op in ops] == [{"given_name": "Ada Lovelace", "email": "ada@example.com"},
                                         {"given_name": "Hopper", "email": "grace@example.com"}]
    assert ops[0].label == "row 2: Ada Lovelace"
    ops = planner(t, caps=authorize).plan(t).planned()
    assert [op.values for op in ops] == [{"description": "Ada Lovelace", "email": "ada@example.com"},
                                         {"description": "Hopper", "email": "grace@example.com"}]
    # A description of its own wins over the name parts at Authorize.net.
    t = table(("First name", "Last name", "Description"), ("Ada", "Lovelace", "Analytical Engine Ltd"))
    assert planner(t, caps=authorize).plan(t).planned()[0].values == {"description": "Analytical Engine Ltd"}
    # The joined name is checked with the target's rules (PayArc: at most 50 characters).
    t = table(("First name", "Last name"), ("A" * 30, "B" * 30))
    row = planner(t, caps=PAYARC).plan(t).rows[0]
    assert row.kind is RowKind.INVALID and "50" in row.problems[0]
