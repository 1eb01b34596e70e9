"""The package's import graph has no cycle, counting imports inside functions too (a lazy
import that hides a cycle is still a cycle)."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "patrolmap"


def imported_modules(path: Path) -> set[str]:
    """Names of the package's modules that one module imports, anywhere in its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("patrolmap.")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "patrolmap":
                found |= {a.name for a in node.names}
            elif node.module.startswith("patrolmap."):
                found.add(node.module.split(".")[1])
    return found & {p.stem for p in PACKAGE.glob("*.py")}


def import_graph() -> dict[str, set[str]]:
    return {p.stem: imported_modules(p) - {p.stem} for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def test_the_package_import_graph_is_acyclic():
    try:
        order = list(TopologicalSorter(import_graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    assert "layers" in order and "style" in order


def test_style_is_a_leaf():
    # colours, symbols and legend entries read only the schema's vocabularies
    assert import_graph()["style"] <= {"schema"}


def test_the_parser_sees_imports():
    graph = import_graph()
    assert {"layers", "render_live"} <= graph["maps"]
    assert "render_snapshot" in graph["export"]
