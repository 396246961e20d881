"""Generator steps contributed by apps above core (pipelines, dues, meetings, …).

``core`` must not import those apps, so each app with demo and benchmark data has a module
``<app>/demo_data.py`` whose functions are decorated with ``@generator_step``; the generator
imports every such module (``autodiscover_modules``) and runs the steps in ``order`` after the
trees, people and members exist, inside the generator's transaction, each as its own stage::

    @generator_step("dues", order=20)
    def generate_dues(generator) -> int:   # returns the number of rows written
        ...

A step gets the running ``Generator``: ``generator.rng`` (seeded, so data is deterministic),
``generator.today``, ``generator.scale``, ``generator.anchors`` (the demo logins' nodes and
people), ``generator.log`` and ``generator.insert(model, rows, stage)`` (bulk_create in
batches). Steps must bulk-insert: the district scale has ~40,000 members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from dangjian.core.registry import registry


@dataclass(frozen=True)
class GeneratorStep:
    name: str
    order: int
    function: Callable


def generator_step(name: str, *, order: int = 50) -> Callable:
    def decorate(function: Callable) -> Callable:
        registry["generator_steps"][name] = GeneratorStep(name=name, order=order, function=function)
        return function

    return decorate


def registered_steps() -> list[GeneratorStep]:
    autodiscover_modules("demo_data")
    return sorted(registry["generator_steps"].values(), key=lambda step: (step.order, step.name))


def anchor_loader(name: str) -> Callable:
    """Register a function that fills ``generator.anchors`` from a database generated earlier
    (``generate --add-steps``): the app that sets an anchor in a full run reads it back."""

    def decorate(function: Callable) -> Callable:
        registry["generator_anchor_loaders"][name] = function
        return function

    return decorate
