"""The shape of the package (docs/architecture.md): who may import whom, and module sizes."""

import ast
from pathlib import Path

import pytest

import weightlab

ROOT = Path(weightlab.__file__).parent
#: The tools on top of the library: nothing below them imports them.
TOOLS = {"weightlab.cli", "weightlab.bench"}  # and the bench package's modules
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, modules) -> set[str]:
    """Every weightlab module ``path`` imports, at top level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module in modules:
            subs = {f"{node.module}.{a.name}" for a in node.names} & set(modules)
            found.update(subs)
            if len(subs) < len(node.names):  # a name from the module itself
                found.add(node.module)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycle(graph) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for dep in sorted(graph[node]):
            if dep == "weightlab":  # the package facade re-exports; modules never use it
                continue
            if state.get(dep) == "open":
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle(graph):
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _tool(name: str) -> bool:
    return name in TOOLS or name.startswith("weightlab.bench.")


def test_the_library_does_not_import_its_tools(graph):
    for name, deps in graph.items():
        if not _tool(name):
            assert not {d for d in deps if _tool(d)}, f"{name} imports {sorted(deps)}"
    for name in graph:  # the benchmarks start the CLI as a child process, never import it
        if name.startswith("weightlab.bench"):
            assert "weightlab.cli" not in graph[name], name


def test_no_module_is_over_800_lines():
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in _modules().items()
    }
    big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_training_happens_only_in_the_training_modules(graph):
    # Engines are driven by runs and the studies built on it (sweep, sensitivity,
    # reproduce); scoring, intervals, views and plots only read what training produced.
    readers = {
        "weightlab.metrics",
        "weightlab.views",
        "weightlab.diagnostics",
        "weightlab.plots",
        "weightlab.frontier",
        "weightlab.adjust",
        "weightlab.widgets",
        "weightlab.uncertainty",
    }
    for name in readers:
        assert not any(d.startswith("weightlab.engines") for d in graph[name]), name
        assert "weightlab.runs" not in graph[name], name
