"""`cems verify-pack PACK.zip`: is every file of an evidence pack the one its manifest lists?

Reads the zip in memory (never extracts), refuses archives whose members would expand beyond a
limit, and reports each added, missing or altered file by name, plus a manifest whose digest
no longer matches its content.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.issues import CemsError, Issue
from generator.ops.export import MANIFEST, PACK_FORMAT, manifest_digest

MAX_TOTAL_BYTES = 2 << 30  # 2 GiB uncompressed
MAX_RATIO = 200  # a member expanding more than this is treated as a zip bomb


@dataclass
class PackCheck:
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


def _altered(pack: Path, name: str, message: str) -> Issue:
    return Issue(f"{pack.name}!{name}", None, "", message, code="PACK-ALTERED")


def _open(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise CemsError(f"无法读取证据包 {path}：{error} (not a readable zip)") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1 << 20
        ):
            raise CemsError(f"证据包成员 {info.filename} 压缩比异常 (suspicious compression ratio)")
    if total > MAX_TOTAL_BYTES:
        raise CemsError(f"证据包解压后超过 {MAX_TOTAL_BYTES >> 30} GiB (pack too large)")
    return archive


def verify_pack(path: Path) -> PackCheck:
    result = PackCheck(path)
    with _open(path) as archive:
        names = [i.filename for i in archive.infolist()]
        if MANIFEST not in names:
            result.issues.append(_altered(path, MANIFEST, "缺少 manifest.json (manifest missing)"))
            return result
        try:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            listed = {str(f["path"]): str(f["sha256"]) for f in manifest["files"]}
        except (ValueError, KeyError, TypeError):
            result.issues.append(
                _altered(path, MANIFEST, "manifest.json 无法解析 (manifest unreadable)")
            )
            return result
        result.manifest = manifest
        if manifest.get("format") != PACK_FORMAT or manifest.get("digest") != manifest_digest(
            manifest
        ):
            result.issues.append(
                _altered(path, MANIFEST, "manifest.json 的内容与其摘要不符 (manifest altered)")
            )
        for name in sorted(set(names) - {MANIFEST}):
            data = archive.read(name)
            result.checked += 1
            if name not in listed:
                result.issues.append(
                    _altered(path, name, "清单中没有此文件 (file not in the manifest)")
                )
            elif hashlib.sha256(data).hexdigest() != listed[name]:
                result.issues.append(
                    _altered(path, name, "文件内容与清单中的 SHA-256 不符 (file altered)")
                )
        for name in sorted(set(listed) - set(names)):
            result.issues.append(_altered(path, name, "清单中的文件缺失 (file missing)"))
        if len(names) != len(set(names)):
            result.issues.append(_altered(path, "", "证据包中有重名文件 (duplicate entries)"))
    return result
