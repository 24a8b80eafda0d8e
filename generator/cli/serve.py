"""`cems serve`: preview the site locally (the last build, or the published versions)."""

from __future__ import annotations

import functools
import http.server
import os
from pathlib import Path

import click

from generator.cli.options import config_for, out_option, root_option
from generator.core.config import Config
from generator.core.issues import CemsError


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None  # keep the terminal for our own messages


def serve_versions(folder: Path, host: str, port: int) -> None:
    """Serve out/versions as a static site until interrupted (what a web server would do)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        click.echo(f"正在预览 (serving) http://{host}:{server.server_address[1]}/ ，Ctrl+C 停止")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("已停止 (stopped)")


@click.command("serve")
@root_option
@out_option
@click.option(
    "--versions", is_flag=True, help="预览 cems publish 生成的多版本站点 (serve versions/)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 (address).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def command(root: Path, out: Path | None, versions: bool, host: str, port: int) -> None:
    """本地预览审核网站 (preview the site; run cems build or cems publish first)."""
    try:
        _serve(config_for(root, out), versions, host, port)
    except OSError as error:  # a busy port: say which address (main maps it to exit 1)
        if error.filename is None:
            error.filename = f"{host}:{port}"
        raise


def _serve(config: Config, versions: bool, host: str, port: int) -> None:
    if versions:
        folder = config.out_dir / "versions"
        if not (folder / "versions.json").is_file():
            raise CemsError(f"没有版本站点，请先运行 cems publish (no versions in {folder})")
        serve_versions(folder, host, port)
        return
    config_file = config.out_dir / "site-src" / "mkdocs.yml"
    if not config_file.is_file():
        raise CemsError(
            f"没有网站源文件，请先运行 cems build (no site source in {config_file.parent})"
        )
    from mkdocs.commands.serve import serve  # lazy: only this verb needs the dev server

    from generator.render.site.hooks import HOOKS_FILE

    # the generated mkdocs.yml names the search dictionary relative to its own folder, and
    # Material's search plugin reads it relative to the working directory
    config_file = config_file.resolve()
    os.chdir(config_file.parent)

    # Edits to the generated Markdown reload live; content edits need `cems build` again.
    # The preview passes through the same HTML sanitiser as the build.
    serve(
        config_file=str(config_file),
        dev_addr=f"{host}:{port}",
        livereload=True,
        hooks=[*_own_hooks(config_file), str(HOOKS_FILE)],
    )


def _own_hooks(config_file: Path) -> list[str]:
    """The hooks the repository's mkdocs.yml lists (the override below must keep them)."""
    import yaml

    data = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    hooks = data.get("hooks") if isinstance(data, dict) else None
    return [str(h) for h in hooks] if isinstance(hooks, list) else []
