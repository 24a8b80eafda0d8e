"""Operating-system errors on the user's paths, as user errors (exit 1) with the path and a hint.

A read-only or full output folder, a missing file, a busy port: none of these is a bug in
cems, so the CLI reports them like content errors instead of as an internal error (exit 3).
"""

from __future__ import annotations

import errno

from generator.core.issues import CemsError, Issue

HINTS = {
    errno.EACCES: "检查该路径的写权限，或用 --out 指定可写的输出目录 (check permissions)",
    errno.EPERM: "检查该路径的权限，或用 --out 指定其他输出目录 (check permissions)",
    errno.EROFS: "该文件系统是只读的，用 --out 指定可写的输出目录 (read-only file system)",
    errno.ENOSPC: "磁盘空间已满，清理空间或用 --out 换到其他磁盘 (no space left on device)",
    errno.EDQUOT: "磁盘配额已用完 (disk quota exceeded)",
    errno.ENOENT: "检查路径是否存在、拼写是否正确 (check that the path exists)",
    errno.ENOTDIR: "路径中有一段不是文件夹 (a part of the path is not a folder)",
    errno.EISDIR: "这里需要文件，而不是文件夹 (a file is expected, not a folder)",
    errno.EADDRINUSE: "端口已被占用：关闭占用它的程序，或用 --port 换一个端口 (port in use)",
    errno.EADDRNOTAVAIL: "本机没有这个地址，检查 --host (address not available)",
    errno.EMFILE: "打开的文件过多，减少 --jobs 后重试 (too many open files)",
}


def os_error(error: OSError) -> CemsError:
    """`error` as a located user error: the path (or address) it concerns and what to do."""
    where = error.filename if error.filename is not None else ""
    if error.filename2 is not None:
        where = f"{where} -> {error.filename2}"
    reason = error.strerror or str(error)
    hint = HINTS.get(error.errno or 0, "检查该路径和磁盘 (check the path and the disk)")
    issue = Issue(
        str(where) or "(系统 system)",
        None,
        "",
        f"系统错误 (OS error) [{errno.errorcode.get(error.errno or 0, '?')}]: {reason}",
        code="OS-ERROR",
        hint=hint,
    )
    subject = f"：{where}" if where else ""
    return CemsError(f"无法完成：{reason}{subject} (operating-system error)", [issue])
