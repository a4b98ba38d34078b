"""Vendor Natural Earth's countries (as the world-atlas npm package's TopoJSON) into the Python package,
so the home page's world map is drawn with no network and no build step.

Usage: python scripts/vendor_world_atlas.py           (npm pack, verify, copy into the package)
       python scripts/vendor_world_atlas.py --check   (offline: exit 1 unless the vendored files are the
                                                       pinned ones)
The package is pinned by version and by the registry's integrity hash; the tarball `npm pack` fetches is
hashed again here and refused if it differs. Only countries-110m.json and the package's LICENSE are
copied, with a NOTICE.md saying where they come from and under which terms.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "ilrs_kg" / "linked_data" / "world_atlas"
PACKAGE, VERSION = "world-atlas", "2.0.2"
# `npm view world-atlas@2.0.2 dist.integrity`: the registry's SHA-512 of the tarball.
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
# The files taken from the tarball, each with its SHA-256, so --check needs no network.
FILES = {
    "countries-110m.json": "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8",
    "LICENSE": "8048290dfdb6e83fbed17e8985c8cfc4ce9da9b842642f3d3e497280790cfa31",
}
NOTICE = f"""# Vendored map data

`countries-110m.json` and `LICENSE` are copied unchanged from the npm package
[{PACKAGE}@{VERSION}](https://www.npmjs.com/package/{PACKAGE}/v/{VERSION}) (tarball integrity
`{INTEGRITY}`) by `scripts/vendor_world_atlas.py`; run it again to refresh them, never edit them.

- The shapes are [Natural Earth](https://www.naturalearthdata.com/)'s Admin 0 country boundaries at
  1:110m, version 4.1.0 (as the package's README says). Natural Earth is in the public domain
  ("Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.").
- The TopoJSON conversion is world-atlas's, by Mike Bostock, under the ISC license in `LICENSE`.
- Each country's `id` is its ISO 3166-1 numeric code (three digits, as a string); the map matches our
  countries to them through `ilrs:iso3166Numeric` (from pycountry, `data/iso-3166.trig`).

SHA-256 of the copied files:
""" + "".join(f"- `{name}`: `{digest}`\n" for name, digest in FILES.items())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check() -> list[str]:
    """What differs between the vendored files and the pins (empty when they match)."""
    problems = [
        f"{TARGET / name}: SHA-256 is not {digest}"
        for name, digest in FILES.items()
        if not (TARGET / name).is_file() or _sha256(TARGET / name) != digest
    ]
    notice = TARGET / "NOTICE.md"
    if not notice.is_file() or notice.read_text(encoding="utf-8") != NOTICE:
        problems.append(f"{notice}: not the notice this script writes")
    return problems


def vendor() -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH: it fetches the pinned package from the npm registry")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(  # noqa: S603 (every argument is a constant of this script)
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--silent"],
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
        tarball = Path(tmp) / f"{PACKAGE}-{VERSION}.tgz"
        algorithm, expected = INTEGRITY.split("-", 1)
        actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
        if actual != expected:
            raise SystemExit(f"{tarball}: integrity {algorithm}-{actual} is not the pinned {INTEGRITY}")
        TARGET.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for name, digest in FILES.items():
                # Read the one member by its exact name: nothing else from the archive touches the disk.
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise SystemExit(f"{tarball}: no package/{name}")
                data = member.read()
                if hashlib.sha256(data).hexdigest() != digest:
                    raise SystemExit(f"{tarball}: package/{name} is not the pinned file ({digest})")
                (TARGET / name).write_bytes(data)
    (TARGET / "NOTICE.md").write_text(NOTICE, encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    vendor()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
