"""The package as a whole: every doctest runs, the import graph has no cycle and never reaches
back to the package root or to TensorFlow, and every public namespace is a decision.

The module list comes from the files under ``scanlab/`` (not from importing the package), so a
module added, moved or renamed is checked without editing this file.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import inspect
import io
import itertools
import json
import subprocess
import sys
import textwrap
from collections import deque
from pathlib import Path
from typing import NamedTuple

import pytest

PACKAGE = "scanlab"
# Found without running it: the source checks work even while the package cannot import.
PACKAGE_DIR = Path(importlib.util.find_spec(PACKAGE).origin).resolve().parent

# Third-party packages a module may need only for an optional feature (README: Dask runs,
# ``pip install -e ".[dask]"``): its checks are skipped when they are missing, and fail otherwise.

# ``python -m scanlab`` runs the command line when imported: it is a script, not a namespace,
# so it is parsed but never imported here, and it alone may import the package root.
SCRIPT_MODULES = {f"{PACKAGE}.__main__"}

# ``scanlab.reduce`` is documented (README, "Rounds: scan, analyse, narrow, scan again") as a
# public module namespace: ``from scanlab import reduce; reduce.drop(params, ...)``. It is the
# one module the package exports.
EXPORTED_MODULES = {"budget", "callbacks", "reduce"}


class Import(NamedTuple):
    """One import statement of a package module."""

    module: str  # the importing module
    line: int
    source: str  # the statement's first line, as written
    target: str  # the absolute dotted module named by the statement
    names: tuple[str, ...]  # the names of a ``from ... import``, else ()
    type_checking: bool  # inside ``if TYPE_CHECKING:`` (never runs)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class PackageSource:
    """The modules of a package and their imports, read from its files with ``ast``."""

    def __init__(self, package_dir: Path) -> None:
        self.root = package_dir.parent
        self.package = package_dir.name
        files = sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)
        self.modules: dict[str, Path] = {}
        self.clashes: list[str] = []  # x.py next to x/__init__.py: two files, one module
        for path in files:
            name = self._module_name(path)
            if name in self.modules:
                self.clashes.append(f"{name}: {self.modules[name]} and {path}")
            self.modules[name] = path
        self.imports = [i for name, path in self.modules.items() for i in self._read(name, path)]

    def _module_name(self, path: Path) -> str:
        parts = path.relative_to(self.root).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def relative(self, module: str) -> str:
        return self.modules[module].relative_to(self.root).as_posix()

    def _read(self, name: str, path: Path) -> list[Import]:
        """Every import in a module: top level, in functions, classes and branches."""
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found: list[Import] = []

        def visit(node: ast.AST, type_checking: bool) -> None:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                for child in node.body:
                    visit(child, True)
                for child in node.orelse:
                    visit(child, type_checking)
                return
            if isinstance(node, ast.Import):
                for alias in node.names:
                    source = lines[node.lineno - 1].strip()
                    found.append(Import(name, node.lineno, source, alias.name, (), type_checking))
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from . import x, from ..a import f
                    parent = base[: len(base) - (node.level - 1)]
                    target = ".".join(parent + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = tuple(alias.name for alias in node.names)
                source = lines[node.lineno - 1].strip()
                found.append(Import(name, node.lineno, source, target, names, type_checking))
            for child in ast.iter_child_nodes(node):
                visit(child, type_checking)

        visit(ast.parse(text, filename=str(path)), False)
        return found

    def edges(self, imp: Import) -> list[str]:
        """The package modules an import runs. A submodule named in ``from pkg import name``
        is an edge to that submodule; any other name is an edge to ``pkg`` itself (its
        ``__init__.py``). Parent packages that Python runs on the way are not edges."""
        if imp.target != self.package and not imp.target.startswith(self.package + "."):
            return []
        if not imp.names:  # import scanlab.x.y
            return [imp.target]
        edges = [
            f"{imp.target}.{n}" if f"{imp.target}.{n}" in self.modules else imp.target
            for n in imp.names
        ]
        return list(dict.fromkeys(edges))

    def graph(self) -> tuple[dict[str, set[str]], dict[tuple[str, str], Import]]:
        """Module -> modules it imports at run time, and the first import of each edge."""
        graph: dict[str, set[str]] = {name: set() for name in self.modules}
        where: dict[tuple[str, str], Import] = {}
        for imp in self.imports:
            if imp.type_checking:
                continue
            for target in self.edges(imp):
                if target in self.modules:
                    graph[imp.module].add(target)
                    where.setdefault((imp.module, target), imp)
        return graph, where

    def missing_names(self) -> list[str]:
        """``from pkg.x import name`` where x neither defines ``name`` nor has a submodule of
        that name (modules with a ``__getattr__`` or a ``*`` import are not checked)."""
        defined: dict[str, set[str] | None] = {}
        for name, path in self.modules.items():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            dynamic = any(
                (isinstance(n, ast.FunctionDef) and n.name == "__getattr__")
                or (isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names))
                for n in tree.body
            )
            defined[name] = None if dynamic else _bound_names(tree.body, nested=True)
        return [
            f"{self.relative(imp.module)}:{imp.line}: {imp.source} ({imp.target} has no {n!r})"
            for imp in self.imports
            if not imp.type_checking and defined.get(imp.target) is not None
            for n in imp.names
            if f"{imp.target}.{n}" not in self.modules and n not in defined[imp.target]
        ]

    def cycles(self) -> list[str]:
        """One shortest cycle per tangle of modules, as ``a -> b -> a`` and the imports."""
        graph, where = self.graph()
        out = []
        for component in _strongly_connected(graph):
            cycle = _shortest_cycle(graph, component[0], set(component))
            lines = [" -> ".join(cycle)]
            for a, b in itertools.pairwise(cycle):
                imp = where[(a, b)]
                lines.append(f"    {self.relative(a)}:{imp.line}: {imp.source}")
            if len(component) > len(cycle) - 1:
                lines.append(
                    f"    (one of the cycles among {len(component)} modules: "
                    f"{', '.join(component)})"
                )
            out.append("\n".join(lines))
        return out


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module, or of a module that imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(components)


def _shortest_cycle(graph: dict[str, set[str]], start: str, members: set[str]) -> list[str]:
    """The shortest path start -> ... -> start within one component (breadth first)."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


SOURCE = PackageSource(PACKAGE_DIR)
MODULES = SOURCE.modules
IMPORTABLE = sorted(name for name in MODULES if name not in SCRIPT_MODULES)


def _import(name: str):
    """Import a package module (dask, its one optional dependency, is a test extra)."""
    return importlib.import_module(name)


def test_module_list_is_complete():
    assert {PACKAGE, f"{PACKAGE}.scan", f"{PACKAGE}.space", f"{PACKAGE}.sampling"} <= set(MODULES)
    folders = {path.parent for path in MODULES.values()}
    missing = sorted(str(d) for d in folders if not (d / "__init__.py").exists())
    assert not missing, f"folders with modules but no __init__.py (not a package): {missing}"
    assert not SOURCE.clashes, f"one module name, two files: {SOURCE.clashes}"


# --------------------------------------------------------------------------------------------
# doctests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", IMPORTABLE)
def test_doctests(name, tmp_path, monkeypatch):
    module = _import(name)
    monkeypatch.chdir(tmp_path)  # an example that writes results/ writes it here
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    try:
        for test in finder.find(module, name, globs=vars(module).copy()):
            runner.run(test, out=report.write)
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    assert runner.failures == 0, report.getvalue()


# --------------------------------------------------------------------------------------------
# the import graph, read from the source
# --------------------------------------------------------------------------------------------


def test_import_graph_reader_on_a_literal_package(tmp_path):
    """Every import form the package uses, resolved on a tiny package written here."""
    files = {
        "__init__.py": "from scanlab.a import f\n",
        "a.py": "from . import b\nimport scanlab.sub\ndef f():\n    pass\n",
        "b.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scanlab import a\n"
            "else:\n    import json\n"
            "def g():\n    from scanlab.sub import c, helper\n"
        ),
        "sub/__init__.py": "def helper():\n    pass\n",
        "sub/c.py": "from ..a import f\n",
        "d.py": "from scanlab import __version__\nimport numpy\nfrom scanlab import d\n",
    }
    for relative, text in files.items():
        path = tmp_path / PACKAGE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    source = PackageSource(tmp_path / PACKAGE)
    graph, _ = source.graph()
    assert graph == {
        "scanlab": {"scanlab.a"},
        "scanlab.a": {"scanlab.b", "scanlab.sub"},
        "scanlab.b": {"scanlab.sub", "scanlab.sub.c"},  # not a: TYPE_CHECKING
        "scanlab.d": {"scanlab", "scanlab.d"},
        "scanlab.sub": set(),
        "scanlab.sub.c": {"scanlab.a"},
    }
    assert source.cycles() == [
        "scanlab.a -> scanlab.b -> scanlab.sub.c -> scanlab.a\n"
        "    scanlab/a.py:1: from . import b\n"
        "    scanlab/b.py:7: from scanlab.sub import c, helper\n"
        "    scanlab/sub/c.py:1: from ..a import f",
        "scanlab.d -> scanlab.d\n    scanlab/d.py:3: from scanlab import d",
    ]
    assert source.missing_names() == [
        "scanlab/d.py:1: from scanlab import __version__ (scanlab has no '__version__')"
    ]


def test_no_import_cycles():
    cycles = SOURCE.cycles()
    assert not cycles, "import cycles in the package:\n" + "\n".join(cycles)


def test_no_module_imports_the_package_root():
    upward = [
        f"{SOURCE.relative(imp.module)}:{imp.line}: {imp.source}"
        for imp in SOURCE.imports
        if not imp.type_checking
        and imp.module not in SCRIPT_MODULES | {PACKAGE}
        and PACKAGE in SOURCE.edges(imp)
    ]
    assert not upward, (
        "modules import the package root (scanlab/__init__.py, which imports them): import "
        "each name from the module that defines it (e.g. scanlab._version, scanlab.errors):\n"
        + "\n".join(upward)
    )


def test_every_package_import_resolves_to_a_module():
    missing = [
        f"{SOURCE.relative(imp.module)}:{imp.line}: {imp.source} (no module {target})"
        for imp in SOURCE.imports
        for target in SOURCE.edges(imp)
        if target not in MODULES
    ]
    assert not missing, "imports of package modules that do not exist:\n" + "\n".join(missing)


def test_every_name_imported_from_a_package_module_exists():
    """``from scanlab.x import name`` names something x defines: a name moved to another
    module is caught here, also in a function-level import that runs only when called."""
    missing = SOURCE.missing_names()
    assert not missing, "imported names that their module does not define:\n" + "\n".join(missing)


def _imports_tensorflow(node: ast.AST) -> bool:
    def is_tf(dotted: str | None) -> bool:
        return bool(dotted) and dotted.split(".")[0] == "tensorflow"

    if isinstance(node, ast.Import):
        return any(is_tf(alias.name) for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and is_tf(node.module)
    if isinstance(node, ast.Call) and node.args:  # importlib.import_module('tensorflow')
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        return (
            called in ("import_module", "__import__")
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and is_tf(first.value)
        )
    return False


def test_no_module_imports_tensorflow():
    found = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if _imports_tensorflow(node):
                line = text.splitlines()[node.lineno - 1].strip()
                found.append(f"{SOURCE.relative(name)}:{node.lineno}: {line}")
    assert not found, (
        "scanlab must work with any Keras backend and import no framework; go through "
        "keras (keras.backend, keras.config) instead:\n" + "\n".join(sorted(found))
    )


# --------------------------------------------------------------------------------------------
# public names: httpx's exported-members test
# --------------------------------------------------------------------------------------------


def _bound_names(body: list[ast.stmt], nested: bool = False) -> set[str]:
    """Names a module's top level binds: imports, assignments, functions and classes; with
    ``nested``, also those bound in its top-level ``if``/``try``/``with``/``for`` blocks."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue  # a compiler directive, not an API
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif nested and isinstance(node, (ast.If, ast.Try, ast.With, ast.For)):
            blocks = [node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])]
            blocks += [handler.body for handler in getattr(node, "handlers", [])]
            if isinstance(node, ast.For):
                names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            for block in blocks:
                names |= _bound_names(block, nested=True)
    return names


def _lazy_names(tree: ast.Module) -> set[str]:
    """Names a module-level ``__getattr__`` provides: the identifiers it compares its
    argument with (``name == 'Analyze'``, ``name in (...)``) and the keys of a module-level
    dict it reads (``_LAZY = {'Analyze': ...}``)."""
    getattr_ = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"),
        None,
    )
    if getattr_ is None:
        return set()
    argument = getattr_.args.args[0].arg
    dicts = {
        t.id: n.value
        for n in tree.body
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, ast.Dict)
        for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
        if isinstance(t, ast.Name)
    }
    names: set[str] = set()
    for node in ast.walk(getattr_):
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Name) and side.id == argument
            for side in [node.left, *node.comparators]
        ):
            for side in [node.left, *node.comparators]:
                names |= {
                    c.value
                    for c in ast.walk(side)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
        if isinstance(node, ast.Name) and node.id in dicts:
            names |= {
                k.value
                for k in dicts[node.id].keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
    return {n for n in names if n.isidentifier()}


def test_lazy_names_reader():
    compared = ast.parse(
        "def __getattr__(name):\n"
        "    if name == 'Analyze':\n        return 1\n"
        "    if name in ('suggest', 'Results'):\n        return 2\n"
        "    raise AttributeError(f'module has no attribute {name!r}')\n"
    )
    assert _lazy_names(compared) == {"Analyze", "Results", "suggest"}
    mapping = ast.parse(
        "_LAZY = {'Analyze': 'scanlab.analyze'}\ndef __getattr__(attr):\n    return _LAZY[attr]\n"
    )
    assert _lazy_names(mapping) == {"Analyze"}
    assert _lazy_names(ast.parse("x = 1\n")) == set()


def test_exported_members():
    """``scanlab.__all__`` is exactly the public names ``scanlab/__init__.py`` binds (plus the
    ones its ``__getattr__`` provides lazily), sorted; submodules that Python binds on the
    package as a side effect of importing them are not public names."""
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    public = {
        n
        for n in _bound_names(tree.body) | _lazy_names(tree)
        if not n.startswith("_") or n == "__version__"
    }
    scanlab = importlib.import_module(PACKAGE)
    assert list(scanlab.__all__) == sorted(public)


def test_all_is_sorted_and_no_exported_name_is_a_module():
    scanlab = importlib.import_module(PACKAGE)
    exported = list(scanlab.__all__)
    assert exported == sorted(exported)
    modules = {name for name in exported if inspect.ismodule(getattr(scanlab, name))}
    assert modules == EXPORTED_MODULES


def test_public_api_is_the_decided_list():
    """Adding or removing a public name is a decision: it changes this list."""
    scanlab = importlib.import_module(PACKAGE)
    assert sorted(scanlab.__all__) == [
        "ASHA",
        "AnalysisError",
        "Analyze",
        "ContractError",
        "Experiment",
        "ExperimentLockedError",
        "FailedRunError",
        "FatalScanError",
        "Hyperband",
        "MetricNotFoundError",
        "NoRunsError",
        "ParamSpace",
        "ParamsError",
        "ParamsTypeError",
        "Results",
        "ResultsFormatError",
        "Scan",
        "ScanArgumentError",
        "ScanArgumentTypeError",
        "ScanlabError",
        "SuccessiveHalving",
        "TooManyFailuresError",
        "WorkerStartError",
        "__version__",
        "budget",
        "callbacks",
        "evaluate",
        "load_results",
        "read_histories",
        "read_results",
        "reduce",
        "shutdown_workers",
        "suggest",
        "talos_range",
    ]


@pytest.mark.parametrize("name", IMPORTABLE)
def test_module_declares_a_sorted_all_of_names_it_has(name):
    module = _import(name)
    assert hasattr(module, "__all__"), (
        f"{name} has no __all__: declare the names other modules may import from it "
        f"(__all__ = [] for a module that exports nothing)"
    )
    exported = module.__all__
    assert isinstance(exported, (list, tuple)), type(exported)
    assert all(isinstance(n, str) for n in exported), exported
    assert list(exported) == sorted(exported), (
        f"{name}.__all__ is not sorted; in order it is {sorted(exported)}"
    )
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not have: {missing}"


# --------------------------------------------------------------------------------------------
# regressions
# --------------------------------------------------------------------------------------------

# In a fresh interpreter, so the order in which this session imported modules cannot hide it.
LAZY_EXPORTS_SCRIPT = textwrap.dedent("""
    import importlib, inspect, json
    import scanlab

    seen = []

    def look(step):
        suggest, analyze = scanlab.suggest, scanlab.Analyze
        seen.append([step, type(suggest).__name__, inspect.isfunction(suggest),
                     inspect.isclass(analyze)])

    look("first access")
    look("second access")
    scanlab.Analyze
    look("after scanlab.Analyze")
    importlib.import_module("scanlab.suggest")
    look("after importing scanlab.suggest")
    print(json.dumps(seen))
""")


def test_lazy_exports_stay_a_function_and_a_class_on_every_access():
    """``scanlab.suggest`` is the function, not the submodule of the same name that the
    import system binds on the package, on the first access and on every later one."""
    done = subprocess.run(
        [sys.executable, "-c", LAZY_EXPORTS_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE_DIR.parent,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    wrong = [
        f"{step}: scanlab.suggest is a {kind}"
        for step, kind, is_function, _ in seen
        if not is_function
    ]
    assert not wrong, "scanlab.suggest is not the function:\n" + "\n".join(wrong)
    assert all(is_class for *_, is_class in seen), seen
