"""`customer-console team-sql [--database NAME] [--grants]`: the SQL that sets up a team database's roles.

Without `--grants`: the roles, the database handed to its owner, and who may connect (run once, as the
server's superuser, connected to the new database). With `--grants`: staff's and privacy's rights on the
tables, run after the owner's first start has made them, and again after each upgrade. docs/team-server.md
walks through both. Role names can be changed with --owner, --staff and --privacy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from console.store.team_roles import TeamRoles, grant_statements, setup_statements


def main(argv: Sequence[str]) -> int:
    defaults = TeamRoles()
    parser = argparse.ArgumentParser(prog="customer-console team-sql",
                                     description="Print the SQL that sets up a team workspace database's roles.")
    parser.add_argument("--database", default="console", help="the team database's name (default: console)")
    parser.add_argument("--grants", action="store_true",
                        help="print the table rights instead (after the owner's first start, and after upgrades)")
    parser.add_argument("--owner", default=defaults.owner, help=f"the owner's login (default: {defaults.owner})")
    parser.add_argument("--staff", default=defaults.staff, help=f"the staff group (default: {defaults.staff})")
    parser.add_argument("--privacy", default=defaults.privacy,
                        help=f"the privacy group (default: {defaults.privacy})")
    args = parser.parse_args(list(argv))
    roles = TeamRoles(owner=args.owner, staff=args.staff, privacy=args.privacy)
    statements = grant_statements(roles) if args.grants else setup_statements(args.database, roles)
    sys.stdout.write("".join(f"{statement};\n" for statement in statements))
    return 0
