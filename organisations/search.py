"""Search text that works the same on every database: case and Polish letters folded in Python.

``icontains`` depends on the database: SQLite folds only ASCII letters, and PostgreSQL folds
according to the database's locale. Two folded copies of the name are written on save:

- ``name_folded``: lower case, Polish letters kept — “ŁÓDŹ” finds “Śląska Łódź” but not “Młodzież”;
- ``name_ascii``: also without diacritics — for a query typed without Polish letters, so that
  “lodz” finds “Łódź” (and “Młodzież”: the person did not say which they meant).

``name_ascii`` is also the sort key: it puts “Łódź” among the L's, as Polish readers expect.
"""

import unicodedata

# Letters NFKD does not decompose into a base letter and a diacritic.
_SEPARATE_LETTERS = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold_case(text):
    """Lower case, single-spaced, Polish letters kept."""
    return " ".join(unicodedata.normalize("NFC", (text or "").casefold()).split())


def fold(text):
    """Lower case, single-spaced, without diacritics."""
    text = unicodedata.normalize("NFKD", fold_case(text).translate(_SEPARATE_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c))


def name_search_filter(query):
    """The lookup finding ``query`` in a name: with diacritics only if the query has any."""
    folded = fold_case(query)
    ascii_ = fold(query)
    if folded == ascii_:
        return {"name_ascii__contains": ascii_}
    return {"name_folded__contains": folded}
