"""A kit's configuration, `KIT/kit.yaml`: the class server its students hand work in to.

`grader release --server URL` writes it; `grader submit` and `grader login`
read it when neither `--server` nor `GRADER_SERVER` names a server. It holds
nothing personal: a kit is copied from student to student and may end up in
a public repository. Each student's token lives in their own credentials
file instead (`grader.server.credentials`).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from grader.errors import GraderError

#: The configuration file's name, at the top of the kit.
FILE = "kit.yaml"


class BadServer(GraderError):
    """A server address that is not one, or a kit configuration that cannot be read."""


def server_url(value: str, where: str = "--server") -> str:
    """`value` as a server's base address (no trailing slash), or BadServer saying why not."""
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadServer(f"{where} {value}: expected an address such as https://grader.example.org")
    return url


def write(kit: Path, server: str) -> Path:
    """Write the kit's configuration naming `server`; the path written."""
    target = kit / FILE
    body = yaml.safe_dump({"server": server_url(server)}, sort_keys=False)
    target.write_text(
        "# The class server `grader submit` hands your work in to (written by grader release).\n"
        + body,
        encoding="utf-8",
    )
    return target


def find(kit: Path | None) -> Path | None:
    """The kit configuration that applies: in `kit` if named, else here or in a parent folder."""
    if kit is not None:
        candidate = kit / FILE
        return candidate if candidate.is_file() else None
    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / FILE
        if candidate.is_file():
            return candidate
    return None


def server_of(kit: Path | None) -> str | None:
    """The server the kit's configuration names (None: no configuration, or no server in it)."""
    found = find(kit)
    if found is None:
        return None
    try:
        data = yaml.safe_load(found.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        said = str(error).strip().splitlines()
        raise BadServer(f"cannot read {found}: {said[0] if said else error}") from None
    server = data.get("server") if isinstance(data, dict) else None
    if server is None:
        return None
    return server_url(str(server), where=f"{os.fspath(found)}: server:")
