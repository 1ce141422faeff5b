# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the per-company regrade jobs on one or two Odoo servers
(make bench BENCH=cron).

Builds a database with BENCH_COMPANIES companies (default 6), each with
BENCH_CUSTOMERS customers (default 20,000), 2.5 orders and 10 order lines per
customer (bulk SQL, see bench_data.py), grades every company once in this
process (the first grading, one company after the other), then measures the
nightly regrade (1% of each company's customers ordered again) run by the
cron workers of real ``odoo-bin`` servers, each started with
``--workers 0 --max-cron-threads 1``: one server, then two, three times over
(BENCH_ROUNDS=1,2,1,2,1,2; the machine's load changes, each round is printed).
Each round queues every company (its job triggered, as the nightly run does), waits until every
company is done, and prints the total time (from the commit that queued the
jobs to the last company done) and, per company, the regrade time and the
server that ran it (from the servers' logs).

Only the companies' regrade jobs are active in the database during the
rounds, so that no other scheduled action takes a worker.

BENCH_DB=name keeps the database and the next run reuses its data.
"""

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_data import (
    BenchDatabase,
    create_salespeople,
    generate_sales,
    odoo_command,
    say,
    timed,
)

COMPANIES = int(os.environ.get("BENCH_COMPANIES", 6))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 20_000))
ORDERS = int(os.environ.get("BENCH_ORDERS", CUSTOMERS * 5 // 2))
LINES = int(os.environ.get("BENCH_LINES", CUSTOMERS * 10))
ROUNDS = [int(n) for n in os.environ.get("BENCH_ROUNDS", "1,2,1,2,1,2").split(",")]
PREFIX = "Bench Cron Company"
# the log line of sales_plus.rfm.regrade._run
LOG_LINE = re.compile(
    r"^\S+ \S+ (?P<pid>\d+) INFO \S+ odoo\.addons\.sales_plus\.models\.sales_plus_rfm_regrade: "
    r"RFM regrade of company (?P<company>\d+): (?P<detail>.*) in (?P<seconds>[0-9.]+)s\s*$"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- Data ----


def bench_companies(env):
    return env["res.company"].search([("name", "=like", f"{PREFIX} %")], order="id")


def generate(bench):
    """The companies, their salespeople and sales, and their first grading."""
    with bench.environment() as env:
        if bench_companies(env):
            say("reused database: data kept")
            return
        main = env.company
        companies = env["res.company"].create(
            [
                {"name": f"{PREFIX} {index + 1}", "currency_id": main.currency_id.id}
                for index in range(COMPANIES)
            ]
        )
        env.user.company_ids = [(4, company.id) for company in companies]
        salespeople = {company.id: create_salespeople(env, company, 4).ids for company in companies}
    start = time.perf_counter()
    for company_id, user_ids in salespeople.items():
        with bench.environment() as env:
            generate_sales(
                env,
                env["res.company"].browse(company_id),
                customers=CUSTOMERS,
                orders=ORDERS,
                lines=LINES,
                salespeople=env["res.users"].browse(user_ids),
            )
    say(f"data generated in {time.perf_counter() - start:.1f} s")
    times = []
    with bench.environment() as env:
        Regrade = env["sales_plus.rfm.regrade"]
        for company in bench_companies(env):
            seconds, result = timed(lambda company=company: Regrade._regrade_company(company))
            env.cr.commit()
            times.append(seconds)
            say(f"  first grading of {company.name}: {seconds:.2f} s ({result['graded']:,} graded)")
    say(
        f"first grading, in this process, one company after the other: {sum(times):.1f} s in all, "
        f"median {statistics.median(times):.2f} s per company"
    )


def only_regrade_jobs(env):
    """Keep active only the bench companies' regrade jobs; drop pending triggers."""
    companies = bench_companies(env)
    regrades = env["sales_plus.rfm.regrade"]._create_missing().filtered(lambda r: r.company_id in companies)
    crons = env["ir.cron"].with_context(active_test=False).search([])
    (crons - regrades.cron_id).write({"active": False})
    regrades.cron_id.write({"active": True})
    env["ir.cron.trigger"].search([]).unlink()
    return regrades


def night(env, regrades, index):
    """Another 1% of each company's customers ordered again today."""
    for company in regrades.company_id:
        share = max(CUSTOMERS // 100, 1)
        env.cr.execute(
            """
            UPDATE sale_order SET date_order = now()
             WHERE id IN (SELECT MAX(id) FROM sale_order WHERE company_id = %s
                           GROUP BY partner_id ORDER BY partner_id LIMIT %s OFFSET %s)
            """,
            (company.id, share, index * share),
        )
    env["sale.order"].invalidate_model(["date_order"])


# ---- Servers ----


class Servers:
    """``count`` odoo-bin processes on the database, one cron thread each."""

    def __init__(self, dbname, count, log_dir):
        self.dbname = dbname
        self.count = count
        self.log_dir = log_dir
        self.processes = []
        self.logs = []

    def __enter__(self):
        for index in range(self.count):
            port = free_port()
            log = Path(self.log_dir) / f"server{index + 1}-{time.monotonic_ns()}.log"
            args = odoo_command(
                self.dbname,
                f"--db-filter=^{self.dbname}$",
                "--workers=0",
                "--max-cron-threads=1",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                "--log-level=info",
                f"--logfile={log}",
            )
            self.processes.append(subprocess.Popen(args, start_new_session=True))
            self.logs.append(log)
            self._wait_ready(port)
        time.sleep(2)  # the cron thread listens once the server is up
        return self

    def _wait_ready(self, port):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=10) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(1)
        raise RuntimeError(f"the Odoo server on port {port} did not answer in 5 minutes")

    def runs(self):
        """{company id: (seconds, server number, counts)} read from the servers' logs."""
        found = {}
        for number, log in enumerate(self.logs, start=1):
            for line in log.read_text().splitlines():
                match = LOG_LINE.match(line)
                if match:
                    found[int(match["company"])] = (float(match["seconds"]), number, match["detail"])
        return found

    def __exit__(self, *exc):
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        return False


# ---- Rounds ----


def run_round(bench, workers, index, log_dir):
    with bench.environment() as env:
        regrades = only_regrade_jobs(env)
        regrade_ids = regrades.ids
        names = dict(zip(regrades.company_id.ids, regrades.company_id.mapped("name"), strict=True))
        night(env, regrades, index)
    with Servers(bench.dbname, workers, log_dir) as servers:
        with bench.environment() as env:
            regrades = env["sales_plus.rfm.regrade"].browse(regrade_ids)
            regrades._queue()
        start = time.perf_counter()  # the jobs are triggered when the queueing commits
        deadline = start + 1800
        while True:
            with bench.environment() as env:
                env.cr.execute(
                    "SELECT COUNT(*) FILTER (WHERE state IN ('done', 'failed')), "
                    "COUNT(*) FILTER (WHERE state = 'failed') FROM sales_plus_rfm_regrade WHERE id IN %s",
                    (tuple(regrade_ids),),
                )
                done, failed = env.cr.fetchone()
            if done == len(regrade_ids):
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{len(regrade_ids) - done} companies not regraded after 30 minutes")
            time.sleep(0.1)
        total = time.perf_counter() - start
        runs = servers.runs()
    load = os.getloadavg()[0]
    say(
        f"round {index + 1}: {workers} server(s) x 1 cron worker: {total:.1f} s for {len(regrade_ids)} "
        f"companies (load average {load:.1f}{f', {failed} FAILED' if failed else ''})"
    )
    for company_id, name in names.items():
        seconds, server, detail = runs.get(company_id, (float("nan"), "?", "not in the logs"))
        say(f"  {name}: {seconds:.2f} s on server {server} ({detail})")
    return total, [seconds for seconds, _server, _detail in runs.values()]


def main():
    say(
        f"cron benchmark: {COMPANIES} companies x {CUSTOMERS:,} customers, {ORDERS:,} orders, "
        f"{LINES:,} lines each; rounds with {', '.join(map(str, ROUNDS))} server(s), "
        f"{os.cpu_count()} CPUs"
    )
    with BenchDatabase("cron") as bench, tempfile.TemporaryDirectory(prefix="bench_cron_") as log_dir:
        log_dir = os.environ.get("BENCH_LOG_DIR") or log_dir
        generate(bench)
        # the servers load the registry themselves; this process only reads and queues
        results = {}
        for index, workers in enumerate(ROUNDS):
            total, per_company = run_round(bench, workers, index, log_dir)
            results.setdefault(workers, []).append((total, per_company))
        say("summary (nightly regrade, 1% of the customers ordered again):")
        for workers, rounds in sorted(results.items()):
            totals = ", ".join(f"{total:.1f} s" for total, _p in rounds)
            per_company = [seconds for _t, seconds_list in rounds for seconds in seconds_list]
            say(
                f"  {workers} server(s): total {totals}; per company median "
                f"{statistics.median(per_company):.2f} s (min {min(per_company):.2f}, "
                f"max {max(per_company):.2f})"
            )


if __name__ == "__main__":
    main()
