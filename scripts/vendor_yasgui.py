"""Vendor the query editor: copy YASGUI's browser build (the pinned @zazuko/yasgui from npm) into
src/ilrs_kg/static/yasgui/, so the package serves it itself: no CDN, and /sparql works offline.

Usage: python scripts/vendor_yasgui.py           (fetches the pinned tarball with `npm pack`, checks it,
                                                  rewrites the vendored files)
       python scripts/vendor_yasgui.py --check   (no network: exits 1 if a vendored file differs from
                                                  what VENDORED.json recorded)

Why vendored rather than built at install time: a pip install must not need Node.js or the npm registry,
and what the site serves should be reviewable in the repository. The tarball's sha512 is compared with
INTEGRITY below (the registry's `dist.integrity` for this version), so a changed or substituted package
is refused rather than shipped. To upgrade: change VERSION and INTEGRITY (`npm view @zazuko/yasgui@X
dist.integrity`), run the script, run tests/test_sparql_editor.py.

The tarball carries no LICENSE file; LICENSE beside the vendored files is the upstream repository's
(MIT, as the package's `license` field says, which the script checks). THIRD-PARTY.txt lists the npm
packages the bundle contains, read from its source map (not shipped).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
INTEGRITY = "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
FILES = ("build/yasgui.min.js", "build/yasgui.min.css")
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "ilrs_kg" / "static" / "yasgui"
RECORD = TARGET / "VENDORED.json"


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_tarball() -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH: it fetches the pinned tarball from the npm registry")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(  # noqa: S603  # npm, with the pinned package and a scratch folder we made
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", scratch, "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(scratch).glob("*.tgz")
        return tarball.read_bytes()


def bundled_packages(source_map: bytes) -> list[str]:
    """The npm packages whose code the bundle contains, from the paths in its source map."""
    sources = json.loads(source_map)["sources"]
    found = {m.group(1) for s in sources if (m := re.search(r"node_modules/((?:@[^/]+/)?[^/]+)", s))}
    return sorted(found)


def vendor(tarball: bytes) -> dict[str, object]:
    got = integrity(tarball)
    if got != INTEGRITY:
        raise SystemExit(f"{PACKAGE}@{VERSION}: tarball integrity {got} is not the pinned {INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:

        def member(name: str) -> bytes:
            extracted = archive.extractfile(f"package/{name}")
            if extracted is None:
                raise SystemExit(f"{PACKAGE}@{VERSION}: the tarball has no {name}")
            return extracted.read()

        manifest = json.loads(member("package.json"))
        if manifest.get("version") != VERSION or manifest.get("license") != "MIT":
            said = f"{manifest.get('version')}, {manifest.get('license')}"
            raise SystemExit(f"{PACKAGE}: package.json says {said}, not {VERSION}, MIT")
        contents = {Path(name).name: member(name) for name in FILES}
        packages = bundled_packages(member("build/yasgui.min.js.map"))
    if not (TARGET / "LICENSE").is_file():
        raise SystemExit(f"{TARGET / 'LICENSE'} is missing: copy the upstream repository's LICENSE (MIT)")
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        (TARGET / name).write_bytes(data)
    notice = (
        f"{PACKAGE} {VERSION} (MIT, see LICENSE) bundles code from these npm packages, each under its own\n"
        "license (see the package on the npm registry):\n\n" + "".join(f"  {p}\n" for p in packages)
    )
    (TARGET / "THIRD-PARTY.txt").write_text(notice, encoding="utf-8")
    record: dict[str, object] = {
        "package": PACKAGE,
        "version": VERSION,
        "integrity": INTEGRITY,
        "files": {name: sha256(data) for name, data in sorted(contents.items())},
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def check() -> list[str]:
    """What differs between the vendored files and the record (empty when they agree)."""
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    problems = [] if record["version"] == VERSION else [f"VENDORED.json records {record['version']}"]
    for name, digest in record["files"].items():
        path = TARGET / name
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{path} differs from {PACKAGE}@{VERSION}'s")
    return problems


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    record = vendor(fetch_tarball())
    print(f"vendored {PACKAGE}@{VERSION} into {TARGET.relative_to(ROOT)}: {', '.join(record['files'])}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
