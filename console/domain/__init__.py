"""Pure data and rules: customers, changes, capabilities, validation and the error taxonomy.

No I/O and no Qt here; every other layer builds on these types.
"""
