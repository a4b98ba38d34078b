"""How wide a label will be, estimated without a font: enough to keep labels inside their room.

The server draws SVG without knowing which font the reader's browser picks, so widths are estimated per
character class, on the generous side (a wide sans-serif's), and a label that might not fit is cut with an
ellipsis; the whole text stays in its tooltip.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"


def text_width(text: str, size: float) -> float:
    """An upper estimate of `text`'s width at font size `size`, in the same units."""
    em = 0.0
    for char in text:
        if ord(char) >= 0x2E80:  # CJK ideographs and kana: a full em
            em += 1.0
        elif char.isupper() or char in "mwMW@%":
            em += 0.72
        elif char.isdigit():
            em += 0.6
        elif char.isalpha():
            em += 0.58
        elif char == " ":
            em += 0.3
        else:
            em += 0.4
    return em * size


def fit(text: str, width: float, size: float) -> str:
    """`text`, cut with an ellipsis where it would be wider than `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + ELLIPSIS, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS
