"""Demo stage: the demo repository's build and its site versions, side by side on two cores.

The versions (one site per release, each built from a clone of the repository) read nothing
the build writes, so a second process publishes them into a folder beside the output while
this one builds; when both have finished, the versions and their stamps are moved into the
output folder, exactly where `cems publish` puts them.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator.core.config import Config
from generator.core.issues import Issue
from generator.ops.build import BuildResult, Progress, build_all
from generator.ops.publish import STAMPS, publish_versions


def _publish(config: Config, out_dir: Path, progress: Progress | None) -> list[Issue]:
    return publish_versions(config, out_dir, progress=progress)


def build_and_publish(
    config: Config, progress: Progress | None = None
) -> tuple[BuildResult, list[Issue]]:
    """`build_all` here and `publish_versions` in a second process; (build, publish issues).
    An error of either is raised once both have stopped (the build's first)."""
    out_dir = config.out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".cems-versions-", dir=out_dir.parent) as tmp:
        versions_out = Path(tmp)
        with ProcessPoolExecutor(max_workers=1) as pool:
            published = pool.submit(_publish, config, versions_out, progress)
            try:
                built = build_all(config, progress=progress) if progress else build_all(config)
            finally:
                published.exception()  # wait: the folder is removed when this block ends
            issues = published.result()
        shutil.rmtree(out_dir / "versions", ignore_errors=True)
        (versions_out / "versions").rename(out_dir / "versions")
        (out_dir / STAMPS).parent.mkdir(parents=True, exist_ok=True)
        (versions_out / STAMPS).replace(out_dir / STAMPS)
    return built, issues
