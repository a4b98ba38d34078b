"""One colour per join year, the same on the world map and the timeline.

The colours are viridis (matplotlib's, here nine stops of it, interpolated between): perceptually uniform,
monotone in lightness, and readable with the common colour-vision deficiencies and in greyscale, so the
order of the years still shows when hue does not. Earlier years are darker. The scale stops short of
viridis's lightest greens and yellow, which sit too close in lightness to the map's pale grey for
countries that are no members (world_map.OTHERS).
"""

from __future__ import annotations

from collections.abc import Iterable

VIRIDIS = (
    "#440154",
    "#472d7b",
    "#3b528b",
    "#2c728e",
    "#21918c",
    "#28ae80",
    "#5ec962",
    "#addc30",
    "#fde725",
)
# The lightest point of the scale used, as a fraction of viridis.
LIGHTEST = 0.8
# Members a source gives no date for.
UNDATED = "#8c8c8c"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def viridis(fraction: float) -> str:
    """The viridis colour at `fraction` (0 dark purple … 1 yellow), linear between the stops."""
    position = min(max(fraction, 0.0), 1.0) * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    share = position - low
    start, end = _rgb(VIRIDIS[low]), _rgb(VIRIDIS[low + 1])
    mixed = (round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def year_colours(years: Iterable[int]) -> dict[int, str]:
    """A colour for each distinct year, spread evenly over the scale by rank (not by distance in time),
    so that two neighbouring years are as easy to tell apart as the first and the second; one year alone
    takes the middle of the scale."""
    distinct = sorted(set(years))
    if len(distinct) == 1:
        return {distinct[0]: viridis(LIGHTEST / 2)}
    step = LIGHTEST / max(len(distinct) - 1, 1)
    return {year: viridis(rank * step) for rank, year in enumerate(distinct)}
