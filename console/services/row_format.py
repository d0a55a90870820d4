"""How a kept row's value is laid out (stored_rows.py): its fields, and what separates them.

Apart from stored_rows.py, which needs the domain, so that a reader splitting values while the app is
still importing (copy_reader.py, kept_columns.py) imports nothing of the domain.
"""

FIELD = "\x1d"   # between the fields of a kept value; a value holding it has too many fields and is not used
FIELDS = 10      # tag, id, text key, phone key, name leads, created, updated, email, phone, status
