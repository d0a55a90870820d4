"""Text folded for matching and ordering as people read it: case and accents set aside.

"elodie" finds "Élodie", and "Åsa" sorts among the A's, whatever the computer's language.
"""

from __future__ import annotations

import unicodedata

# Combining marks left after NFKD decomposition (é -> e + U+0301): the diacritical-mark blocks,
# listed rather than found by scanning every code point (a quarter second at start-up). Then the
# Latin letters that do not decompose but that people type without their stroke or ligature.
_MARK_BLOCKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
_STRIP: dict[int, str | None] = dict.fromkeys(c for low, high in _MARK_BLOCKS for c in range(low, high + 1))
_STRIP.update({ord("ø"): "o", ord("đ"): "d", ord("ł"): "l", ord("ħ"): "h", ord("ı"): "i",
               ord("æ"): "ae", ord("œ"): "oe", ord("þ"): "th", ord("ð"): "d"})


def fold(text: str) -> str:
    """`text` case-folded and without accents; ASCII text costs only the case-fold."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    plain = unicodedata.normalize("NFKD", folded).translate(_STRIP)
    # A compatibility character can decompose to a capital (𝛢 to Α): fold what that gives.
    return plain if plain == plain.casefold() else fold(plain)
