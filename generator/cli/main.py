"""The `cems` command line. Each verb parses, calls the library, reports, returns an exit code.

Verbs live in `generator/cli/<verb>.py`, each exporting `command` (a click command);
this module only wires them and turns errors into messages and exit codes.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import traceback
from typing import Any

import click

from generator.core.issues import CemsError, ExitCode
from generator.core.oserrors import os_error
from generator.core.output import issues_to_json, issues_to_text

# verb -> its module under generator/cli/, imported only when that verb runs (or for --help):
# `cems validate` does not load python-docx, openpyxl or MkDocs
VERBS = {
    "build": "build",
    "carbon": "carbon",
    "check": "check",
    "demo": "demo",
    "export": "export",
    "in-force": "in_force",
    "init": "init",
    "ledger": "ledger",
    "migrate": "migrate",
    "new": "new",
    "publish": "publish",
    "release": "release",
    "review-input": "review_input",
    "serve": "serve",
    "validate": "validate",
    "verify": "verify",
    "verify-pack": "verify_pack",
}


class CemsGroup(click.Group):
    """Turns CemsError into its issues and an exit code, and bugs into one line (unless --debug).
    Verbs are loaded from their modules when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(VERBS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in VERBS:
            return None
        module = importlib.import_module(f"generator.cli.{VERBS[cmd_name]}")
        command: click.Command = module.command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CemsError as error:
            _report(ctx, error)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # `cems ... | head`: the reader left; nothing more to say
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except OSError as error:  # read-only or full output folder, busy port: the user's to fix
            if ctx.meta.get("cems.debug"):
                traceback.print_exc()
            _report(ctx, os_error(error))
        except KeyboardInterrupt:
            click.echo("cems: 已中断 (interrupted)", err=True)
            ctx.exit(130)
        except Exception as error:  # a bug: keep the user's screen clean
            if ctx.meta.get("cems.debug"):
                traceback.print_exc()
            click.echo(
                f"cems: 内部错误 (internal error): {type(error).__name__}: {error}\n"
                "      加 --debug 重新运行可查看详细信息 (rerun with --debug for the stack trace)",
                err=True,
            )
            ctx.exit(int(ExitCode.INTERNAL))


def _report(ctx: click.Context, error: CemsError) -> None:
    fmt = ctx.meta.get("cems.format", "text")
    if error.issues:
        out = issues_to_json(error.issues) if fmt == "json" else issues_to_text(error.issues)
        click.echo(out, err=fmt != "json")
    click.echo(f"cems: {error.message}", err=True)
    ctx.exit(int(error.exit_code))


@click.group(cls=CemsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示 Python 调用栈 (show stack traces).")
@click.version_option(package_name="cems")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """cems：碳排放管理体系文档即代码工具 (docs-as-code carbon emission management system)."""
    ctx.meta["cems.debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code instead of exiting so tests can call it."""
    try:
        # with standalone_mode=False click returns the code of ctx.exit()/Exit instead of exiting
        result = cli.main(args=argv, prog_name="cems", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.Abort:
        click.echo("cems: 已中断 (aborted)", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return int(ExitCode.USAGE) if isinstance(error, click.UsageError) else error.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
