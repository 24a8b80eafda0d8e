"""Identities: git names and e-mails matched to the organisation's people, and signing keys.

A person is matched by e-mail only (case-insensitive), never by display name: anyone can type
`git config user.name 周建国`. An e-mail is no proof either (anyone can set user.email), so
approvers may register signing keys in organisation.yaml (`gpg_keys`: fingerprints,
`ssh_keys`: public keys); a signed release tag is then checked against the tagger's own keys.
SSH keys are checked by git through an allowed-signers file generated here from the roster.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.model import Model, Person
from generator.git.client import TagVerification

GOOD, UNSIGNED, BAD, UNKNOWN = "good", "unsigned", "bad", "unknown"


@dataclass(frozen=True)
class Keys:
    gpg: tuple[str, ...] = ()  # fingerprints, upper case, no spaces
    ssh: tuple[str, ...] = ()  # "ssh-ed25519 AAAA..." (type and key, comment dropped)


def person_by_email(model: Model, email: str) -> Person | None:
    wanted = email.strip().lower()
    if not wanted:
        return None
    return next((p for p in model.organisation.people if p.email.strip().lower() == wanted), None)


def _person_data(model: Model, person_id: str) -> dict[str, Any]:
    people = model.organisation.data.get("people") or []
    return next((p for p in people if isinstance(p, dict) and p.get("id") == person_id), {})


def keys_of(model: Model, person_id: str) -> Keys:
    data = _person_data(model, person_id)
    gpg = tuple(str(k).replace(" ", "").upper() for k in data.get("gpg_keys") or ())
    ssh = tuple(" ".join(str(k).split()[:2]) for k in data.get("ssh_keys") or ())
    return Keys(gpg, ssh)


def allowed_signers_text(model: Model) -> str:
    """The allowed_signers file (ssh-keygen ALLOWED SIGNERS format) of everyone with SSH keys."""
    lines = []
    for person in model.organisation.people:
        for key in keys_of(model, person.id).ssh:
            if person.email:
                lines.append(f'{person.email.lower()} namespaces="git" {key}')
    return "\n".join(lines) + ("\n" if lines else "")


@contextmanager
def allowed_signers_file(model: Model) -> Iterator[Path | None]:
    """A temporary allowed_signers file for `git -c gpg.ssh.allowedSignersFile=...`."""
    text = allowed_signers_text(model)
    if not text:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="cems-signers-") as tmp:
        path = Path(tmp) / "allowed_signers"
        path.write_text(text, encoding="utf-8")
        yield path


def signature_state(verification: TagVerification, person: Person | None, model: Model) -> str:
    """good only when the signature is valid AND made with a key registered to the tagger.

    A valid signature by anybody else's key (or by a key nobody registered) is `bad`: it does
    not prove the tagger approved. `unknown`: signed, but nothing to check it against.
    """
    if verification.status != GOOD:
        return verification.status
    if person is None:
        return BAD
    keys = keys_of(model, person.id)
    if verification.kind == "gpg":
        registered = {k[-40:] for k in keys.gpg}
        return GOOD if verification.key[-40:] in registered else BAD
    if verification.kind == "ssh":
        owner = verification.principal.strip().lower() == person.email.strip().lower()
        return GOOD if owner and keys.ssh else BAD
    return UNKNOWN
