"""The join-year colour scale (linked_data.year_colours): viridis, by rank, lighter for later years."""

from __future__ import annotations

from ilrs_kg.linked_data.world_map import OTHERS
from ilrs_kg.linked_data.year_colours import LIGHTEST, VIRIDIS, viridis, year_colours


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def test_the_scale_passes_through_the_viridis_stops() -> None:
    assert viridis(0) == VIRIDIS[0] and viridis(1) == VIRIDIS[-1] and viridis(0.5) == VIRIDIS[4]
    assert viridis(-1) == VIRIDIS[0] and viridis(2) == VIRIDIS[-1]


def test_each_year_gets_its_own_colour_lighter_the_later() -> None:
    years = [2024, 2021, 2023, 2021, 2030]
    colours = year_colours(years)
    assert list(colours) == [2021, 2023, 2024, 2030]
    assert len(set(colours.values())) == 4
    # Lightness alone orders the years: readable in greyscale and with any colour-vision deficiency.
    lightness = [_luminance(colours[y]) for y in sorted(colours)]
    assert lightness == sorted(lightness) and lightness[0] < lightness[-1]
    # By rank, not by distance in time: 2023 and 2024 are as far apart as 2024 and 2030.
    assert colours[2021] == viridis(0) and colours[2030] == viridis(LIGHTEST)


def test_one_year_takes_the_middle_and_none_gives_nothing() -> None:
    assert year_colours([2023]) == {2023: viridis(LIGHTEST / 2)}
    assert year_colours([]) == {}


def test_the_lightest_colour_stands_apart_from_the_map_grey() -> None:
    # The latest year must not look like the grey of countries that are no members, even in greyscale.
    grey = _luminance(OTHERS)
    lightest = _luminance(viridis(LIGHTEST))
    assert (grey + 0.05) / (lightest + 0.05) > 1.5
