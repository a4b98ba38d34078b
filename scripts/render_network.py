"""Render the ILRS membership network from the built GraphML export into a PNG.

    python scripts/render_network.py [--graphml build/dumps/ilrs.graphml]
                                     [--output docs/membership-network.png]

Reads only the GraphML file (as any NetworkX user would), so it shows what the export carries: members
joined to the programme by `memberOf` claim edges, coloured by the earliest year a source gives, and the
agents involved short of membership (`involvedIn`). Needs networkx and matplotlib.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.lines import Line2D

from ilrs_kg.settings import Settings


def _earliest_years(graph: nx.MultiDiGraph, programme: str) -> dict[str, int | None]:
    years: dict[str, list[int]] = defaultdict(list)
    for source, target, data in graph.edges(data=True):
        if target == programme and data.get("type") == "memberOf" and "claim" in data:
            years.setdefault(source, [])  # a member whose claims give no date still counts
            if "startYear" in data:
                years[source].append(int(data["startYear"]))
    return {member: min(found) if found else None for member, found in years.items()}


def _involved(graph: nx.MultiDiGraph, programme: str, members: set[str]) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = defaultdict(list)
    for source, target, data in graph.edges(data=True):
        if target == programme and data.get("type") == "involvedIn" and source not in members:
            role = str(data.get("involvementRole", "involved"))
            if role not in roles[source]:
                roles[source].append(role)
    return roles


def render(graphml: Path, output: Path) -> tuple[int, int]:
    graph = nx.read_graphml(graphml)
    programme = next(n for n, d in graph.nodes(data=True) if d.get("type") == "Programme")
    members = _earliest_years(graph, programme)
    involved = _involved(graph, programme, set(members))

    fig, ax = plt.subplots(figsize=(13, 13), dpi=110)
    ax.set_aspect("equal")
    ax.axis("off")
    years = sorted({y for y in members.values() if y is not None})
    cmap = plt.get_cmap("viridis", max(len(years), 1))
    colour = {year: cmap(i) for i, year in enumerate(years)}

    positions = {programme: (0.0, 0.0)}
    ordered = sorted(members, key=lambda m: (members[m] or 9999, graph.nodes[m]["label"]))
    for i, member in enumerate(ordered):
        angle = math.pi / 2 - 2 * math.pi * i / len(ordered)
        positions[member] = (math.cos(angle), math.sin(angle))
    outer = sorted(involved, key=lambda a: graph.nodes[a]["label"])
    for i, agent in enumerate(outer):
        angle = math.pi / 2 - 2 * math.pi * (i + 0.5) / max(len(outer), 1)
        positions[agent] = (1.55 * math.cos(angle), 1.55 * math.sin(angle))

    for agent in outer:
        (x, y), (px, py) = positions[agent], positions[programme]
        ax.plot([x, px], [y, py], color="#b0b0b0", linestyle=(0, (3, 3)), linewidth=0.9, zorder=1)
    for member in ordered:
        (x, y), year = positions[member], members[member]
        ax.plot(
            [x, 0], [y, 0], color=colour.get(year, "#888888") if year else "#888888", linewidth=2.2, zorder=2
        )

    for member in ordered:
        x, y = positions[member]
        data = graph.nodes[member]
        shape = "o" if data["type"] == "Country" else "s"
        year = members[member]
        ax.scatter(
            [x],
            [y],
            s=260,
            marker=shape,
            color=colour.get(year, "#888888") if year else "#888888",
            edgecolors="black",
            linewidths=0.8,
            zorder=3,
        )
        text = f"{data['label']}\n{year if year else 'year not given'}"
        ax.text(x * 1.13, y * 1.13, text, ha="center", va="center", fontsize=10, zorder=4)
    for agent in outer:
        x, y = positions[agent]
        data = graph.nodes[agent]
        shape = "o" if data["type"] == "Country" else "s"
        ax.scatter([x], [y], s=110, marker=shape, color="white", edgecolors="#666666", linewidths=1, zorder=3)
        ax.text(
            x * 1.1,
            y * 1.1,
            f"{data['label']}\n({', '.join(involved[agent])})",
            ha="center",
            va="center",
            fontsize=8,
            color="#444444",
            zorder=4,
        )
    ax.scatter([0], [0], s=1400, color="#c0392b", edgecolors="black", zorder=3)
    ax.text(
        0, -0.13, graph.nodes[programme]["label"], ha="center", va="top", fontsize=12, weight="bold", zorder=4
    )

    handles = [Line2D([0], [0], color=colour[y], linewidth=3, label=f"member since {y}") for y in years]
    handles += [
        Line2D(
            [0],
            [0],
            marker="o",
            color="white",
            markerfacecolor="#dddddd",
            markeredgecolor="black",
            markersize=10,
            label="country",
        ),
        Line2D(
            [0],
            [0],
            marker="s",
            color="white",
            markerfacecolor="#dddddd",
            markeredgecolor="black",
            markersize=10,
            label="organization",
        ),
        Line2D([0], [0], color="#b0b0b0", linestyle=(0, (3, 3)), label="involved, not a member"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=10, frameon=False)
    ax.set_title(
        f"ILRS membership network: {len(members)} members, {len(outer)} other participants\n"
        "(earliest year any source gives; from the GraphML export)",
        fontsize=14,
    )
    ax.set_xlim(-2.0, 2.0)
    ax.set_ylim(-2.0, 2.0)
    fig.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output)
    plt.close(fig)
    return len(members), len(outer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphml", type=Path, default=Settings().dumps_dir / "ilrs.graphml")
    parser.add_argument("--output", type=Path, default=Path("docs") / "membership-network.png")
    args = parser.parse_args()
    if not args.graphml.is_file():
        parser.error(f"{args.graphml} does not exist: run `ilrs-kg build` (or `ilrs-kg export --format all`)")
    members, others = render(args.graphml, args.output)
    print(f"wrote {args.output}: {members} members, {others} other participants")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
