"""A student's tokens on their own machine, one per class server, readable by them alone.

`grader login LINK` stores the token of a sign-in link here, and `grader
submit` finds it by the server it hands in to. The file is
`$XDG_CONFIG_HOME/grader/credentials.yaml` (`~/.config/...` by default),
made with permissions 0600 in a folder of 0700 and replaced whole on each
change, so that no other user reads it and no half-written file is left.
Not in the kit: a kit is shared, and may be pushed to a public repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from grader.errors import GraderError

#: What stands between a server's address and the token in a sign-in link.
SIGN_IN = "/signin/"


class BadCredentials(GraderError):
    """The credentials file cannot be read or written; the message says which and why."""


def path() -> Path:
    """Where this user's tokens are kept."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "grader" / "credentials.yaml"


def split_link(given: str) -> tuple[str | None, str]:
    """A sign-in link's server and token (`https://h/signin/T` -> `https://h`, `T`).

    A bare token has no server: (None, token).
    """
    given = given.strip()
    server, found, token = given.rpartition(SIGN_IN)
    if found and server.startswith(("http://", "https://")):
        return server.rstrip("/"), token.strip("/")
    return None, given.rsplit("/", 1)[-1]


def _tokens(file: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        said = str(error).strip().splitlines()
        raise BadCredentials(f"cannot read {file}: {said[0] if said else error}") from None
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(tokens, dict):
        return {}
    return {str(k): str(v) for k, v in tokens.items()}


def token_for(server: str) -> str | None:
    """The token stored for `server` (None: none)."""
    return _tokens(path()).get(server)


def store(server: str, token: str) -> Path:
    """Keep `token` for `server` (replacing any before it); the file written."""
    file = path()
    tokens = {**_tokens(file), server: token}
    text = "# Your sign-in tokens (grader login); keep this file to yourself.\n" + yaml.safe_dump(
        {"tokens": tokens}, sort_keys=True
    )
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp makes the file 0600 from the start: the token is never readable by others.
        fd, scratch = tempfile.mkstemp(prefix=".credentials-", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(scratch, file)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise BadCredentials(f"cannot write {file}: {error.strerror or error}") from None
    return file
