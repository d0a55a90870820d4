"""Which rows a next letter typed after the search would bring to the top: the rows a keystroke of a
rare narrowing shows ("sm" after "s") come from far below the first few hundred, where laying out
ahead (ui/layout_ahead.py) had not reached, and each new row cost its paint its decoding and its
texts' layout (P8b in benchmarks/run.py).

A row shown for `query` is shown for `query` and a letter exactly when its search keys hold the last
term followed by that letter (the other terms match already); with the field empty, when they hold
the letter anywhere. So the rows are read in the order shown, and a row is wanted when it is among
the first `screenful` of one of those letters: every next letter's screenful in one reading, without
a search for each.
"""

from __future__ import annotations

from console.domain.text_folding import fold

# A space starts a new term (the rows stay the same); "\x1f" parts a key's fields (customer_index.py).
_NO_LETTERS = frozenset(" \t\n\x1f\x1e")


class NextLetters:
    """Counts, letter by letter, the rows a next letter would show at the top, read in the order shown."""

    def __init__(self, query: str, screenful: int) -> None:
        terms = fold(query).split()
        self.term = terms[-1] if terms else ""
        self.screenful = screenful
        self.counts: dict[str, int] = {}   # letter -> rows found for it so far

    def wanted(self, *keys: str) -> bool:
        """Whether the row of these search keys is among the first `screenful` of a letter it has after
        the last term, or anywhere with no term (counted: call once per row, in the order shown)."""
        term, counts, screenful = self.term, self.counts, self.screenful
        letters: set[str] = set()
        if not term:   # the field empty: a first letter shows the rows holding it anywhere
            letters.update(*keys)
        else:
            for key in keys:
                at = key.find(term)
                while at >= 0:
                    end = at + len(term)
                    if end < len(key):
                        letters.add(key[end])
                    at = key.find(term, at + 1)
        wanted = False
        for letter in letters.difference(_NO_LETTERS):
            found = counts.get(letter, 0)
            if found < screenful:
                counts[letter] = found + 1
                wanted = True
        return wanted
