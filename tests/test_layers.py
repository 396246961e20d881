"""The layers hold: no app imports an app on a higher floor, nor names its models in a string.

DESIGN.md ("Layers"): core ← orgs ← accounts ← members ← the domain apps ← dashboard, portal;
elections may use life. A lower floor that needs something from above gets it through the
registry (``core.registry``), filled from the upper app's ``ready()``. This test reads every
module under ``src/dangjian`` with ``ast`` (migrations excluded: they record history) and fails
on an import of a higher floor — at module level or inside a function — and on a string model
reference (``"app.Model"`` in a ForeignKey/OneToOneField/ManyToManyField, or
``apps.get_model(...)``) to a higher floor, except the ones listed in ``EXCEPTIONS`` with why.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import dangjian

SOURCE = Path(dangjian.__file__).resolve().parent

FLOORS: dict[str, int] = {
    "core": 0,
    "orgs": 1,
    "accounts": 2,
    "members": 3,
    "development": 4,
    "dues": 4,
    "dual_reporting": 4,
    "life": 4,
    "service": 4,
    # Apps the issue announces; listed so they land on their floor the day they arrive.
    "volunteering": 4,
    "service_posts": 4,  # 服务岗 / 党员先锋岗 and their 领岗协议书
    "help_pairs": 4,  # 帮扶对子
    "jobs": 4,  # 就业: postings, seekers, training
    "activities": 5,  # volunteer activities, the one hours ledger, 证明 and points: reads volunteering
    "evaluation": 4,  # 评星定级: schemes, rounds, stars, 整改; reads figures only
    "member_points": 4,  # 党员积分: rules, postings from registered point sources, ledger
    "demonstration": 4,  # 示范点: standards, applications, designation, re-checks
    "privacy": 4,  # 个人信息保护: export, erasure, retention; reads the personal_data_sources store
    "mailbox": 4,  # 领导信箱: messages to organizations, answered by deadline; may file service requests
    "publicity": 4,
    "proposals": 4,  # 网上提议
    "deliberation": 4,  # 议事: topics, the five parties, meetings, follow-up tasks
    "learning": 4,
    "elections": 5,  # may use life
    "portal": 6,
    "dashboard": 6,
    "mine": 6,  # a member's own pages: reads the domain apps, none reads it
}

# (module relative to src/dangjian, the app it reaches up to) -> why it may.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # Residents' comments on post holders are proved with the portal's phone codes and limited
    # by its rate limits, which the portal owns; only the app's public pages use them.
    ("service_posts.public", "portal"): "phone-verified, rate-limited comments on the 领岗协议书 page",
    # Residents submit needs and 微心愿 and confirm a fulfilled wish with the same phone codes and
    # limits as a service request; one mechanism, owned by the portal.
    # Residents write to the leader mailbox with the same phone codes and limits as a request.
    ("mailbox.public", "portal"): "phone-verified, rate-limited messages to the leader mailbox",
    # Residents raise deliberation topics with the portal's phone codes and rate limits.
    ("deliberation.public", "portal"): "phone-verified, rate-limited topics raised by residents",
    (
        "volunteering.lists.views.public",
        "portal",
    ): "phone-verified, rate-limited needs and 微心愿 from residents",
    # Residents propose and support with the portal's phone codes and rate limits.
    ("proposals.public", "portal"): "phone-verified, rate-limited proposals and supports from residents",
}

MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


@dataclass(frozen=True)
class Reach:
    module: str
    line: int
    target: str
    how: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} {self.how} -> {self.target}"


def _app_of(dotted: str) -> str | None:
    """``dangjian.members.models`` -> ``members``; None for the project's own wiring modules."""
    parts = dotted.split(".")
    if len(parts) < 2 or parts[0] != "dangjian" or parts[1] not in FLOORS:
        return None
    return parts[1]


def _module_name(path: Path) -> str:
    relative = path.relative_to(SOURCE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            prefix = ".".join(base)
            target = f"{prefix}.{node.module}" if node.module else prefix
        else:
            target = node.module or ""
        # ``from dangjian import members`` names the app in the alias.
        if target == "dangjian":
            return [f"dangjian.{alias.name}" for alias in node.names]
        return [target]
    return []


def _call_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _string_models(node: ast.Call) -> list[str]:
    """App labels a model-field or ``get_model`` call names as strings."""
    name = _call_name(node.func)
    strings = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    if name in MODEL_FIELDS:
        to = [
            keyword.value.value
            for keyword in node.keywords
            if keyword.arg == "to" and isinstance(keyword.value, ast.Constant)
        ]
        first = (strings[:1] if node.args and isinstance(node.args[0], ast.Constant) else []) + to
        return [value.split(".")[0] for value in first if "." in value]
    if name == "get_model" and strings:
        # get_model("app", "Model") or get_model("app.Model")
        return [strings[0].split(".")[0]]
    return []


def reaches_up() -> list[Reach]:
    found: list[Reach] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        app = _app_of(module)
        if app is None:
            continue
        floor = FLOORS[app]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[tuple[str, str]] = []
            for dotted in _imported(node, module, is_package):
                target = _app_of(dotted)
                if target:
                    targets.append((target, "import"))
            if isinstance(node, ast.Call):
                targets += [(label, "string model reference") for label in _string_models(node)]
            for target, how in targets:
                if target in FLOORS and FLOORS[target] > floor:
                    found.append(Reach(module.removeprefix("dangjian."), node.lineno, target, how))
    return found


def test_no_module_imports_or_names_a_model_of_a_higher_floor():
    violations = [reach for reach in reaches_up() if (reach.module, reach.target) not in EXCEPTIONS]
    assert not violations, "Lower floors reaching up (use the registry instead):\n" + "\n".join(
        map(str, violations)
    )


def test_every_listed_exception_is_still_needed():
    used = {(reach.module, reach.target) for reach in reaches_up()}
    stale = sorted(set(EXCEPTIONS) - used)
    assert not stale, f"Exceptions that no longer occur (remove them): {stale}"


def test_the_layer_check_catches_an_upward_import_and_a_string_reference(tmp_path, monkeypatch):
    # The check itself can fail: a core module importing members and naming "service.X" is caught.
    package = tmp_path / "dangjian"
    (package / "core").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "core" / "__init__.py").write_text("")
    (package / "core" / "bad.py").write_text(
        "from dangjian.members.models import PartyMember\n"
        "from django.db import models\n"
        "def f():\n"
        "    from ..service import models as m\n"
        "class X(models.Model):\n"
        "    y = models.ForeignKey('service.ServiceRequest', on_delete=models.CASCADE)\n"
        "z = apps.get_model('dues', 'DuesPayment')\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["SOURCE"]), "SOURCE", package)
    found = {(reach.module, reach.target, reach.how) for reach in reaches_up()}
    assert found == {
        ("core.bad", "members", "import"),
        ("core.bad", "service", "import"),
        ("core.bad", "service", "string model reference"),
        ("core.bad", "dues", "string model reference"),
    }
