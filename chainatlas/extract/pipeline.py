"""The extraction pipeline: an ordered list of small components over a Document.

Like spaCy's pipeline, a component is a plain function ``(Document) -> Document``
that adds annotations (entities, quantities, facts) with character offsets and
returns the same document. Components are pure functions of the document and of
read-only data files, so a pipeline can run on any worker (process pool, Dask).

Components register themselves by name::

    @registry.component("quantities")
    def extract_quantities(doc: Document) -> Document: ...

and ``Pipeline.default()`` runs the names in ``DEFAULT_COMPONENTS`` in order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from chainatlas.model import Document

Component = Callable[[Document], Document]

# Order matters: later components read what earlier ones added
# (regions skip mentions inside organisation and park names; facts read all).
DEFAULT_COMPONENTS: tuple[str, ...] = (
    "quantities",
    "parks",
    "organizations",
    "regions",
    "dates",
    "metrics",
    "projects",
    "roles",
    "products",
    "events",
)

# Modules that define components; imported lazily so a bare import stays cheap.
_COMPONENT_MODULES: tuple[str, ...] = (
    "chainatlas.extract.quantities",
    "chainatlas.extract.parks",
    "chainatlas.extract.organizations",
    "chainatlas.extract.regions",
    "chainatlas.extract.facts.dates",
    "chainatlas.extract.facts.metrics",
    "chainatlas.extract.facts.projects",
    "chainatlas.extract.facts.roles",
    "chainatlas.extract.facts.products",
    "chainatlas.extract.facts.events",
)


@dataclass
class Registry:
    """Name → component function; plugins add their own with the decorator."""

    components: dict[str, Component] = field(default_factory=dict)
    _loaded: bool = False

    def component(self, name: str) -> Callable[[Component], Component]:
        def register(fn: Component) -> Component:
            self.components[name] = fn
            return fn

        return register

    def get(self, name: str) -> Component:
        self.load_builtin()
        try:
            return self.components[name]
        except KeyError:
            known = ", ".join(sorted(self.components))
            raise KeyError(f"unknown extraction component {name!r} (known: {known})") from None

    def load_builtin(self) -> None:
        if not self._loaded:
            self._loaded = True
            for module in _COMPONENT_MODULES:
                importlib.import_module(module)


registry = Registry()


@dataclass
class Pipeline:
    """Runs named components in order over documents."""

    names: tuple[str, ...] = DEFAULT_COMPONENTS

    @classmethod
    def default(cls) -> Pipeline:
        return cls(DEFAULT_COMPONENTS)

    def __post_init__(self) -> None:
        self._steps = [registry.get(n) for n in self.names]

    def __call__(self, doc: Document) -> Document:
        for step in self._steps:
            doc = step(doc)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)
