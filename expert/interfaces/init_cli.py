"""The `expert init` command: a commented starter profile, to edit rather than write.

Without FILE the profile goes to standard output.  A FILE that exists is never replaced
unless ``--force`` says so (exit 2 and the reason otherwise), and the file is written
whole or not at all (``atomic_write_text``): no user's data is lost to a typo or a full disk.
The profile itself is built in ``facts/profile_template.py``.
"""

from __future__ import annotations

from typing import Optional

import click

from expert.facts.safe_files import atomic_write_text
from expert.interfaces.cli_errors import fail, os_reason_zh

BAD_INPUT = 2


@click.command(name="init")
@click.argument("file", required=False)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the comments.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def init_command(file: Optional[str], lang: str, force: bool) -> None:
    """Write a starter profile to FILE (default: standard output): it validates and advises as
    it stands, every field explained in a comment, the ones it leaves out commented out."""
    from expert.facts.profile_template import starter_profile

    text = starter_profile(lang)
    if file is None or file == "-":
        click.echo(text, nl=False)
        return
    try:
        atomic_write_text(file, text, overwrite=force)
    except FileExistsError:
        fail(f"{file}: already exists; left as it is (use --force to replace it)", BAD_INPUT,
             f"{file}：文件已存在，未作改动（如要替换，请加 --force）")
    except OSError as error:
        fail(f"{file}: cannot write: {error.strerror or error}", BAD_INPUT, f"{file}：无法写入：{os_reason_zh(error)}")
    hint = (f"wrote {file}; edit it, then: expert advise {file}", f"已写入 {file}；请修改后运行：expert advise {file}")
    click.echo(hint[lang == "zh"], err=True)
