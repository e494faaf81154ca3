"""``triage serve`` and ``triage user``: the workbench and who may sign in to it."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

console = Console()
user_app = typer.Typer(help="工作台用户 / Workbench users.", no_args_is_help=True)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[str, typer.Option(help="监听地址 / address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
) -> None:
    """启动研判工作台网页 / Serve the coordinators' workbench."""
    import uvicorn

    from flows.web.app import create_app

    secure = host not in LOOPBACK  # on another address the cookie needs HTTPS (put a proxy in front)
    console.print(f"研判工作台：http://{host}:{port}/  （Ctrl+C 停止）")
    uvicorn.run(create_app(secure_cookies=secure), host=host, port=port, log_level="warning",
                access_log=False)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="登录名 / login name")],
    role: Annotated[str, typer.Option(help="coordinator / mediator / liaison / admin")],
    display_name: Annotated[str | None, typer.Option("--display-name", help="显示名 / shown name")] = None,
    agency: Annotated[str | None, typer.Option(
        help="联络员的部门 police / womens_federation / petition / hotline_12345")] = None,
    mediator: Annotated[str | None, typer.Option(help="调解员在名册中的编号 / roster id")] = None,
    password_env: Annotated[str | None, typer.Option(
        "--password-env", help="从这个环境变量读密码（不填则提示输入）/ read the password from this variable")] = None,
) -> None:
    """新增工作台用户 / Add a workbench user."""
    from connectors.resources import open_resources
    from connectors.store.users import UserError, add_user

    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            console.print(f"[red]环境变量 {password_env} 为空[/red]")
            raise typer.Exit(code=2)
    else:
        password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    res = open_resources()
    if mediator and res.config.mediator(mediator) is None:
        console.print(f"[red]名册中没有调解员 {mediator}[/red]（data/rosters/mediators.csv）")
        raise typer.Exit(code=2)
    try:
        user = add_user(res.engine, name, role, password, display_name=display_name, agency=agency,
                        mediator_id=mediator)
    except UserError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from None
    console.print(f"已添加 {user.label}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
