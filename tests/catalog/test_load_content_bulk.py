"""`load_content` reads each table once and writes in bulk: its cost does not grow with the bank, and a section
whose text and cited sources are unchanged is not rendered again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.conf import settings

from tutor.catalog import sync
from tutor.catalog.content import ContentTree, read_content
from tutor.catalog.models import Option, Question, Section
from tutor.catalog.sync import load_content_tree

pytestmark = pytest.mark.django_db

# The savepoint and its release; a read of sources, modules, sections, section links, questions, misconceptions and
# live questions no longer in the files; two retiring UPDATEs (misconceptions, modules).
NO_OP_QUERIES = 11
# Those, a read of question links, and one INSERT each for sources, modules, sections, section links, questions,
# options, question links, misconceptions and the ContentLoad row.
FRESH_QUERIES = 21


def tiny_tree(path: Path, *, extra_copies: int = 0) -> ContentTree:
    """The tiny tree, with `extra_copies` more copies of each question under new ids (the bank made bigger)."""
    tree, problems = read_content(path, source_dir=settings.TUTOR_SOURCE_DIR)
    assert not problems, problems
    for module in tree.modules:
        originals = list(module.questions)
        for copy in range(1, extra_copies + 1):
            module.questions += [
                dataclasses.replace(q, qid=f"{q.qid}-copy{copy}", order=q.order + 1000 * copy) for q in originals
            ]
    return tree


@pytest.mark.parametrize("extra_copies", [0, 20])
def test_a_fresh_load_takes_the_same_queries_whatever_the_size_of_the_bank(
    tiny_content, extra_copies, django_assert_num_queries
):
    tree = tiny_tree(tiny_content, extra_copies=extra_copies)

    with django_assert_num_queries(FRESH_QUERIES):
        report = load_content_tree(tree=tree)

    questions = sum(len(m.questions) for m in tree.modules)
    assert report.questions["alpha"].created == questions == Question.objects.count()
    assert Option.objects.count() == sum(len(q.options) for m in tree.modules for q in m.questions)


@pytest.mark.parametrize("extra_copies", [0, 20])
def test_a_load_without_changes_only_reads_and_takes_the_same_queries_whatever_the_size(
    tiny_content, extra_copies, django_assert_num_queries
):
    load_content_tree(tree=tiny_tree(tiny_content, extra_copies=extra_copies))
    tree = tiny_tree(tiny_content, extra_copies=extra_copies)

    with django_assert_num_queries(NO_OP_QUERIES) as captured:
        report = load_content_tree(tree=tree)

    assert report.changed == 0
    writes = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    # The retirements are UPDATEs that match nothing; nothing is inserted or deleted.
    assert all(sql.lstrip().upper().startswith(("UPDATE", "SAVEPOINT", "RELEASE")) for sql in writes), writes


def count_renders(monkeypatch) -> list[str]:
    rendered: list[str] = []
    real = sync.render_markdown

    def counting(text, **kwargs):
        rendered.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(sync, "render_markdown", counting)
    return rendered


def test_unchanged_sections_are_not_rendered_again(tiny_content, load_content, monkeypatch):
    load_content(tiny_content)
    rendered = count_renders(monkeypatch)

    assert load_content(tiny_content).ok

    assert rendered == []


def test_an_edited_section_is_rendered_again_and_the_others_keep_their_html(tiny_content, load_content, monkeypatch):
    load_content(tiny_content)
    module = tiny_content / "alpha" / "module.md"
    module.write_text(module.read_text().replace("Later events [@16].", "Later **events** [@16]."))
    rendered = count_renders(monkeypatch)

    assert load_content(tiny_content).ok

    assert rendered == ["Later **events** [@16]."]
    assert "<strong>events</strong>" in Section.objects.get(anchor="since-the-review").body_html


def test_a_section_citing_a_retitled_source_is_rendered_with_the_new_title(tiny_content, load_content):
    load_content(tiny_content)
    references = tiny_content / "references.yaml"
    references.write_text(references.read_text().replace("The compound's history", "The drug's history"))

    assert load_content(tiny_content).ok

    html = Section.objects.get(anchor="first").body_html
    assert "drug" in html
    assert "compound" not in html


def test_rerender_renders_every_section(tiny_content, load_content, monkeypatch):
    load_content(tiny_content)
    rendered = count_renders(monkeypatch)

    assert load_content(tiny_content, "--rerender").ok

    assert len(rendered) == Section.objects.count()


def test_sections_written_by_an_older_renderer_are_rendered_again(tiny_content, load_content, monkeypatch):
    """A change to the renderer raises RENDERER_VERSION; the next ordinary load brings stored HTML up to date."""
    from tutor.catalog.rendering import RENDERER_VERSION

    load_content(tiny_content)
    old = Section.objects.get(anchor="first")
    Section.objects.filter(pk=old.pk).update(body_html="<p>stale</p>", rendered_with=RENDERER_VERSION - 1)
    rendered = count_renders(monkeypatch)

    assert load_content(tiny_content).ok

    assert len(rendered) == 1
    fresh = Section.objects.get(pk=old.pk)
    assert fresh.rendered_with == RENDERER_VERSION
    assert "stale" not in fresh.body_html
