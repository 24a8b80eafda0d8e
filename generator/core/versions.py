"""Installed versions of the libraries an output depends on, as one text for cache keys:
a library upgrade must re-render what it writes."""

from __future__ import annotations

from importlib import metadata


def installed_versions(names: tuple[str, ...]) -> str:
    """`name==version` of each distribution (`name:absent` when not installed), `;`-joined."""
    found = []
    for name in names:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}:absent")
    return ";".join(found)
