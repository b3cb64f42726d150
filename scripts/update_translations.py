"""Refresh the Qt Linguist sources and fill unfinished Chinese translations.

    .venv/bin/python scripts/update_translations.py [TRANSLATIONS.json]

Runs pyside6-lupdate over hospital_client/ui and every module with QT_TRANSLATE_NOOP (new
strings appear as unfinished, removed ones become obsolete), then, given a JSON object
{english source: chinese text}, fills the unfinished entries it has. The .ts file is the
source of truth; the build compiles it to .qm. Prints the sources still untranslated, so
nothing ships half-translated unnoticed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "hospital_client_zh_CN.ts"


def main() -> int:
    package = ROOT / "hospital_client"
    # The window's own strings, and the clerk sentences that errors below ui/ carry (QT_TRANSLATE_NOOP).
    sources = sorted({str(p) for p in (package / "ui").glob("*.py")}
                     | {str(p) for p in package.rglob("*.py") if "QT_TRANSLATE_NOOP(" in p.read_text(encoding="utf-8")})
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *sources, "-no-obsolete", "-source-language", "en", "-target-language", "zh_CN",
                    "-ts", str(TS)], check=True)
    given = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    tree = ET.parse(TS)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        if translation.get("type") == "unfinished":
            if source in given:
                translation.text = given[source]
                del translation.attrib["type"]
            else:
                missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print(f"untranslated: {source}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
