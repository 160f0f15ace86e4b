"""The package's plan: one subpackage per stage, imports that point one way, small modules.

Imports are read from the source (every `import` and `from ... import`, inside functions
too), so an import cycle hidden in a function body counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
#: The stages, lowest first: a module may import from its own stage or a lower one.
#: (The engine loads and runs the rule packs; run drives the engine; cli drives runs.)
RANKS = {"config": 0, "model": 0, "tomlfile": 0, "io": 1, "packs": 1, "engine": 2, "run": 3, "cli": 4}
#: Modules directly under cleaner/ that face the user: they may import anything. (The
#: datatrove step is a facade like the Dask helpers: it drives the engine for datatrove.)
PUBLIC = {"cleaner", "cleaner.__main__", "cleaner.dask", "cleaner.datatrove"}
MAX_LINES, MAX_TOP_MODULES = 400, 8


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The cleaner modules `name` imports (a package's own __init__ for `from pkg import x`
    when x is not a module)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module in known:
            subs = {f"{node.module}.{a.name}" for a in node.names} & known
            out.update(subs or {node.module})
            if len(subs) < len(node.names):
                out.add(node.module)
    out.discard(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _stage(module: str) -> str:
    return module.split(".")[1]


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, f"import cycles: {cycles}"


def test_imports_point_one_way():
    wrong = []
    for module, imported in _graph().items():
        if module in PUBLIC:
            continue
        for other in imported:
            if other in PUBLIC and other != "cleaner":
                wrong.append(f"{module} imports the user-facing {other}")
            elif other == "cleaner":
                if _stage(module) != "cli":  # only the command line reads the version from the top
                    wrong.append(f"{module} imports the cleaner package itself")
            elif RANKS[_stage(other)] > RANKS[_stage(module)]:
                wrong.append(f"{module} ({_stage(module)}) imports {other} ({_stage(other)})")
    assert not wrong, "\n".join(wrong)


def test_every_module_is_small_and_few_sit_at_the_top():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert not {n: s for n, s in sizes.items() if s > MAX_LINES}
    top = [p for p in PACKAGE.glob("*.py")]
    assert len(top) <= MAX_TOP_MODULES, sorted(p.name for p in top)
    assert set(RANKS) >= {_stage(n) for n in sizes if n.count(".") >= 1 and n not in PUBLIC}


def test_the_checker_sees_a_cycle_hidden_in_a_function(tmp_path, monkeypatch):
    # the checks above must be able to fail: a module pair importing each other, one of
    # them inside a function body, is found
    pkg = tmp_path / "cleaner"
    (pkg / "engine").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "engine" / "__init__.py").write_text("")
    (pkg / "engine" / "a.py").write_text("from cleaner.engine.b import f\n")
    (pkg / "engine" / "b.py").write_text("def f():\n    from cleaner.engine import a\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", pkg)
    graph = _graph()
    assert graph["cleaner.engine.a"] == {"cleaner.engine.b"}
    assert graph["cleaner.engine.b"] == {"cleaner.engine.a"}
    try:
        test_no_import_cycle()
    except AssertionError as exc:
        assert "cleaner.engine.a" in str(exc)
    else:
        raise AssertionError("the cycle was not found")
