"""The Equal Earth map projection (Šavrič, Patterson and Jenny, "The Equal Earth map projection",
International Journal of Geographical Information Science 33(3), 2019, doi:10.1080/13658816.2018.1504949).

An equal-area pseudocylindrical projection: every country keeps its true share of the map's area (unlike
Mercator, where Russia dwarfs Africa), parallels are straight, and meridians are curves symmetric about the
central one. Its equations, for longitude λ and latitude φ in radians on the unit sphere:

    θ = asin(√3/2 · sin φ)
    x = 2√3 · λ · cos θ / (3 · (9·A4·θ⁸ + 7·A3·θ⁶ + 3·A2·θ² + A1))
    y = A4·θ⁹ + A3·θ⁷ + A2·θ³ + A1·θ

with A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796. y grows northwards here; a picture
flips it.
"""

from __future__ import annotations

import math

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def project(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees to Equal Earth x, y on the unit sphere (centred on 0° E)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


# The projected extent of the whole sphere: x at ±180° on the equator, y at the poles.
X_MAX = project(180.0, 0.0)[0]
Y_MAX = project(0.0, 90.0)[1]
