"""Static checks of the addon and the project, run by the harness's pytest step."""

import ast
import os
import re
import subprocess
from pathlib import Path

import i18n_tool
import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "addons" / "sales_plus"
MANIFEST = ast.literal_eval((ADDON / "__manifest__.py").read_text())
XML_FILES = sorted(ADDON.rglob("*.xml"))


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: str(p.relative_to(ADDON)))
def test_xml_parses(path):
    root = etree.parse(str(path)).getroot()
    # OWL templates of the web client are <templates>, data files <odoo>
    assert root.tag == ("templates" if "static" in path.relative_to(ADDON).parts else "odoo")


def test_manifest_files_exist():
    listed = MANIFEST["data"] + MANIFEST.get("demo", [])
    missing = [f for f in listed if not (ADDON / f).is_file()]
    assert not missing, f"listed in the manifest but absent: {missing}"
    assert len(listed) == len(set(listed)), "a file is listed twice"


def test_every_data_file_is_loaded():
    listed = set(MANIFEST["data"] + MANIFEST.get("demo", []))
    on_disk = {
        str(p.relative_to(ADDON))
        for folder in ("security", "data", "views", "reports", "wizards", "demo")
        for p in (ADDON / folder).glob("*")
        if p.suffix in (".xml", ".csv")
    }
    assert not on_disk - listed, f"data files the manifest does not load: {sorted(on_disk - listed)}"


def test_manifest_keys():
    assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", MANIFEST["version"])
    assert MANIFEST["license"] == "AGPL-3"
    assert {
        "sale_management",
        "sale_stock",
        "sale_margin",
        "account",
        "sale_tier_validation",
        "report_xlsx",
    } <= set(MANIFEST["depends"])
    assert "xlsxwriter" in MANIFEST["external_dependencies"]["python"]
    for key in ("author", "website", "maintainers", "development_status"):
        assert MANIFEST.get(key), key
    assert (ADDON / "static/description/icon.png").read_bytes().startswith(b"\x89PNG")


def test_security_first_in_manifest():
    data = MANIFEST["data"]
    security = [i for i, f in enumerate(data) if f.startswith("security/")]
    assert security == list(range(len(security))), "security files must load first"


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci/run").read_text()
    commands = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1].strip() == "exec make test"
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make demo" in readme
    assert os.access(ROOT / ".ci/run", os.X_OK)


def test_docker_in_lock_step_with_the_harness():
    dockerfile = (ROOT / "docker/Dockerfile").read_text()
    compose = (ROOT / "docker/compose.yaml").read_text()
    assert dockerfile.startswith("FROM odoo:19.0") or "\nFROM odoo:19.0" in dockerfile
    assert "image: postgres:16" in compose
    # the image installs exactly the pinned requirement files the harness installs
    for name in ("requirements.txt", "requirements-oca.txt", "requirements-dev.txt"):
        assert name in dockerfile, name
    assert "make test" in compose
    assert "--with-demo" in compose


def test_translations_complete():
    assert not i18n_tool.problems()


def test_translation_check_catches_problems(tmp_path, monkeypatch):
    """The check itself must fail on an untranslated term or a lost placeholder."""
    pot = tmp_path / "sales_plus.pot"
    pot.write_text('msgid ""\nmsgstr ""\n\nmsgid "Hello %(name)s"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr ""\n')
    (tmp_path / "zh_CN.po").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Hello %(name)s"\nmsgstr "你好"\n\nmsgid "Bye"\nmsgstr "再见"\n'
    )
    (tmp_path / "zh_TW.po").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Hello %(name)s"\nmsgstr "你好 %(name)s"\n'
    )
    monkeypatch.setattr(i18n_tool, "I18N", tmp_path)
    monkeypatch.setattr(i18n_tool, "POT", pot)
    found = i18n_tool.problems()
    assert any("zh_CN: placeholders differ" in line for line in found)
    assert any("zh_TW: term missing: 'Bye'" in line for line in found)


def test_harness_refuses_to_run_without_odoo(tmp_path):
    result = subprocess.run(
        ["bash", str(ROOT / "tests/harness.sh"), "test"],
        env={**os.environ, "ODOO_PATH": str(tmp_path / "no-odoo")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ODOO_PATH" in result.stderr
    assert "passed" not in result.stdout
