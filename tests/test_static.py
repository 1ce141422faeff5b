"""Static checks of the addon and the project, run by the harness's pytest step."""

import ast
import dataclasses
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import i18n_tool
import pytest
import yaml
from lxml import etree
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


# SQL that changes rows: the table it changes, and for UPDATE the columns it sets
# an upsert's "ON CONFLICT ... DO UPDATE SET" writes the table of its INSERT INTO
SQL_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|DELETE\s+FROM|(?<!\bDO\s)UPDATE)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE
)
SQL_SET = re.compile(
    r"\bUPDATE\s+([a-z_][a-z0-9_]*)(?:\s+[a-z_]+)?\s+SET\s+(.*?)(?:\bFROM\b|\bWHERE\b|$)", re.I | re.S
)
# columns sales_plus adds to core tables (its field prefixes)
OWN_COLUMN_PREFIXES = ("stock_alert_", "cockpit_", "price_approval_", "rfm_")


def sql_writes_outside_own_tables(source):
    """(table, reason) of each statement in ``source`` that writes a table
    sales_plus does not own: any table but ``sales_plus_*``, except an UPDATE of a
    core table that sets only sales_plus's own (prefixed) columns."""
    found = []
    for match in SQL_WRITE.finditer(source):
        table = match.group(1).lower()
        if table.startswith("sales_plus_") or table in {"changed", "data", "records"}:
            continue
        statement = source[match.start() : match.start() + 600]
        update = SQL_SET.match(statement)
        if update and match.group(0).upper().startswith("UPDATE"):
            assigned = re.findall(r"([a-z_][a-z0-9_]*)\s*=", update.group(2))
            placeholder = "%(" in update.group(2) and not assigned
            if placeholder or (assigned and all(c.startswith(OWN_COLUMN_PREFIXES) for c in assigned)):
                continue
        found.append((table, match.group(0)))
    return found


def test_no_sql_writes_another_modules_tables():
    """Other modules' records (mail_*, ...) go through their API: no INSERT,
    UPDATE or DELETE in the addon's code on a table sales_plus does not own."""
    offenders = []
    for path in sorted((ADDON / "models").rglob("*.py")) + sorted((ADDON / "tools").rglob("*.py")):
        for table, statement in sql_writes_outside_own_tables(path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {statement} ({table})")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        "INSERT INTO mail_activity (res_id) VALUES (1)",
        "update mail_activity SET active = false WHERE id = 1",
        "DELETE FROM mail_followers WHERE res_id = 1",
        "UPDATE sale_order so SET state = 'sale' WHERE so.id = 1",
        "INSERT INTO mail_followers (res_id) VALUES (1) ON CONFLICT (res_id) DO UPDATE SET res_id = 2",
    ],
)
def test_sql_write_check_catches_foreign_tables(source):
    assert sql_writes_outside_own_tables(source)


def test_sql_write_check_lets_an_upsert_of_an_own_table_pass():
    source = "INSERT INTO sales_plus_summary (day) VALUES (1) ON CONFLICT (day) DO UPDATE SET n = 2"
    assert sql_writes_outside_own_tables(source) == []


def test_sql_write_check_allows_own_tables_and_columns():
    assert not sql_writes_outside_own_tables(
        "INSERT INTO sales_plus_rfm_grade (id) VALUES (1); "
        "UPDATE sale_order so SET stock_alert_at_risk = r.at_risk FROM r WHERE so.id = r.id"
    )


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


# Docker -------------------------------------------------------------------------
# No Docker engine runs on the project's machines, so docker/Dockerfile and
# docker/compose.yaml are read here and held against what is known of the images
# they start from. Each check names what a build or a run would have hit (issue 21).

DOCKER_FILES = (
    "docker/Dockerfile",
    "docker/compose.yaml",
    "tests/harness.sh",
    "requirements.txt",
    "requirements-oca.txt",
    "requirements-dev.txt",
)

# The images a stage may start from: distribution, release, Python of the release.
BASES = {
    "odoo:19.0": ("ubuntu", "noble", "3.12"),  # the official image is FROM ubuntu:noble
    "ubuntu:noble": ("ubuntu", "noble", "3.12"),
    "ubuntu:24.04": ("ubuntu", "noble", "3.12"),
    "debian:bookworm": ("debian", "bookworm", "3.11"),
    "debian:bookworm-slim": ("debian", "bookworm", "3.11"),
    "debian:12": ("debian", "bookworm", "3.11"),
    "debian:trixie": ("debian", "trixie", "3.13"),
    "debian:trixie-slim": ("debian", "trixie", "3.13"),
    "debian:13": ("debian", "trixie", "3.13"),
}
GLIBC_MINOR = {"noble": 39, "bookworm": 36, "trixie": 41}  # for the wheels pip may pick
# Releases whose system Python refuses pip without --break-system-packages (PEP 668).
EXTERNALLY_MANAGED = {"noble", "bookworm", "trixie"}
# On Ubuntu these apt packages are only transitional packages that install a snap,
# and snapd does not run in a container: the build fails.
SNAP_ONLY = {"ubuntu": {"chromium", "chromium-browser", "firefox"}}

# The Python packages the official odoo:19.0 image installs with apt: the list of
# its Dockerfile (github.com/odoo/docker, 19.0/Dockerfile), and, through the Depends
# of Odoo's .deb, the packages of Odoo's own requirements.txt.
OFFICIAL_IMAGE_APT = (
    "python3-magic",
    "python3-num2words",
    "python3-odf",
    "python3-pdfminer",
    "python3-pip",
    "python3-phonenumbers",
    "python3-pyldap",
    "python3-qrcode",
    "python3-renderpm",
    "python3-setuptools",
    "python3-slugify",
    "python3-vobject",
    "python3-watchdog",
    "python3-xlrd",
    "python3-xlwt",
)
# apt package -> PyPI distribution, where the name is not python3-<distribution>
APT_DISTRIBUTIONS = {
    "python3-dateutil": "python-dateutil",
    "python3-ldap": "python-ldap",
    "python3-magic": "python-magic",
    "python3-odf": "odfpy",
    "python3-openssl": "pyopenssl",
    "python3-pdfminer": "pdfminer-six",
    "python3-pil": "pillow",
    "python3-pyldap": "python-ldap",
    "python3-renderpm": "rl-renderpm",
    "python3-serial": "pyserial",
    "python3-slugify": "python-slugify",
    "python3-stdnum": "python-stdnum",
    "python3-tz": "pytz",
    "python3-usb": "pyusb",
    "python3-websocket": "websocket-client",
    "python3-yaml": "pyyaml",
}
# The versions apt installs, for the distributions our requirement files name. A
# system-wide pip line that names another apt-installed distribution fails until
# its version is looked up and added here.
#   bookworm: `apt-cache policy` on Debian 12 (python3-xlsxwriter 3.0.2-2,
#             python3-xlrd 1.2.0-3).
#   noble: Odoo 19's pins for Python 3.12, which its requirements.txt gives as the
#          versions of Ubuntu 24.04's python3-* packages (not looked up in the
#          Ubuntu archive, which the project's machines do not reach).
APT_VERSIONS = {
    "noble": {"xlsxwriter": "3.1.9", "xlrd": "2.0.1"},
    "bookworm": {"xlsxwriter": "3.0.2", "xlrd": "1.2.0"},
}
DEV_TOOLS = {"ruff", "pylint", "pylint-odoo", "pytest"}
DEV_REQUIREMENTS = "requirements-dev.txt"
# `python` called as a command (Ubuntu and Debian only have python3)
PYTHON_WITHOUT_3 = re.compile(r"(?:^|[\s;&|(`=\"']|:-)python(?=[\s;&|)`\"'}]|$)")


def requirement_lines(text):
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if line and not line.startswith("#"):
            yield line


def marker_environment(python):
    full = {"3.10": "3.10.12", "3.11": "3.11.2", "3.12": "3.12.3", "3.13": "3.13.5"}[python]
    return {
        "python_version": python,
        "python_full_version": full,
        "implementation_version": full,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_release": "",
        "platform_version": "",
    }


def active_requirements(text, python):
    """{canonical name: Requirement} of a requirement file on Linux under `python`."""
    environment = marker_environment(python)
    active = {}
    for line in requirement_lines(text):
        assert not line.startswith("-"), f"option lines are not read here: {line}"
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            active[canonicalize_name(requirement.name)] = requirement
    return active


def plain(requirement):
    """The requirement without its marker, as pip reads it from a file."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


@dataclasses.dataclass
class PipInstall:
    text: str
    venv: str | None = None
    target: str | None = None
    no_deps: bool = False
    break_system_packages: bool = False
    files: list = dataclasses.field(default_factory=list)  # repository paths
    unresolved: list = dataclasses.field(default_factory=list)  # -r paths not copied from it
    specs: list = dataclasses.field(default_factory=list)

    @property
    def system_wide(self):
        return self.venv is None and self.target is None


@dataclasses.dataclass
class Stage:
    name: str
    base: str
    distro: str | None
    release: str | None
    python: str | None
    from_odoo_image: bool = False
    apt: list = dataclasses.field(default_factory=list)
    debs: list = dataclasses.field(default_factory=list)
    pips: list = dataclasses.field(default_factory=list)
    venvs: set = dataclasses.field(default_factory=set)
    path_venv: str | None = None
    copied_files: dict = dataclasses.field(default_factory=dict)  # image path -> repo path
    copied_dirs: dict = dataclasses.field(default_factory=dict)
    workdir: str = "/"

    def repo_path(self, path):
        path = os.path.normpath(os.path.join(self.workdir, path))
        if path in self.copied_files:
            return self.copied_files[path]
        for folder in sorted(self.copied_dirs, key=len, reverse=True):
            if path.startswith(folder.rstrip("/") + "/"):
                return os.path.normpath(
                    os.path.join(self.copied_dirs[folder], path[len(folder) :].lstrip("/"))
                )
        return None

    def apt_distributions(self, odoo_requirements):
        packages = list(self.apt) + (list(OFFICIAL_IMAGE_APT) if self.from_odoo_image else [])
        names = {
            canonicalize_name(APT_DISTRIBUTIONS.get(p, p.removeprefix("python3-")))
            for p in packages
            if p.startswith("python3-")
        }
        if self.from_odoo_image or any("odoo" in os.path.basename(deb) for deb in self.debs):
            names |= set(active_requirements(odoo_requirements, self.python))
        return names


def dockerfile_instructions(text):
    """(KEYWORD, arguments) of each instruction: continuations joined, comments dropped."""
    instructions, buffer = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        keyword, _, arguments = (buffer + stripped).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        buffer = ""
    return instructions


def simple_commands(shell):
    """The simple commands of a shell line, each a list of words, without leading
    variable assignments, `exec`, `sudo` or `env`."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, words = [], []
    for token in [*lexer, ";"]:
        if token and set(token) <= set("&|;()"):
            while words and (re.match(r"^\w+=", words[0]) or words[0] in ("exec", "sudo", "env")):
                words.pop(0)
            if words:
                commands.append(words)
            words = []
        else:
            words.append(token)
    return commands


PIP_VALUE_OPTIONS = {
    "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
    "--prefix", "--root", "--python-version", "--platform", "--implementation", "--abi",
    "--report", "--cache-dir", "--progress-bar", "--src", "-e", "--editable",
}  # fmt: skip


def parse_pip(words, stage, text):
    """A PipInstall if `words` run `pip install`, else None."""
    program = os.path.basename(words[0])
    if re.fullmatch(r"pip(3(\.\d+)?)?", program):
        arguments = words[1:]
    elif re.fullmatch(r"python(3(\.\d+)?)?", program) and words[1:3] == ["-m", "pip"]:
        arguments = words[3:]
    else:
        return None
    if "install" not in arguments:
        return None
    pip = PipInstall(text=text)
    if "/" in words[0]:
        venv = os.path.dirname(os.path.dirname(words[0]))
        pip.venv = venv if venv in stage.venvs else None
    else:
        pip.venv = stage.path_venv
    arguments = arguments[arguments.index("install") + 1 :]
    i = 0
    while i < len(arguments):
        word = arguments[i]
        name, has_value, value = word.partition("=")
        if word in ("-r", "--requirement", "-t", "--target") or (word in PIP_VALUE_OPTIONS):
            value, i = arguments[i + 1], i + 1
            name = word
        elif word.startswith("-r") and len(word) > 2 and not word.startswith("--"):
            name, value = "-r", word[2:]
        elif not has_value:
            name = word
        if name in ("-r", "--requirement"):
            path = stage.repo_path(value)
            (pip.files if path else pip.unresolved).append(path or value)
        elif name in ("-t", "--target"):
            pip.target = value
        elif name == "--no-deps":
            pip.no_deps = True
        elif name == "--break-system-packages":
            pip.break_system_packages = True
        elif not word.startswith("-"):
            pip.specs.append(word)
        i += 1
    return pip


def parse_dockerfile(text, root=ROOT):
    """(stages, problems) of a Dockerfile whose build context is `root`."""
    stages, problems = [], []
    stage = None
    for keyword, arguments in dockerfile_instructions(text):
        if keyword == "FROM":
            words = [w for w in arguments.split() if not w.startswith("--")]
            base = words[0]
            name = words[2] if len(words) > 2 and words[1].lower() == "as" else str(len(stages))
            parent = next((s for s in stages if s.name == base), None)
            if parent:
                stage = dataclasses.replace(
                    parent,
                    name=name,
                    base=base,
                    apt=list(parent.apt),
                    debs=list(parent.debs),
                    pips=list(parent.pips),
                    venvs=set(parent.venvs),
                    copied_files=dict(parent.copied_files),
                    copied_dirs=dict(parent.copied_dirs),
                )
            else:
                distro, release, python = BASES.get(base, (None, None, None))
                if distro is None:
                    problems.append(f"stage {name}: base image {base} unknown to this test (add it to BASES)")
                stage = Stage(name, base, distro, release, python, from_odoo_image=base.startswith("odoo:"))
            stages.append(stage)
        elif stage is None:
            continue
        elif keyword == "WORKDIR":
            stage.workdir = os.path.normpath(os.path.join(stage.workdir, arguments))
        elif keyword == "ENV":
            found = re.search(r"\bPATH=(\S+)", arguments)
            if found:
                first = found.group(1).split(":")[0]
                venv = os.path.dirname(first) if first.endswith("/bin") else None
                stage.path_venv = venv if venv in stage.venvs else None
        elif keyword in ("COPY", "ADD"):
            words = arguments.split()
            if any(w.startswith("--from") for w in words):
                continue
            words = [w for w in words if not w.startswith("--")]
            sources, destination = words[:-1], os.path.join(stage.workdir, words[-1])
            for source in sources:
                source = os.path.normpath(source)
                if (root / source).is_dir() and len(sources) == 1:
                    stage.copied_dirs[os.path.normpath(destination)] = source
                elif destination.endswith("/") or len(sources) > 1:
                    stage.copied_files[
                        os.path.join(os.path.normpath(destination), os.path.basename(source))
                    ] = source
                else:
                    stage.copied_files[os.path.normpath(destination)] = source
        elif keyword == "RUN":
            for words in simple_commands(arguments):
                program = os.path.basename(words[0])
                if program in ("apt-get", "apt") and "install" in words:
                    for word in words[words.index("install") + 1 :]:
                        if word.endswith(".deb"):
                            stage.debs.append(word)
                        elif not word.startswith("-"):
                            stage.apt.append(word.split("=")[0])
                elif re.fullmatch(r"python3?(\.\d+)?", program) and words[1:3] == ["-m", "venv"]:
                    stage.venvs.add(os.path.normpath(words[-1]))
                else:
                    pip = parse_pip(words, stage, " ".join(words))
                    if pip:
                        stage.pips.append(pip)
    if not stages:
        problems.append("the Dockerfile has no FROM")
    return stages, problems


def pip_requirements(root, pip, python):
    requirements = {}
    for path in pip.files:
        requirements.update(active_requirements((root / path).read_text(), python))
    requirements.update(active_requirements("\n".join(pip.specs), python))
    return requirements


def harness_requirement_files(harness):
    """{repository requirement file: installed with --no-deps} of the harness's venv."""
    files = {}
    for line in harness.replace("\\\n", " ").splitlines():
        if re.search(r"\bpip\"? install\b", line):
            for path in re.findall(r'-r "\$ROOT/([^"]+)"', line):
                files[path] = "--no-deps" in line
    return files


def stage_requirement_files(stage):
    return {path: pip.no_deps for pip in stage.pips for path in pip.files}


def service_command(service):
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else str(command)


def demo_languages(text):
    """The languages of every --load-language option of a command line."""
    return {lang for value in re.findall(r"--load-language[= ]([\w,]+)", text) for lang in value.split(",")}


def python_without_3(where, text):
    return [f"{where}: `{line.strip()}` calls python, which Ubuntu and Debian do not have (python3)"
            for line in text.splitlines()
            if not line.strip().startswith("#") and PYTHON_WITHOUT_3.search(line)]  # fmt: skip


def docker_problems(root, odoo_requirements):
    """Everything in the Docker files under `root` that would fail on a fresh machine."""
    dockerfile = (root / "docker/Dockerfile").read_text()
    compose = yaml.safe_load((root / "docker/compose.yaml").read_text())
    harness = (root / "tests/harness.sh").read_text()
    stages, problems = parse_dockerfile(dockerfile, root)

    for stage in stages:
        for package in stage.apt:
            if package in SNAP_ONLY.get(stage.distro, ()):
                problems.append(
                    f"stage {stage.name}: `apt-get install {package}` on {stage.base} ({stage.release}) "
                    "installs a transitional package for a snap, and snaps do not run in a container"
                )
        if stage.python is None:
            continue
        apt = stage.apt_distributions(odoo_requirements)
        for pip in stage.pips:
            for path in pip.unresolved:
                problems.append(
                    f"stage {stage.name}: `{pip.text}` reads {path}, not copied from the repository"
                )
            if pip.system_wide and stage.release in EXTERNALLY_MANAGED and not pip.break_system_packages:
                problems.append(
                    f"stage {stage.name}: `{pip.text}` without --break-system-packages fails on "
                    f"{stage.release} (externally-managed-environment)"
                )
            if not pip.system_wide:
                continue
            for name, requirement in pip_requirements(root, pip, stage.python).items():
                if name not in apt or not requirement.specifier:
                    continue
                known = APT_VERSIONS.get(stage.release, {}).get(name)
                if known is None:
                    problems.append(
                        f"stage {stage.name}: `{pip.text}` pins {plain(requirement)}, which {stage.base} "
                        "installs with apt in a version unknown to this test (see APT_VERSIONS)"
                    )
                elif not requirement.specifier.contains(known, prereleases=True):
                    problems.append(
                        f"stage {stage.name}: `{pip.text}` asks for {plain(requirement)} under Python "
                        f"{stage.python}, but {stage.base} has {name} {known} from apt: pip would have to "
                        "uninstall it (Cannot uninstall ... installed by debian)"
                    )

    for keyword, arguments in dockerfile_instructions(dockerfile):
        if keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
            problems += python_without_3(f"docker/Dockerfile {keyword}", arguments)
    problems += python_without_3("tests/harness.sh", harness)

    built = {}
    for name, service in (compose.get("services") or {}).items():
        for key in ("command", "entrypoint"):
            value = service.get(key)
            if value:
                problems += python_without_3(
                    f"compose service {name} {key}", service_command({"command": value})
                )
        build = service.get("build")
        if build is None:
            continue
        build = {"context": build} if isinstance(build, str) else build
        target = build.get("target")
        stage = next((s for s in stages if s.name == target), None) if target else stages[-1]
        if stage is None:
            problems.append(f"compose service {name} builds target {target}, which docker/Dockerfile lacks")
            continue
        built[name] = stage

    tests = [name for name in built if "make test" in service_command(compose["services"][name])]
    demos = [name for name in built if "--with-demo" in service_command(compose["services"][name])]
    if not tests:
        problems.append("no compose service runs `make test`")
    if not demos:
        problems.append("no compose service creates the demo database (--with-demo)")
    demo_block = re.search(r"^cmd_demo\(\) \{.*?^\}", harness, re.M | re.S)
    wanted = demo_languages(demo_block.group(0)) if demo_block else set()
    if not wanted:
        problems.append("tests/harness.sh cmd_demo loads no language (--load-language)")
    for name in demos:
        languages = demo_languages(service_command(compose["services"][name]))
        if languages != wanted:
            problems.append(
                f"compose service {name} creates the demo database with languages {sorted(languages)}, "
                f"`make demo` with {sorted(wanted)}"
            )
    for name in tests:
        if "chromium" not in built[name].apt:
            problems.append(f"compose service {name} runs the browser tests in stage {built[name].name}, "
                            "which installs no chromium")  # fmt: skip

    expected = harness_requirement_files(harness)
    if not expected:
        problems.append("tests/harness.sh installs no requirement file of the repository")
    test_stages = {built[name].name: built[name] for name in tests}
    runtime_stages = {built[name].name: built[name] for name in built if name not in tests}
    for stage in test_stages.values():
        found = stage_requirement_files(stage)
        if found != expected:
            problems.append(
                f"stage {stage.name} (make test) installs {found} (file: --no-deps), the harness {expected}"
            )
    runtime_expected = {path: no_deps for path, no_deps in expected.items() if path != DEV_REQUIREMENTS}
    for stage in runtime_stages.values():
        if stage.name in test_stages:
            problems.append(f"stage {stage.name} serves the demo and runs the tests: the runtime image "
                            "would carry the dev tools")  # fmt: skip
        found = stage_requirement_files(stage)
        if found != runtime_expected:
            problems.append(
                f"runtime stage {stage.name} installs {found} (file: --no-deps), the harness's "
                f"runtime files are {runtime_expected}"
            )
        if stage.python:
            tools = {
                name
                for pip in stage.pips
                for name in pip_requirements(root, pip, stage.python)
                if name in DEV_TOOLS
            }
            tools |= {p for p in stage.apt if p.removeprefix("python3-") in DEV_TOOLS}
            if tools:
                problems.append(f"runtime stage {stage.name} installs dev tools: {sorted(tools)}")
    return problems


@pytest.fixture(scope="module")
def odoo_requirements():
    path = Path(os.environ.get("ODOO_PATH", "/opt/odoo")) / "requirements.txt"
    if not path.is_file():
        if os.environ.get("SALES_PLUS_NO_VENV"):
            pytest.skip("Odoo installed from its .deb (the Docker tests image) has no requirements.txt")
        pytest.fail(f"Odoo 19.0's requirements.txt not found at {path} (set ODOO_PATH)")
    return path.read_text()


def copy_docker_files(root):
    for name in DOCKER_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)


@pytest.mark.parametrize("python", ["3.10", "3.11", "3.12", "3.13"])
def test_requirements_follow_odoo_pins(python, odoo_requirements):
    ours = active_requirements((ROOT / "requirements.txt").read_text(), python)
    odoo = active_requirements(odoo_requirements, python)
    assert {"xlsxwriter", "xlrd"} <= set(ours)
    differ = {
        name: (plain(requirement), plain(odoo[name]))
        for name, requirement in ours.items()
        if name in odoo and requirement.specifier != odoo[name].specifier
    }
    assert not differ, f"requirements.txt against Odoo's pins under Python {python}: {differ}"


def test_docker_files_hold_against_their_bases(odoo_requirements):
    problems = docker_problems(ROOT, odoo_requirements)
    assert not problems, "\n".join(problems)
    stages, _problems = parse_dockerfile((ROOT / "docker/Dockerfile").read_text())
    assert [s.name for s in stages] == ["tests", "runtime"]  # runtime: the default target
    assert all(stage.pips for stage in stages)


# each mutation brings back one defect of issue 21: (file, text, replacement, expected message)
DOCKER_MUTATIONS = {
    "snap-only chromium": (
        "docker/Dockerfile", "FROM debian:bookworm AS tests", "FROM odoo:19.0 AS tests", "for a snap",
    ),
    "pins that are not apt's": (
        "requirements.txt", "XlsxWriter==3.1.9 ; python_version >= '3.12'", "XlsxWriter==3.0.2",
        "Cannot uninstall",
    ),
    "pip without --break-system-packages": (
        "docker/Dockerfile", "RUN pip3 install --break-system-packages", "RUN pip3 install",
        "externally-managed",
    ),
    "python without 3": ("tests/harness.sh", "python3 -m pytest", "python -m pytest", "calls python"),
    "demo without the languages": ("docker/compose.yaml", " --load-language=zh_CN,zh_TW", "", "languages"),
    "dev tools in the runtime image": (
        "docker/compose.yaml", "target: runtime", "target: tests", "would carry the dev tools",
    ),
    "requirement files not the harness's": (
        "docker/Dockerfile", "-r /opt/sales_plus/requirements-dev.txt", "ruff pylint pytest",
        "the harness",
    ),
    "an unknown base": ("docker/Dockerfile", "FROM debian:bookworm", "FROM alpine:3", "unknown to this test"),
}  # fmt: skip


@pytest.mark.parametrize("mutation", DOCKER_MUTATIONS)
def test_docker_check_catches_the_defects(mutation, tmp_path, odoo_requirements):
    """The check itself must fail on each defect the issue lists."""
    copy_docker_files(tmp_path)
    name, text, replacement, message = DOCKER_MUTATIONS[mutation]
    content = (tmp_path / name).read_text()
    assert text in content, f"{name} no longer holds {text!r}: update the mutation"
    (tmp_path / name).write_text(content.replace(text, replacement, 1))
    problems = docker_problems(tmp_path, odoo_requirements)
    assert any(message in problem for problem in problems), problems


def pip_dry_run(root, stage, pip, odoo_requirements, folder):
    """pip resolves the requirements of one pip line of the Dockerfile for the
    stage's Python and platform, under Odoo's pins for that Python (markers
    evaluated here: pip evaluates them for the Python it runs on)."""
    folder.mkdir(parents=True)
    requirements = folder / "requirements.txt"
    requirements.write_text(
        "".join(plain(r) + "\n" for r in pip_requirements(root, pip, stage.python).values())
    )
    constraints = folder / "constraints.txt"
    constraints.write_text(
        "".join(
            plain(r) + "\n"
            for r in active_requirements(odoo_requirements, stage.python).values()
            if r.specifier
        )
    )
    report = folder / "report.json"
    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_MINOR[stage.release], 4, -1)]
    platforms += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
               "--disable-pip-version-check", "--only-binary=:all:", "--python-version", stage.python,
               "--implementation", "cp", *(f"--platform={p}" for p in platforms),
               "--report", str(report), "-r", str(requirements), "-c", str(constraints)]  # fmt: skip
    if pip.no_deps:
        command.append("--no-deps")
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    installs = json.loads(report.read_text())["install"] if result.returncode == 0 else []
    return result, {item["metadata"]["name"]: item["metadata"]["version"] for item in installs}


def test_docker_pip_installs_resolve_against_odoo_pins(odoo_requirements, tmp_path):
    stages, problems = parse_dockerfile((ROOT / "docker/Dockerfile").read_text())
    assert not problems, problems
    failures, resolved = [], 0
    for stage in stages:
        apt = stage.apt_distributions(odoo_requirements)
        for number, pip in enumerate(stage.pips):
            result, installs = pip_dry_run(
                ROOT, stage, pip, odoo_requirements, tmp_path / f"{stage.name}{number}"
            )
            if result.returncode:
                failures.append(
                    f"stage {stage.name}, Python {stage.python}: `{pip.text}`:\n{result.stderr[-2000:]}"
                )
                continue
            resolved += len(installs)
            for name, version in installs.items():
                known = APT_VERSIONS.get(stage.release, {}).get(canonicalize_name(name))
                if pip.system_wide and canonicalize_name(name) in apt and known != version:
                    failures.append(f"stage {stage.name}: `{pip.text}` would replace apt's {name} ({known}) "
                                    f"by {version}")  # fmt: skip
    assert not failures, "\n".join(failures)
    assert resolved, "no pip line of the Dockerfile resolved anything"
