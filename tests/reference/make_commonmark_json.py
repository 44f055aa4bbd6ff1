"""Write commonmark-spec-0.31.2.json from the spec.txt of the npm package commonmark-spec@0.31.2.

    npm pack commonmark-spec@0.31.2 && tar xzf commonmark-spec-0.31.2.tgz
    python tests/reference/make_commonmark_json.py package/spec.txt > tests/reference/commonmark-spec-0.31.2.json

The examples are extracted as the spec's own test/spec_tests.py does (→ stands for a tab). The spec text is
CC BY-SA 4.0 (John MacFarlane); so is the JSON made from it (see README.md here).
"""

from __future__ import annotations

import json
import re
import sys

FENCE = "`" * 32


def examples(text: str) -> list[dict[str, object]]:
    text = text.replace("\r\n", "\n").split("<!-- END TESTS -->", 1)[0]
    found, section, number = [], "", 0
    pattern = re.compile(
        rf"^{FENCE} example\n(?P<md>[\s\S]*?)^\.\n(?P<html>[\s\S]*?)^{FENCE}$|^#{{1,6}} *(?P<h>.*)$", re.M
    )
    for match in pattern.finditer(text):
        if match["h"] is not None:
            section = match["h"]
            continue
        number += 1
        start = text.count("\n", 0, match.start()) + 1
        found.append(
            {
                "markdown": match["md"].replace("→", "\t"),
                "html": match["html"].replace("→", "\t"),
                "example": number,
                "start_line": start,
                "end_line": start + match.group(0).count("\n"),
                "section": section,
            }
        )
    return found


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as spec:
        print(json.dumps(examples(spec.read()), ensure_ascii=False, indent=0))
