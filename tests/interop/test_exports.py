"""Question-bank exports: every question and type survives the trip, parsed back from the file."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tests.factories import EducatorFactory, UserFactory
from tutor.interop.exporters import gift, moodle_xml, qti
from tutor.interop.selectors import module_questions

pytestmark = pytest.mark.django_db
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


def by_idnumber(root: ET.Element) -> dict[str, ET.Element]:
    return {q.findtext("idnumber"): q for q in root.findall("question") if q.get("type") != "category"}


def test_moodle_xml_covers_all_six_types_with_answers_fractions_and_tolerance(bank):
    root = ET.fromstring(moodle_xml.bank_xml(module_questions(bank, "alpha")))
    assert root.find("question[@type='category']/category/text").text == "$course$/top/MDMA-AT Tutor/Alpha module"
    questions = by_idnumber(root)
    assert {qid: q.get("type") for qid, q in questions.items()} == {
        "alpha-001": "multichoice",
        "alpha-002": "multichoice",
        "alpha-003": "truefalse",
        "alpha-004": "matching",
        "alpha-005": "ordering",
        "alpha-006": "numerical",
    }
    single = questions["alpha-001"]
    assert single.findtext("single") == "true"
    assert [(a.get("fraction"), a.findtext("text")) for a in single.findall("answer")] == [
        ("100", "The right one"),
        ("0", "A wrong one"),
    ]
    assert single.find("answer/feedback/text").text == "It is right."
    assert "The right one is right." in single.findtext("generalfeedback/text")
    assert "Sources: Review reference [1]" in single.findtext("generalfeedback/text")

    multiple = questions["alpha-002"]
    assert multiple.findtext("single") == "false"
    assert [a.get("fraction") for a in multiple.findall("answer")] == ["50", "50", "-100"]

    true_false = questions["alpha-003"]
    answers = {a.findtext("text"): a for a in true_false.findall("answer")}
    assert answers["false"].get("fraction") == "100" and answers["true"].get("fraction") == "0"
    assert answers["true"].findtext("feedback/text") == "Tempting because the review says so."

    matching = questions["alpha-004"]
    pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in matching.findall("subquestion")]
    assert pairs == [("<p>Left one</p>", "Right one"), ("<p>Left two</p>", "Right two"), ("", "Right three")]
    assert "They belong together." in matching.findtext("generalfeedback/text")

    ordering = questions["alpha-005"]
    assert [a.findtext("text") for a in ordering.findall("answer")] == ["First", "Second", "Third"]

    numeric = questions["alpha-006"]
    right, error = numeric.findall("answer")
    assert (right.get("fraction"), right.findtext("text"), right.findtext("tolerance")) == ("100", "54.2", "0.5")
    assert (error.get("fraction"), error.findtext("text")) == ("0", "56")
    assert (
        error.findtext("feedback/text") == "The review&#x27;s figure."
    )  # HTML-escaped, as Moodle's format="html" reads


def test_qti_package_has_a_manifest_and_one_valid_item_per_question(bank):
    package = zipfile.ZipFile(io.BytesIO(qti.bank_package(module_questions(bank, "alpha"))))
    manifest = ET.fromstring(package.read("imsmanifest.xml"))
    hrefs = [r.get("href") for r in manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}resource")]
    assert len(hrefs) == 6
    items = {href: ET.fromstring(package.read(href)) for href in hrefs}
    kinds = {
        item.get("identifier"): next(
            child.tag.removeprefix(QTI) for child in item.iter() if child.tag.endswith("Interaction")
        )
        for item in items.values()
    }
    assert kinds == {
        "Q_alpha-001": "choiceInteraction",
        "Q_alpha-002": "choiceInteraction",
        "Q_alpha-003": "choiceInteraction",
        "Q_alpha-004": "matchInteraction",
        "Q_alpha-005": "orderInteraction",
        "Q_alpha-006": "textEntryInteraction",
    }

    def correct(href):
        return [
            v.text
            for v in items[href].iter(f"{QTI}value")
            if v in items[href].find(f"{QTI}responseDeclaration/{QTI}correctResponse")
        ]

    assert correct("items/alpha-001.xml") == ["C_a"]
    assert correct("items/alpha-002.xml") == ["C_a", "C_b"]
    assert correct("items/alpha-003.xml") == ["C_false"]
    assert correct("items/alpha-004.xml") == ["P_a C_a", "P_b C_b"]
    assert correct("items/alpha-005.xml") == ["C_a", "C_b", "C_c"]
    numeric = items["items/alpha-006.xml"]
    assert correct("items/alpha-006.xml") == ["54.2"]
    assert numeric.find(f".//{QTI}equal").get("tolerance") == "0.5 0.5"
    feedback = {f.get("identifier"): f.text for f in items["items/alpha-001.xml"].findall(f"{QTI}modalFeedback")}
    assert feedback["C_b"] == "It is wrong." and "The right one is right." in feedback["general"]


def test_gift_covers_every_type_and_escapes_control_characters(bank):
    text = gift.bank_gift(module_questions(bank, "alpha")).decode()
    assert text.startswith("$CATEGORY: $course$/top/MDMA-AT Tutor/")
    assert "=The right one#It is right." in text and "~A wrong one#It is wrong." in text
    assert "~%50%First right#Right." in text and "~%-100%Wrong#Wrong." in text
    assert "{\n    FALSE#Tempting because the review says so.#Right; the paper says 54.2%." in text
    assert "=Left one -> Right one" in text and "= -> Right three" in text
    assert "=First -> 1st" in text and "=Third -> 3rd" in text and "no ordering type" in text
    assert "{#\n    =54.2\\:0.5#" not in text and "=54.2:0.5#54.2% in the paper." in text
    assert "=%0%56:0#The review's figure." in text
    assert gift.escape("a = b {c} #d ~e: f") == "a \\= b \\{c\\} \\#d \\~e\\: f"


def test_export_bank_command_writes_each_format(bank, tmp_path):
    for name in ("moodle-xml", "qti", "gift"):
        target = tmp_path / f"bank.{name}"
        call_command("export_bank", "--format", name, "--module", "alpha", "-o", str(target))
        assert target.stat().st_size > 500
    ET.fromstring((tmp_path / "bank.moodle-xml").read_bytes())
    with pytest.raises(CommandError, match="No live module 'nope'"):
        call_command("export_bank", "--format", "gift", "--module", "nope", "-o", str(tmp_path / "x"))


def test_educator_downloads_a_bank_and_learner_is_refused(bank, client):
    client.force_login(UserFactory())
    assert client.get("/educator/export/bank/?format=gift&module=alpha").status_code == 403
    client.force_login(EducatorFactory())
    assert client.get("/educator/export/bank/").status_code == 200
    response = client.get("/educator/export/bank/?format=moodle-xml&module=alpha")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('alpha.xml"')
    assert len(by_idnumber(ET.fromstring(response.content))) == 6
    bad = client.get("/educator/export/bank/?format=pdf&module=alpha")
    assert bad.status_code == 400 and b"Choose Moodle XML, QTI or GIFT." in bad.content
    assert client.get("/educator/export/bank/?format=gift&module=nope").status_code == 400
