"""JUnit XML: one test suite per file, one failing test case per finding."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence
from xml.etree import ElementTree as ET

from ..findings import Finding


SHOWS_RELATED = False  # it leaves out the related locations


def render(findings: Sequence[Finding]) -> str:
    root = ET.Element("testsuites", name="leaklint", tests=str(max(len(findings), 1)), failures=str(len(findings)))
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    if not by_file:
        suite = ET.SubElement(root, "testsuite", name="leaklint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname="leaklint")
    for path, items in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(items)), failures=str(len(items)), errors="0")
        for f in items:
            case = ET.SubElement(suite, "testcase", name=f"{f.code} {path}:{f.line}:{f.col}", classname=path,
                                 file=path, line=str(f.line))
            failure = ET.SubElement(case, "failure", message=f"{f.code} {f.message}", type=f.code)
            failure.text = f"{path}:{f.line}:{f.col}: {f.code} {f.message}"
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
