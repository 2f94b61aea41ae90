"""The layers of app/ hold: every rule reads each module's imports (module- and function-level) with ast."""
from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
FLASK_GLOBALS = {"g", "request", "current_user", "has_request_context"}
TRANSACTION_CALLS = {"commit", "rollback"}
# lowest first: a cycle has at least one import from a lower package to a higher one; the message names them
LAYER_ORDER = ("services", "models", "security", "queries", "commands", "reports", "workbench", "jobs", "views",
               "api", "demo")
PACKAGES = set(LAYER_ORDER)
DEMO_IMPORTERS = ("app/cli.py", "app/demo/")  # besides bench/ and tests/, which are not scanned


@dataclass(frozen=True)
class Import:
    """One name an import statement brings in: where it stands and the absolute dotted name it reaches."""

    path: str
    line: int
    target: str

    def reaches(self, *modules: str) -> bool:
        """Whether the import reaches one of `modules` or something inside it."""
        return any(self.target == m or self.target.startswith(m + ".") for m in modules)

    @property
    def package(self) -> str | None:
        """The app package (api, views, …) the import reaches, if any."""
        parts = self.target.split(".")
        return parts[1] if parts[0] == "app" and len(parts) > 1 and parts[1] in PACKAGES else None

    def __str__(self) -> str:
        """`app/x/y.py:12 imports app.z.w`."""
        return f"{self.path}:{self.line} imports {self.target}"


def package_of(path: str) -> list[str]:
    """The dotted package a module file resolves its relative imports against."""
    parts = list(Path(path).with_suffix("").parts)
    return parts[:-1]


def imports_of(source: str, path: str) -> list[Import]:
    """Every import anywhere in `source` (module level, functions, TYPE_CHECKING blocks) as absolute
    names; `from m import a, b` yields m.a and m.b, so `from app import views` reaches app.views."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = package_of(path)
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [Import(path, node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def transaction_calls(source: str, path: str) -> list[str]:
    """Every `.commit(…)` or `.rollback(…)` call in `source`, as `path:line calls .commit()`."""
    return [f"{path}:{node.lineno} calls .{node.func.attr}()" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in TRANSACTION_CALLS]


@cache
def sources() -> dict[str, str]:
    """Every module of app/, and the project's other Python outside bench/ and tests/, by path."""
    files = [*APP.rglob("*.py"), *ROOT.glob("*.py"), *(ROOT / "migrations").rglob("*.py")]
    return {f.relative_to(ROOT).as_posix(): f.read_text(encoding="utf-8") for f in sorted(files)}


@cache
def all_imports() -> tuple[Import, ...]:
    """The imports of every scanned module."""
    return tuple(imp for path, source in sources().items() for imp in imports_of(source, path))


def layer(name: str) -> list[Import]:
    """The imports made by the modules of app/<name>/."""
    return [imp for imp in all_imports() if imp.path.startswith(f"app/{name}/")]


def listing(offenders) -> str:
    """One offending import or call a line."""
    return "\n" + "\n".join(str(o) for o in offenders)


def test_the_import_reader_sees_every_kind_of_import():
    source = (
        "import os\nimport flask\nfrom sqlalchemy.orm import Session\nfrom app import views\n"
        "from . import scoring\nfrom ..models import Student\n"
        "if TYPE_CHECKING:\n    from app.api.x import Y\n"
        "def f():\n    from flask import g, request\n    session.commit()\n    db.session.rollback()\n"
        "    audit.record(ctx, commit=False)\n"
    )
    found = {i.target for i in imports_of(source, "app/services/facts.py")}
    assert found == {"os", "flask", "sqlalchemy.orm.Session", "app.views", "app.services.scoring",
                     "app.models.Student", "app.api.x.Y", "flask.g", "flask.request"}
    assert transaction_calls(source, "app/x.py") == ["app/x.py:11 calls .commit()", "app/x.py:12 calls .rollback()"]
    assert {i.target for i in imports_of("from . import seed\n", "app/demo/__init__.py")} == {"app.demo.seed"}


def test_services_import_only_the_standard_library_and_services():
    offenders = [imp for imp in layer("services") if not imp.reaches("app.services")
                 and imp.target.split(".")[0] not in sys.stdlib_module_names]
    assert "app/services/validation.py" in sources()
    assert not offenders, listing(offenders)


def test_models_import_no_layer_above_them():
    above = [f"app.{p}" for p in ("views", "api", "commands", "queries", "jobs", "workbench", "reports")]
    offenders = [imp for imp in layer("models") if imp.reaches(*above)]
    assert not offenders, listing(offenders)


def test_commands_import_no_pages_api_or_workbench():
    offenders = [imp for imp in layer("commands") if imp.reaches("app.views", "app.api", "app.workbench")]
    assert not offenders, listing(offenders)


def test_commands_read_no_request_globals():
    offenders = [imp for imp in layer("commands") if imp.target.split(".")[0].startswith("flask")
                 and (imp.target.rsplit(".", 1)[-1] in FLASK_GLOBALS or imp.target in ("flask", "flask_login"))]
    assert not offenders, listing(offenders)


def test_commands_never_commit_or_roll_back():
    offenders = [call for path, source in sources().items() if path.startswith("app/commands/")
                 for call in transaction_calls(source, path)]
    assert not offenders, listing(offenders)


def test_the_api_imports_no_pages_or_workbench():
    offenders = [imp for imp in layer("api") if imp.reaches("app.views", "app.workbench")]
    assert not offenders, listing(offenders)


def test_queries_import_no_pages_api_or_workbench():
    offenders = [imp for imp in layer("queries") if imp.reaches("app.views", "app.api", "app.workbench")]
    assert not offenders, listing(offenders)


def test_the_demo_is_imported_only_by_the_cli():
    offenders = [imp for imp in all_imports() if imp.reaches("app.demo")
                 and not imp.path.startswith(DEMO_IMPORTERS)]
    assert "app/demo/seed.py" in sources()
    assert not offenders, listing(offenders)


def package_edges() -> dict[tuple[str, str], list[Import]]:
    """(importing package, imported package) → the imports that make the edge."""
    edges = defaultdict(list)
    for imp in all_imports():
        parts = imp.path.split("/")
        source = parts[1] if parts[0] == "app" and len(parts) > 2 else None
        if source in PACKAGES and imp.package not in (None, source):
            edges[source, imp.package].append(imp)
    return edges


def reachable(edges, start: str) -> set[str]:
    """The packages `start` reaches through imports."""
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        for a, b in edges:
            if a == node and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def test_the_cycle_finder_follows_imports_through_packages():
    edges = {("views", "commands"): [], ("commands", "security"): [], ("security", "views"): []}
    assert reachable(edges, "commands") == {"security", "views", "commands"}
    assert reachable({("views", "commands"): []}, "commands") == set()


def test_no_import_cycles_between_the_app_packages():
    edges = package_edges()
    reach = {p: reachable(edges, p) for p in PACKAGES}
    cycles = {frozenset({p} | {q for q in reach[p] if p in reach[q]}) for p in PACKAGES if p in reach[p]}
    rank = {p: i for i, p in enumerate(LAYER_ORDER)}
    against = [imp for cycle in sorted(cycles, key=sorted) for (a, b), imps in sorted(edges.items())
               if a in cycle and b in cycle and rank[a] < rank[b] for imp in imps]
    assert not cycles, (f"cycles among {[sorted(c) for c in cycles]}; the imports against the layer order "
                        f"{' < '.join(LAYER_ORDER)} close them:" + listing(against))
