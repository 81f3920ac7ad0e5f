"""One small module per export format. Each takes catalog QuestionViews and returns bytes; none touches the database.
What is particular to a question type is written by the type (tutor/questions/<type>.py) with the format's toolkit.

Formats for learning-management systems are registered in `BANK_FORMATS` (name -> how to write a bank) so that the
educator's page and `manage.py export_bank` offer the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters import gift, moodle_xml, qti


@dataclass(frozen=True)
class BankFormat:
    name: str
    label: str
    extension: str
    content_type: str
    write: Callable[[Sequence[QuestionView]], bytes]


BANK_FORMATS: dict[str, BankFormat] = {
    "moodle-xml": BankFormat(
        "moodle-xml", "Moodle XML (all six types)", "xml", "application/xml; charset=utf-8", moodle_xml.bank_xml
    ),
    "qti": BankFormat(
        "qti", "QTI 2.1 content package (Canvas, Blackboard)", "zip", "application/zip", qti.bank_package
    ),
    "gift": BankFormat("gift", "GIFT (Moodle text format)", "gift.txt", "text/plain; charset=utf-8", gift.bank_gift),
}
