"""`flask aid …` commands: init, seed-demo, role-matrix and the job worker."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext

from app.clock import clock_of
from app.context import Context, system_context


def cli_context() -> Context:
    """The context of a `flask aid` command: the system acting, every row in scope, the app's
    session and clock (the use cases it starts run through the one runner)."""
    from app.extensions import db

    return system_context(db.session, clock_of(current_app))


@click.group()
def aid():
    """Zizhu administration commands."""


@aid.command("init")
@with_appcontext
def init_command():
    """Roles, permissions, code lists, aid items and the current school year (idempotent)."""
    from app.seeding import init_all

    ctx = cli_context()
    init_all(current_app.appbuilder, ctx.session, ctx.today)
    click.echo(gettext("Zizhu initialised."))


@aid.command("seed-demo")
@click.option("--schools", default=12, show_default=True, help="Number of schools.")
@click.option("--pupils", default=3000, show_default=True, help="Number of pupils.")
@click.option("--password", required=True, help="Password of every demo account.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same district).")
@click.option("--if-empty", is_flag=True, help="Do nothing when a district already exists.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Build the demo's timeline as of this day (YYYY-MM-DD; default: today by the app clock).")
@with_appcontext
def seed_demo_command(schools, pupils, password, seed, if_empty, as_of):
    """A deterministic, realistic demo district with demo accounts: last school year complete, this
    term at every stage of identification."""
    from app.demo.seed import seed_demo
    from app.errors import DomainError
    from app.models import District

    ctx = cli_context()
    if if_empty and ctx.session.query(District.id).first():
        click.echo(gettext("Demo district already present; nothing to do."))
        return
    try:
        summary = seed_demo(
            current_app.appbuilder, ctx.session, schools=schools, pupils=pupils,
            password=password, seed=seed, today=as_of.date() if as_of else ctx.today,
        )
    except DomainError as err:
        raise click.ClickException(str(err)) from None
    click.echo(summary)


@aid.command("role-matrix")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: print).")
@with_appcontext
def role_matrix_command(output):
    """The role matrix generated from the code (docs/role-matrix.md)."""
    from app.security.matrix import render_markdown

    text = render_markdown(current_app.appbuilder)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@aid.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default: JOBS_WORKERS).")
@with_appcontext
def worker_command(workers):
    """Run the background-job worker in the foreground (stop with Ctrl+C)."""
    import logging

    from app.jobs.queue import job_queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # start-up and problems, not a line per task and per minute of the scheduler
    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("huey.consumer").setLevel(logging.INFO)
    logging.getLogger("huey.consumer.Scheduler").setLevel(logging.WARNING)
    huey = job_queue().huey
    click.echo(gettext("Job worker: %(queue)s", queue=current_app.config["JOBS_QUEUE_URL"]))
    consumer = huey.create_consumer(workers=workers or current_app.config["JOBS_WORKERS"],
                                    worker_type="thread", max_delay=1.0, initial_delay=0.2)
    consumer.run()
