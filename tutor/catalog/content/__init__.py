"""Read and validate the content tree without touching the database.

`read_content(path)` returns the whole curriculum as plain dataclasses together with every problem found, each
located as `file:line: field: message`. The loader applies the result only when there are no problems, so a
half-valid tree never reaches learners.

  yaml_lines      YAML with line numbers (libyaml where available)
  problems        Problem, and the collector every reader reports through
  tree            the dataclasses
  sources         references.yaml
  modules         module.md, its sections and misconceptions.yaml
  questions       questions.yaml, the common fields; each type's own fields are read by its module in
                  tutor/questions (the registry)
  bank            checks across modules
  rules           the writing standard (§4 of the content format): figures in cited sources, near-duplicate
                  stems, key spread, key length, hedged keys
  source_texts    review.txt and updates.md split the way citations point into them
  figures         the numbers of a text
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tutor.catalog.content.bank import (
    check_misconceptions,
    check_unique_ids,
    check_unique_module_orders,
    check_variants,
)
from tutor.catalog.content.modules import read_module
from tutor.catalog.content.problems import Problem
from tutor.catalog.content.rules import check_rules
from tutor.catalog.content.sources import read_sources
from tutor.catalog.content.tree import (
    ContentTree,
    MisconceptionData,
    ModuleData,
    OptionData,
    QuestionData,
    SectionData,
    SourceData,
)

__all__ = [
    "ContentTree",
    "MisconceptionData",
    "ModuleData",
    "OptionData",
    "Problem",
    "QuestionData",
    "SectionData",
    "SourceData",
    "read_content",
]


def read_content(root: Path, *, source_dir: Path | None = None) -> tuple[ContentTree, list[Problem]]:
    """Parse and validate every file under `root`; return the tree and all problems found.

    The writing rules (rules.py) run too; the one that checks numbers against the sources needs `source_dir`
    (review.txt and updates.md) and is skipped, with a warning on the tree, when the folder is absent.
    """
    root = Path(root)
    problems: list[Problem] = []
    sources = read_sources(root / "references.yaml", root, problems)
    modules: list[ModuleData] = []
    module_dirs = (
        sorted(p for p in root.iterdir() if p.is_dir() and (p / "module.md").exists()) if root.is_dir() else []
    )
    if not module_dirs:
        problems.append(Problem(str(root), 1, "modules", "no module folders (each needs a module.md)"))
    for folder in module_dirs:
        module = read_module(folder, root, sources, problems)
        if module is not None:
            modules.append(module)
    check_unique_ids(modules, problems)
    check_unique_module_orders(modules, root, problems)
    check_variants(modules, problems)
    check_misconceptions(modules, problems)
    tree = ContentTree(sources=sources, modules=modules, fingerprint=_fingerprint(root))
    problems += check_rules(tree, source_dir, references=f"{root.name}/references.yaml")
    return tree, problems


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".md", ".yaml", ".yml"}:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
