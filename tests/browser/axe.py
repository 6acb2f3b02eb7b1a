"""axe-core (from npm, node_modules/axe-core) run inside the real headless Chromium.

The page's own CSP forbids injected scripts, so scanning contexts are opened with
`bypass_csp=True`; the pages themselves are unchanged. Only WCAG 2.0/2.1 A and AA rules run
(lag 2018:1937 refers to EN 301 549, i.e. WCAG 2.1 AA).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class AxeReport:
    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"axe-core: {len(self.pages)} sidor skannade, "
            f"{len(self.violations)} överträdelser (WCAG 2.1 A/AA)"
        )


def scan(page, label: str, report: AxeReport) -> list[str]:
    """Run axe on the loaded page; record and return readable violations."""
    if not AXE_JS.exists():
        raise RuntimeError("axe-core saknas: kör `make node-deps` (npm ci).")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    found = []
    for violation in result["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        found.append(
            f"{label}: {violation['id']} ({violation['impact']}) — {violation['help']} — {targets}"
        )
    report.pages.append(label)
    report.violations.extend(found)
    return found
