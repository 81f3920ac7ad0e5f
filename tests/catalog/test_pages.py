"""The home page lists modules; the module page shows its sections, objectives, update panel and sources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_says_what_the_app_is_and_lists_live_modules_in_order(client):
    later = ModuleFactory(title="Risks and safety", order=2, summary="What can go wrong.")
    first = ModuleFactory(title="History and regulation", order=1)
    ModuleFactory(title="Old module", retired=True)
    QuestionFactory.create_batch(2, section=SectionFactory(module=first))
    QuestionFactory(section=SectionFactory(module=first), retired=True)

    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "MDMA-assisted psychotherapy for PTSD" in html
    assert html.index("History and regulation") < html.index("Risks and safety")
    assert "Old module" not in html
    assert "2 questions" in html
    assert "What can go wrong." in html
    assert f'href="{later.get_absolute_url()}"' in html


def test_home_without_content_explains_how_to_load_it(client):
    response = client.get(reverse("catalog:home"))

    assert "load_content" in response.content.decode()


def test_home_runs_one_query_for_an_anonymous_visitor(client, django_assert_num_queries):
    for order in range(5):
        module = ModuleFactory(order=order)
        QuestionFactory.create_batch(3, section=SectionFactory(module=module))

    with django_assert_num_queries(1):
        response = client.get(reverse("catalog:home"))
    assert response.status_code == 200


def test_home_for_a_learner_adds_only_the_user_lookup(client, django_assert_num_queries):
    ModuleFactory()
    client.force_login(UserFactory())

    with django_assert_num_queries(2):
        client.get(reverse("catalog:home"))


def test_module_page_shows_objectives_sections_with_anchors_and_question_count(client):
    module = ModuleFactory(title="Mechanisms of action", objectives=["Name the transporters MDMA acts on."])
    section = SectionFactory(
        module=module,
        anchor="transporters",
        title="Transporters",
        body_html="<p>Serotonin transporter binding is strongest.</p>",
    )
    QuestionFactory.create_batch(3, section=section)

    response = client.get(module.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Mechanisms of action</h1>" in html
    assert "Name the transporters MDMA acts on." in html
    assert '<section id="transporters"' in html
    assert 'href="#transporters"' in html
    assert "Serotonin transporter binding is strongest." in html
    assert "3 questions in this module" in html


def test_module_page_shows_the_since_the_review_panel_last(client):
    module = ModuleFactory()
    SectionFactory(
        module=module,
        anchor="since-the-review",
        title="Since the review",
        order=0,
        body_html="<p>No approval to date.</p>",
    )
    SectionFactory(module=module, anchor="basics", title="Basics", order=1)

    html = client.get(module.get_absolute_url()).content.decode()

    assert 'class="module-section since-panel"' in html
    assert html.index('id="basics"') < html.index('id="since-the-review"')


def test_module_page_lists_the_sources_its_sections_and_questions_cite(client):
    module = ModuleFactory()
    section = SectionFactory(module=module)
    cited_by_text = SourceFactory(number=16, title="Phase 2 results")
    cited_by_question = SourceFactory(
        key="upd-mapp1",
        number=None,
        kind="update",
        title="MAPP1 results",
        note="CAPS-5 fell by 24.4 points.",
        citation="Nature Medicine 2021",
    )
    review_text = SourceFactory(
        key="review:discussion", number=None, kind="section", title="Discussion", note="The authors' own reading."
    )
    SourceFactory(number=40, title="Not cited here")
    section.sources.add(cited_by_text)
    QuestionFactory(section=section).sources.add(cited_by_question, review_text)

    html = client.get(module.get_absolute_url()).content.decode()

    assert 'id="source-16"' in html
    assert 'id="source-upd-mapp1"' in html
    assert '<dt><a href="/sources/upd-mapp1/">MAPP1 results</a></dt>' in html  # named by its title, not its key
    assert "CAPS-5 fell by 24.4 points." in html and "Nature Medicine 2021" in html
    assert '<dt><a href="/sources/16/">Review reference [16]</a></dt>' in html
    assert 'id="source-review-discussion"' in html
    assert "The review: Discussion" in html and "The authors&#x27; own reading." in html
    assert "Not cited here" not in html


def test_retired_sections_are_not_shown(client):
    module = ModuleFactory()
    SectionFactory(module=module, anchor="old", title="An old section", retired=True)

    assert "An old section" not in client.get(module.get_absolute_url()).content.decode()


@pytest.mark.parametrize("slug", ["no-such-module", "retired-module"])
def test_unknown_or_retired_module_is_404(client, slug):
    ModuleFactory(slug="retired-module", retired=True)

    assert client.get(reverse("catalog:module_detail", kwargs={"slug": slug})).status_code == 404


def test_module_page_query_count_does_not_grow_with_content(client, django_assert_num_queries):
    module = ModuleFactory()
    for _ in range(8):
        section = SectionFactory(module=module)
        section.sources.add(SourceFactory())
        QuestionFactory.create_batch(4, section=section)

    with django_assert_num_queries(3):
        response = client.get(module.get_absolute_url())
    assert response.status_code == 200


def test_pages_refuse_post(client):
    module = ModuleFactory()

    assert client.post(reverse("catalog:home")).status_code == 405
    assert client.post(module.get_absolute_url()).status_code == 405


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("catalog:home")).headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
