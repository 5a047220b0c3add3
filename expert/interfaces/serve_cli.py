"""The `expert serve` command: run the HTTP JSON API (``http_api``) under uvicorn.

FastAPI and uvicorn are imported only when the command runs, so no other command (and
no ``import expert``) pays for them.  The settings reach every worker process through
the environment (``ServeSettings.to_env``): ``--workers N`` starts N processes
(``serve_processes``: a socket each, so keep-alive clients spread across them) that each
build the app, and its engine, from ``http_api.app_from_env``.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import click


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes, each with its own engine (an engine runs one consultation at a time).")
@click.option("--time-limit", type=click.FloatRange(0.001, 3600), default=None,
              help="Seconds a request may take, body and consultation included "
                   "[default: $EXPERT_API_TIME_LIMIT or 10]; past it: 503 (still queued) or 504 (running).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN (e.g. https://bot.example.com; * for any). Repeatable. "
                   "[default: $EXPERT_API_CORS_ORIGINS, comma-separated; none: no CORS headers]")
@click.option("--knowledge", type=click.Path(file_okay=False), default=None, help="Another knowledge directory.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log one line per request.")
def serve(host: str, port: int, workers: int, time_limit: Optional[float], cors_origins: tuple,
          knowledge: Optional[str], access_log: bool) -> None:
    """Serve the HTTP JSON API: advise, explain, what-if, next-question, answer, take-back, rules,
    claims, schemas, health (OpenAPI document at /docs).

    Stateless: the profile travels in every request, so replicas scale out behind any load
    balancer. Set EXPERT_API_TOKEN to require "Authorization: Bearer <token>" on every
    endpoint but /health.
    """
    import uvicorn

    from expert.interfaces.http_api import ServeSettings
    from expert.interfaces.serve_processes import bind, spreads_connections, supervise

    if knowledge:  # fail here, in words, rather than in every worker with a traceback
        from expert.rulebase.errors import KnowledgeError
        from expert.rulebase.knowledge import load_knowledge  # the snapshot when it serves

        try:
            load_knowledge(knowledge)
        except KnowledgeError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
    try:
        settings = ServeSettings.from_env()
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    overrides = {"time_limit": time_limit, "cors_origins": tuple(cors_origins) or None,
                 "knowledge": os.path.abspath(knowledge) if knowledge else None}
    settings = ServeSettings(**{**settings.__dict__, **{k: v for k, v in overrides.items() if v is not None}})
    os.environ.update(settings.to_env())
    guard = "bearer token required (EXPERT_API_TOKEN)" if settings.token else "no token: every endpoint is open"
    cors = ", ".join(settings.cors_origins) or "off"
    click.echo(f"expert serve: http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}; {guard}; "
               f"CORS: {cors}; time limit {settings.time_limit:g} s)", err=True)
    config = dict(app="expert.interfaces.http_api:app_from_env", factory=True, access_log=access_log,
                  log_level="info", timeout_graceful_shutdown=5)
    if workers > 1 and spreads_connections():  # a socket per process: see serve_processes
        try:
            sockets = bind(host, port, workers)
        except OSError as error:
            click.echo(f"error: cannot listen on {host}:{port}: {error.strerror}", err=True)
            sys.exit(1)
        sys.exit(supervise(config, sockets))
    uvicorn.run(**config, host=host, port=port, workers=workers)
    sys.exit(0)
