"""Finding entities by name as a reader types it: pure functions over (subject, name) pairs.

A name matches when every word of the query is found in it after both are folded the same way:
- case (`casefold`) and compatibility forms (full-width digits, ligatures: NFKD);
- diacritics ("Curaçao", "Объединенные" for Объединённые), by dropping combining marks;
- apostrophes of any kind (`'`, `’`, `ʼ`, `‘`, `` ` ``) are dropped, so "Chang’e 4" pasted from news copy,
  "chang'e 4" and "CHANGE 4" all find Chang'e 4 (romanised Chinese writes the apostrophe only to split
  syllables; readers often leave it out);
- any other punctuation separates words: "Chang'e-4" reads as "change 4", "Луна-25" as "луна 25".
Chinese has no spaces between words, so a Chinese query word matches anywhere inside a name (嫦娥 finds
嫦娥四号). Russian names are inflected and the ISO names are formal ("Российская Федерация"), so a
Cyrillic word of five letters or more also matches, ranked lower, a name word that starts with its stem
(its last one or two vowels dropped): "Россия" finds Российская Федерация, "Китая" finds Китай.

Numbers match whole words only: "Chang'e 4" finds neither Chang'e 40 nor a name with "2024" in it.
Ranks, best first: the whole name equals the query; the name starts with it; every word starts a word of
the name; every word is inside the name; a Russian stem matches. Within a rank, shorter names first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_WORDS = 6
MAX_QUERY = 200

EXACT, PREFIX, WORD_STARTS, INSIDE, STEM = range(5)

_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u2032\u0060\u00b4\u201b\uff07"
_DROPPED = str.maketrans("", "", _APOSTROPHES)
_CYRILLIC_ENDINGS = "аяоеуюыиьй"


# ASCII text folds by one table: NFKD and combining marks leave it as it is, casefold is lower case,
# and only letters and digits are alphanumeric (the build folds every name: 1.9 s → 0.2 s at 1M).
_ASCII_FOLD = str.maketrans(
    {c: None if c in _APOSTROPHES else c.lower() if c.isalnum() else " " for c in map(chr, range(128))}
)


def fold(text: str) -> str:
    """The form both a query and a name are compared in: lower case, no diacritics, no apostrophes,
    words separated by single spaces."""
    if text.isascii():
        return " ".join(text.translate(_ASCII_FOLD).split())
    return fold_unicode(text)


def fold_unicode(text: str) -> str:
    """`fold` for any text."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DROPPED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    spaced = "".join(c if c.isalnum() else " " for c in bare.translate(_DROPPED))
    return " ".join(spaced.split())


def query_words(query: str) -> tuple[str, ...]:
    """The folded words of a query, at most MAX_WORDS of them (the rest is ignored)."""
    return tuple(fold(query[:MAX_QUERY]).split()[:MAX_WORDS])


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


def stem(word: str) -> str | None:
    """A Russian word's stem (its last one or two vowels dropped), or None."""
    if len(word) < 5 or not _is_cyrillic(word):
        return None
    root = word
    for _ in range(2):
        if len(root) > 4 and root[-1] in _CYRILLIC_ENDINGS:
            root = root[:-1]
    return root if root != word else None


def _found(word: str, name_words: list[str], folded_name: str, *, at_start: bool) -> bool:
    """Whether one query word is in the name: a number only as a whole word ("4" is not in "2024"),
    other words at the start of a name word or, unless `at_start`, anywhere in the name."""
    if word.isdigit():
        return word in name_words
    if at_start:
        return any(n.startswith(word) for n in name_words)
    return word in folded_name


def rank(words: tuple[str, ...], folded_name: str) -> int | None:
    """How well a folded name matches the folded query words (lower is better), or None."""
    if not words or not folded_name:
        return None
    query = " ".join(words)
    if folded_name == query:
        return EXACT
    # "luna 2" is not the start of "luna 25": a query ending in a number ends at a word boundary.
    if folded_name.startswith(query) and (not query[-1].isdigit() or folded_name[len(query)] == " "):
        return PREFIX
    name_words = folded_name.split()
    if all(_found(w, name_words, folded_name, at_start=True) for w in words):
        return WORD_STARTS
    if all(_found(w, name_words, folded_name, at_start=False) for w in words):
        return INSIDE
    stems = [stem(w) for w in words]
    if all(
        _found(w, name_words, folded_name, at_start=False)
        or (s is not None and any(n.startswith(s) for n in name_words))
        for w, s in zip(words, stems, strict=True)
    ):
        return STEM
    return None


@dataclass(frozen=True)
class Name:
    """One name of one subject, as the data gives it."""

    subject: str
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Hit:
    subject: str
    name: Name  # the name that matched best
    rank: int


@dataclass(frozen=True)
class NameIndex:
    """Names folded once (per store), searched many times."""

    entries: tuple[tuple[str, Name], ...]

    @classmethod
    def of(cls, names: Iterable[Name]) -> NameIndex:
        return cls(tuple((fold(n.text), n) for n in names))

    def search(self, query: str) -> list[Hit]:
        """Every subject with a matching name, best first (then shorter name, then alphabetical)."""
        words = query_words(query)
        if not words:
            return []
        best: dict[str, tuple[int, int, str, Name]] = {}
        for folded, name in self.entries:
            found = rank(words, folded)
            if found is None:
                continue
            key = (found, len(folded), folded, name)
            current = best.get(name.subject)
            if current is None or key[:3] < current[:3]:
                best[name.subject] = key
        ordered = sorted(best.items(), key=lambda item: (*item[1][:3], item[0]))
        return [Hit(subject, key[3], key[0]) for subject, key in ordered]
