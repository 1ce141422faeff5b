# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The README's commands work as written: every `make` target it names exists,
every relative link of the README and docs/ resolves to a file, `make env`
prints the virtual environment, and `make demo` serves its login page.

The `make demo` test installs a demo database (several minutes): it runs under
`make test` (the harness sets ADDONS_PATH; CI runs `make test`) or with
SALES_PLUS_TEST_DEMO=1, and is skipped in a bare `pytest tests` run."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
# `make demo` creates its database on the first start: about six minutes on an
# idle 2-core machine, several times that on one shared with other test runs
DEMO_TIMEOUT = int(os.environ.get("SALES_PLUS_DEMO_TIMEOUT", 2700))

MAKE_TARGET = re.compile(r"\bmake ([a-z][a-z0-9_-]*)")
MAKEFILE_TARGET = re.compile(r"^([a-z][a-z0-9_-]*):", re.MULTILINE)
# [text](target) and ![alt](target), target without a title
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def makefile_targets():
    return set(MAKEFILE_TARGET.findall((ROOT / "Makefile").read_text()))


def readme_make_targets(text):
    return set(MAKE_TARGET.findall(text))


def anchors(path):
    """The anchors GitHub gives the headings of ``path``: lower case, spaces to
    hyphens, punctuation dropped."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.MULTILINE | re.DOTALL)
    headings = re.findall(r"^#+ (.+?)\s*$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def broken_links(path):
    """Links of ``path`` to a missing file, or to a missing heading of a page."""
    broken = []
    for target in LINK.findall(path.read_text()):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # a URL
        file_part, _hash, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(target)
    return broken


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- Static: targets and links ----


def test_make_targets_of_the_readme_exist():
    named = readme_make_targets(README.read_text())
    assert {"demo", "test", "env", "pot", "bench", "screenshots"} <= named
    for path in DOCS:
        named |= readme_make_targets(path.read_text())
    assert named <= makefile_targets(), f"README or docs name missing targets: {named - makefile_targets()}"


def test_benchmarks_of_the_docs_exist():
    """Each `make bench BENCH=name` of the README and docs has its tests/bench_name.py."""
    text = "\n".join(path.read_text() for path in [README, *DOCS])
    names = set(re.findall(r"make bench BENCH=([a-z_]+)", text))
    assert {"rfm", "cron"} <= names
    assert all((ROOT / "tests" / f"bench_{name}.py").exists() for name in names), names


def test_make_target_check_catches_a_missing_target():
    assert readme_make_targets("run `make deploy` then `make test`") - makefile_targets() == {"deploy"}


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    assert LINK.findall(path.read_text()) or path != README, "the README links to its docs"
    assert not broken_links(path), f"{path.name}: links to missing files or headings"


def test_link_check_catches_missing_files_and_headings(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Top\n## With Docker (a test)\n```sh\n# not a heading\n```\n"
        "[ok](page.md#top) [ok](#with-docker-a-test) [web](https://odoo.com) "
        "[gone](docs/none.png) [no heading](#not-a-heading) ![img](page.md)"
    )
    assert broken_links(page) == ["docs/none.png", "#not-a-heading"]


def test_readme_links_its_docs():
    text = README.read_text()
    for name in ("usage", "design", "benchmarks", "scaling"):
        assert f"docs/{name}.md" in text


# ---- Commands: make env, make demo ----


def test_make_env_prints_the_environment():
    result = subprocess.run(
        ["make", "-s", "env"], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    venv = Path(result.stdout.strip().splitlines()[-1])
    assert (venv / "bin" / "python3").exists(), f"make env printed {venv}, which has no bin/python3"


@pytest.mark.skipif(
    not (os.environ.get("ADDONS_PATH") or os.environ.get("SALES_PLUS_TEST_DEMO")),
    reason="installs a demo database (minutes): runs under `make test` or with SALES_PLUS_TEST_DEMO=1",
)
def test_make_demo_serves_the_login_page(tmp_path):
    """`make demo` as the README says, on its own database and port: the login
    page answers 200; then the server is stopped and the database dropped."""
    db = f"sales_plus_readme_{uuid.uuid4().hex[:8]}"
    port = free_port()
    log = tmp_path / "demo.log"
    environment = {**os.environ, "DEMO_DB": db, "DEMO_PORT": str(port)}
    with log.open("w") as output:
        demo = subprocess.Popen(
            ["make", "demo"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status, deadline = None, time.monotonic() + DEMO_TIMEOUT
        while time.monotonic() < deadline and demo.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=10) as reply:
                    status = reply.status
                    page = reply.read().decode()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(2)
        assert demo.poll() is None, f"make demo stopped:\n{log.read_text()[-3000:]}"
        assert status == 200, f"no login page in {DEMO_TIMEOUT} s:\n{log.read_text()[-3000:]}"
        assert 'name="login"' in page
        assert f"http://127.0.0.1:{port}/odoo?db={db}" in log.read_text(), "make demo prints its URL"
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGTERM)
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
        pg = {"PGHOST": "127.0.0.1", "PGPORT": "5432", **os.environ}  # the harness's defaults
        subprocess.run(["dropdb", "--if-exists", "--force", db], env=pg, check=False, capture_output=True)
