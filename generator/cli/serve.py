"""`cems serve`: preview the site locally (the last build, or the published versions)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

import click

from generator.cli.options import config_for, out_option, root_option
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
    config = config_for(root, out)
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

    # Edits to the generated Markdown reload live; content edits need `cems build` again.
    serve(config_file=str(config_file), dev_addr=f"{host}:{port}", livereload=True)
