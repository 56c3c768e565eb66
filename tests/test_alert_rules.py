"""The Prometheus alert rules in deploy/prometheus: valid for promtool, each alert unit-tested
firing and quiet, and each with a runbook in docs/metrics.md."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import prometheus_tool

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus" / "responses-bridge.rules.yaml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "responses-bridge.rules.test.yaml"
DOCS = ROOT / "docs" / "metrics.md"


def alerts() -> list[dict[str, Any]]:
    """Every alerting rule of the rules file."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [prometheus_tool("promtool"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=RULES.parent,
    )


def test_promtool_checks_the_rules() -> None:
    """`promtool check rules` accepts the file and counts every alert in it."""
    result = promtool("check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alerts())} rules found" in result.stdout


def test_promtool_unit_tests_pass() -> None:
    """`promtool test rules` passes every unit test of the rules."""
    result = promtool("test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("alert", alerts(), ids=lambda rule: rule["alert"])
def test_each_alert_is_tested_firing_and_quiet(alert: dict[str, Any]) -> None:
    """Each alert has a unit test where it fires and an evaluation where it does not."""
    cases = [
        case
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case["alertname"] == alert["alert"]
    ]
    assert any(case["exp_alerts"] for case in cases), "no case where it fires"
    assert any(not case["exp_alerts"] for case in cases), "no case where it stays quiet"


@pytest.mark.parametrize("alert", alerts(), ids=lambda rule: rule["alert"])
def test_each_alert_has_a_runbook(alert: dict[str, Any]) -> None:
    """Each alert links to its own section of docs/metrics.md, which says what to do."""
    anchor = alert["annotations"]["runbook"].removeprefix("docs/metrics.md#")
    assert anchor == alert["alert"].lower()
    sections = re.split(r"^#+ ", DOCS.read_text(), flags=re.MULTILINE)
    found = [s for s in sections if s.startswith(alert["alert"])]
    assert found, f"docs/metrics.md has no section {alert['alert']}"
    assert "What to do" in found[0]
