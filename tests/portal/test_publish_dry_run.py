"""publish --dry-run (issue 21 item 6): the text and JSON plans agree, and the dry run checks that the API token
may publish to each dataset and says so (a wrong token: the plan is shown, then one error line, exit 2).
Against the real local portal."""

from __future__ import annotations

import json
import re

import pytest
from package_factory import ORG, make_package, unique_name

from stoke_opendata.portal.local_package import DESCRIPTOR


def _text_plan(out: str) -> dict:
    """dataset -> (action, changes listed, {path: action}) from the text plan."""
    plans, current = {}, None
    for line in out.splitlines():
        if m := re.match(r"^  (\S+): (create|update|unchanged)(?: \((.*)\))?$", line):
            current = m[1]
            plans[current] = (m[2], [c for c in (m[3] or "").split(", ") if c], {})
        elif line.startswith("    ! warning: ") and current:  # a DCAT property left out for want of an IRI
            plans[current][2].setdefault("warnings", []).append(line.removeprefix("    ! warning: "))
        elif (m := re.match(r"^    \S (\S+): (\w+)", line)) and current:
            plans[current][2][m[1]] = m[2]
    return plans


def _json_plan(out: str) -> dict:
    doc = json.loads(out)
    return {d["name"]: (d["action"], d["changes"], {r["path"]: r["action"] for r in d["resources"]}
                        | ({"warnings": d["warnings"]} if d.get("warnings") else {}))
            for d in doc["plan"]["datasets"]}


@pytest.mark.portal
def test_text_and_json_dry_runs_agree_and_say_the_token_may_publish(run_cli, portal, tmp_path):
    folder = make_package(tmp_path, unique_name("dry"))
    code, out, err = run_cli(["publish", folder], env=portal.env())
    assert code == 0, err
    descriptor = json.loads((folder / DESCRIPTOR).read_text())
    descriptor["title"] = "A new title"
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor))
    code, text, err = run_cli(["publish", folder, "--dry-run"], env=portal.env())
    assert code == 0, err
    code, js, err = run_cli(["publish", folder, "--dry-run", "--format", "json"], env=portal.env())
    assert code == 0, err
    assert _text_plan(text) == _json_plan(js)
    action, changes, resources = _json_plan(js)[folder.name]
    assert action == "update" and "title" in " ".join(changes)
    assert resources[DESCRIPTOR] == "update"  # its portal copy is rewritten: not "unchanged" in either plan
    assert f"token: the API token may publish to {ORG['name']}" in text
    assert json.loads(js)["plan"]["token"]["ok"] is True


@pytest.mark.portal
def test_a_dry_run_with_a_wrong_token_says_the_real_run_would_fail(run_cli, portal, tmp_path):
    folder = make_package(tmp_path, unique_name("dry"))
    wrong = "wrong-token-" + unique_name()
    code, out, err = run_cli(["publish", folder, "--dry-run"], env=portal.env(CKAN_API_TOKEN=wrong))
    assert code == 2 and "plan for" in out and "token: the real run would fail: the portal refused the API token" in out
    assert err.startswith("error: ") and err.count("\n") == 1 and "dry run: the real run would fail" in err
    assert wrong not in out + err
    code, out, err = run_cli(["publish", folder, "--dry-run", "--format", "json"], env=portal.env(CKAN_API_TOKEN=wrong))
    assert code == 2 and json.loads(out)["plan"]["token"]["ok"] is False
