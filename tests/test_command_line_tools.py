"""The app's entry point tells a command-line tool from the window by its first word."""

from __future__ import annotations

import pytest

from console.app import command_arguments


@pytest.mark.parametrize(("argv", "expected"), [
    (["export", "--account", "A", "out.csv"], ("export", ["--account", "A", "out.csv"])),
    (["--config-dir", "/c", "import", "f.csv"], ("import", ["--config-dir", "/c", "f.csv"])),
    (["--config-dir=/c", "find-duplicates"], ("find-duplicates", ["--config-dir=/c"])),
    (["team-sql", "--grants"], ("team-sql", ["--grants"])),
    ([], None),
    (["--config-dir", "/c"], None),
    (["--screenshot", "s.png"], None),
    (["--config-dir", "/c", "--screenshot", "s.png", "export"], None),
])
def test_config_dir_may_come_before_the_tool_name(argv: list[str],
                                                  expected: tuple[str, list[str]] | None) -> None:
    assert command_arguments(argv) == expected


def test_team_sql_prints_the_setup_then_the_grants(capsys: pytest.CaptureFixture[str]) -> None:
    from console.services.team_sql_cli import main
    from console.store.team_roles import TeamRoles, grant_statements, setup_statements

    assert main(["--database", "shop_team", "--staff", "clerks"]) == 0
    setup = capsys.readouterr().out
    assert setup.splitlines() == [s + ";" for s in setup_statements("shop_team", TeamRoles(staff="clerks"))]
    assert 'ALTER DATABASE "shop_team" OWNER TO "console_owner";' in setup and '"clerks"' in setup
    assert main(["--grants"]) == 0
    grants = capsys.readouterr().out
    assert grants.splitlines() == [s + ";" for s in grant_statements()]
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "public".journal FROM "console_staff";' in grants
