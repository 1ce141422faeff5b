#!/usr/bin/env bash
# sales_plus test harness: `make test`, `make demo`, `make bench` call it.
#
#   tests/harness.sh test    static checks, Odoo tests (with and without demo data,
#                            then an upgrade), project pytest suite; last line
#                            "N passed, N failed"
#   tests/harness.sh demo    serve a demo database on 127.0.0.1:8069
#   tests/harness.sh env     only prepare the environment; print the venv path
#   tests/harness.sh pot     regenerate i18n/sales_plus.pot, merge into zh_CN/zh_TW
#   tests/harness.sh bench NAME   run the benchmark tests/bench_NAME.py
#   tests/harness.sh screenshots  take the README's screenshots from the demo
#                            database, as each demo user sees it (docs/screenshots/)
#
# Environment: ODOO_PATH (default /opt/odoo), SALES_PLUS_VENV_ROOT (default
# ~/.cache/sales_plus), PGHOST/PGPORT/PGUSER/PGPASSWORD (default
# 127.0.0.1/5432/current user), DEMO_DB (default sales_plus_demo), DEMO_PORT
# (default 8069). The Docker tests image sets SALES_PLUS_NO_VENV=1 (Odoo and the
# requirements are installed already) and SALES_PLUS_OCA_ADDONS (where the OCA
# modules are). Only `python3` is ever called: Ubuntu and Debian have no `python`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo}
VENV_ROOT=${SALES_PLUS_VENV_ROOT:-$HOME/.cache/sales_plus}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(id -un)}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
DEB_PACKAGES=(libpq-dev libldap2-dev libsasl2-dev chromium wkhtmltopdf fonts-noto-cjk)
LOG_DIR=${SALES_PLUS_LOG_DIR:-$(mktemp -d /tmp/sales_plus_run.XXXXXX)}

say() { printf '[harness] %s\n' "$*" >&2; }
die() { printf '[harness] ERROR: %s\n' "$*" >&2; exit 2; }

# 1. Odoo --------------------------------------------------------------------
find_odoo() {
    [ -f "$ODOO_PATH/odoo-bin" ] && [ -f "$ODOO_PATH/odoo/release.py" ] ||
        die "Odoo 19.0 not found at ODOO_PATH=$ODOO_PATH. Put an Odoo 19.0 source tree there (see README, 'Install from source') or set ODOO_PATH to one."
    local serie
    serie=$(cd "$ODOO_PATH" && "$PYTHON" -c 'import ast,re;src=open("odoo/release.py").read();print(re.search(r"version_info = \((\d+), (\d+)", src).group(1,2))') ||
        die "cannot read the Odoo version at ODOO_PATH=$ODOO_PATH"
    [ "$serie" = "('19', '0')" ] || die "ODOO_PATH=$ODOO_PATH holds Odoo $serie, sales_plus needs 19.0"
}

# 2. Debian packages and virtual environment --------------------------------
ensure_debs() {
    local missing=() wanted=("${DEB_PACKAGES[@]}")
    # without a virtual environment nothing is compiled: only the runtime packages
    [ -z "${SALES_PLUS_NO_VENV:-}" ] || wanted=(chromium fonts-noto-cjk)
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    $sudo apt-get update -qq >/dev/null || die "apt-get update failed; install ${missing[*]} by hand"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed"
}

venv_path() {
    local hash
    hash=$(cat "$ODOO_PATH/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-oca.txt" \
        "$ROOT/requirements-dev.txt" <("$PYTHON" --version) | sha256sum | cut -c1-12)
    echo "$VENV_ROOT/venv-$hash"
}

ensure_venv() {
    if [ -n "${SALES_PLUS_NO_VENV:-}" ]; then
        # the Docker image: Odoo and every requirement are installed system-wide
        VENV=$(dirname "$(dirname "$(command -v python3)")")
        set_addons_path "${SALES_PLUS_OCA_ADDONS:?SALES_PLUS_NO_VENV needs SALES_PLUS_OCA_ADDONS}"
        return
    fi
    VENV=$(venv_path)
    if [ ! -f "$VENV/.complete" ]; then
        say "creating virtual environment $VENV (a few minutes, once per requirement set)"
        rm -rf "$VENV"
        mkdir -p "$VENV_ROOT"
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip wheel "setuptools<81"
        "$VENV/bin/pip" install -q -r "$ODOO_PATH/requirements.txt" -r "$ROOT/requirements.txt" \
            -r "$ROOT/requirements-dev.txt"
        "$VENV/bin/pip" install -q --no-deps -r "$ROOT/requirements-oca.txt"
        touch "$VENV/.complete"
    fi
    export PATH="$VENV/bin:$PATH"
    set_addons_path "${SALES_PLUS_OCA_ADDONS:-$VENV/lib/python$("$VENV/bin/python3" -c 'import sys;print("%d.%d"%sys.version_info[:2])')/site-packages/odoo/addons}"
}

set_addons_path() { # set_addons_path OCA_ADDONS
    local oca=$1
    [ -f "$oca/sale_tier_validation/__manifest__.py" ] || die "OCA modules missing in $oca"
    ADDONS_PATH="$ODOO_PATH/odoo/addons"
    # a source checkout has a second addons folder; Debian/Docker layouts have one
    [ ! -d "$ODOO_PATH/addons" ] || ADDONS_PATH="$ADDONS_PATH,$ODOO_PATH/addons"
    ADDONS_PATH="$ADDONS_PATH,$oca,$ROOT/addons"
}

# 3. PostgreSQL --------------------------------------------------------------
ensure_pg() {
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null 2>&1; then
            local version
            version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
            [ -n "$version" ] || die "PostgreSQL is not installed (no cluster in /etc/postgresql)"
            say "starting PostgreSQL cluster $version/main"
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        fi
        for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
    fi
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        say "creating PostgreSQL role $PGUSER"
        su postgres -c "createuser -s $PGUSER" >/dev/null 2>&1 ||
            die "PostgreSQL role $PGUSER is missing and cannot be created"
    fi
}

prepare() {
    find_odoo
    ensure_debs
    ensure_venv
    ensure_pg
}

free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

odoo_bin() {
    python3 "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" --db_host="$PGHOST" --db_port="$PGPORT" \
        --db_user="$PGUSER" "$@"
}

# Results --------------------------------------------------------------------
PASSED=0
FAILED=0
FAILURES=()
record() { # record NAME PASSED FAILED
    PASSED=$((PASSED + $2))
    FAILED=$((FAILED + $3))
    [ "$3" -eq 0 ] || FAILURES+=("$1")
    say "$1: $2 passed, $3 failed"
}

# 4. Static checks -----------------------------------------------------------
static_checks() {
    local step
    for step in "ruff-lint:ruff check addons tests" \
        "ruff-format:ruff format --check addons tests" \
        "pylint-odoo:pylint --rcfile=.pylintrc-mandatory addons/sales_plus"; do
        local name=${step%%:*} cmd=${step#*:}
        if (cd "$ROOT" && $cmd) >"$LOG_DIR/$name.log" 2>&1; then
            record "$name" 1 0
        else
            cat "$LOG_DIR/$name.log" >&2
            record "$name" 0 1
        fi
    done
}

# 5. Odoo tests --------------------------------------------------------------
# Fails on failing tests, on ERROR/CRITICAL log lines, and on any WARNING
# logged by sales_plus itself.
check_odoo_log() { # check_odoo_log NAME LOG EXPECT_TESTS
    local name=$1 log=$2 expect_tests=$3 result ran failed errors bad
    # ERROR/CRITICAL from anyone; WARNING from sales_plus or about it (e.g. "Module
    # sales_plus demo data failed to install"); and the chart template's warning,
    # which only the demo of sales_plus (the Shanghai company's chart) could cause
    bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |^[0-9-]+ [0-9:,]+ [0-9]+ WARNING \S+ (odoo\.addons\.sales_plus|odoo\.addons\.account\.models\.chart_template|\S+: .*sales_plus)' "$log" || true)
    if [ "$expect_tests" = 1 ]; then
        result=$(grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -n1 || true)
        if [ -z "$result" ]; then
            tail -n 50 "$log" >&2
            record "$name (no test report)" 0 1
            return
        fi
        read -r failed errors ran < <(echo "$result" | sed -E 's/^([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
        if [ "$ran" -eq 0 ]; then
            record "$name (ran no test)" 0 1
            return
        fi
        # a skipped test is not a passed one (e.g. a demo story test on a database
        # without demo data): counted apart
        local skipped
        skipped=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ INFO \S+ odoo\.addons\.sales_plus\.\S+: skipped ' "$log" || true)
        [ "$skipped" -eq 0 ] || say "$name: $skipped skipped, not counted as passed"
        ran=$((ran - skipped))
        local bad_count=$((failed + errors))
        if [ -n "$bad" ] && [ "$bad_count" -eq 0 ]; then
            echo "$bad" >&2
            record "$name (error/warning lines in the log)" $((ran - 1)) 1
        else
            [ -z "$bad" ] || echo "$bad" >&2
            record "$name" $((ran > bad_count ? ran - bad_count : 0)) "$bad_count"
        fi
    else
        if [ -n "$bad" ]; then
            echo "$bad" >&2
            record "$name" 0 1
        else
            record "$name" 1 0
        fi
    fi
}

DATABASES=()
drop_databases() {
    local db
    for db in "${DATABASES[@]}"; do dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
}

# One Odoo run that stops after init, its log in $LOG_DIR/LOGFILE (a failure is
# read from the log): odoo_once DB LOGFILE ODOO_OPTIONS...
odoo_once() {
    local db="$1" log="$2"
    shift 2
    odoo_bin -d "$db" "$@" --stop-after-init --http-port "$(free_port)" --http-interface 127.0.0.1 \
        --workers 0 --max-cron-threads 0 --log-level info --logfile "$LOG_DIR/$log" || true
}

# Uninstall sales_plus (the module command reads its connection and addons path
# from a config file only): odoo_uninstall DB LOGFILE
odoo_uninstall() {
    local conf="$LOG_DIR/odoo-uninstall.conf"
    printf '[options]\naddons_path = %s\ndb_host = %s\ndb_port = %s\ndb_user = %s\nlog_level = info\nlogfile = %s\n' \
        "$ADDONS_PATH" "$PGHOST" "$PGPORT" "$PGUSER" "$LOG_DIR/$2" >"$conf"
    python3 "$ODOO_PATH/odoo-bin" module uninstall -c "$conf" -d "$1" sales_plus || true
}

odoo_tests() {
    local stamp db_demo db_nodemo db_extra
    stamp="$(date +%Y%m%d%H%M%S)_$$"
    db_demo="sales_plus_test_demo_$stamp"
    db_nodemo="sales_plus_test_nodemo_$stamp"
    db_extra="sales_plus_test_extra_$stamp"
    DATABASES+=("$db_demo" "$db_nodemo" "$db_extra")

    say "installing sales_plus with demo data and running its tests ($db_demo)"
    odoo_once "$db_demo" odoo-demo.log -i sales_plus --with-demo --test-enable --test-tags /sales_plus
    check_odoo_log "odoo tests (with demo data)" "$LOG_DIR/odoo-demo.log" 1

    say "upgrading sales_plus on the demo database"
    odoo_once "$db_demo" odoo-upgrade.log -u sales_plus
    check_odoo_log "module upgrade" "$LOG_DIR/odoo-upgrade.log" 0

    say "uninstalling sales_plus from the demo database"
    odoo_uninstall "$db_demo" odoo-uninstall.log
    if [ "$(psql -d "$db_demo" -Atc "select state from ir_module_module where name='sales_plus'")" = uninstalled ]; then
        check_odoo_log "module uninstall" "$LOG_DIR/odoo-uninstall.log" 0
    else
        tail -n 30 "$LOG_DIR/odoo-uninstall.log" >&2 || true
        record "module uninstall (sales_plus still installed)" 0 1
    fi

    say "installing sales_plus without demo data and running its tests ($db_nodemo)"
    odoo_once "$db_nodemo" odoo-nodemo.log -i sales_plus --test-enable --test-tags /sales_plus
    check_odoo_log "odoo tests (without demo data)" "$LOG_DIR/odoo-nodemo.log" 1
    check_pot "$db_nodemo"

    # sales_plus does not depend on mrp or purchase, but adapts to them (kits, the
    # vendor's buyer): the tests tagged sales_plus_extra (not "standard", so the
    # passes above leave them out) run on a database that has both
    say "installing sales_plus with mrp and purchase and running the sales_plus_extra tests ($db_extra)"
    odoo_once "$db_extra" odoo-extra.log -i sales_plus,mrp,purchase --test-enable \
        --test-tags sales_plus_extra/sales_plus
    check_odoo_log "odoo tests (with mrp and purchase)" "$LOG_DIR/odoo-extra.log" 1
}

# 6. Project pytest suite ----------------------------------------------------
pytest_suite() {
    local out rc=0 passed failed
    out="$LOG_DIR/pytest.log"
    (cd "$ROOT" && ODOO_PATH="$ODOO_PATH" ADDONS_PATH="$ADDONS_PATH" python3 -m pytest -q -p no:cacheprovider tests) >"$out" 2>&1 || rc=$?
    passed=$(grep -Eo '[0-9]+ passed' "$out" | tail -n1 | cut -d' ' -f1 || true)
    failed=$( (grep -Eo '[0-9]+ (failed|errors?)' "$out" || true) | awk '{s+=$1} END {print s+0}')
    passed=${passed:-0}
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    [ "$rc" -eq 0 ] || cat "$out" >&2
    record "pytest" "$passed" "$failed"
}

cmd_test() {
    local start=$SECONDS
    prepare
    say "logs in $LOG_DIR"
    trap drop_databases EXIT
    static_checks
    odoo_tests
    pytest_suite
    say "wall time $((SECONDS - start)) s"
    [ ${#FAILURES[@]} -eq 0 ] || say "failed: ${FAILURES[*]}"
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

demo_logins() { # demo_logins DB: every active internal login, its role and language
    psql -d "$1" -AtF $'\t' -c "
        SELECT u.login, p.name, coalesce(p.lang, ''),
               coalesce((SELECT string_agg(DISTINCT coalesce(g.name->>'en_US', ''), ', ')
                         FROM res_groups_users_rel r JOIN res_groups g ON g.id = r.gid
                         JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = g.id
                         WHERE r.uid = u.id AND d.module = 'sales_plus' AND d.name LIKE 'group_%'), '')
        FROM res_users u JOIN res_partner p ON p.id = u.partner_id
        WHERE u.active AND NOT u.share ORDER BY u.id" |
        while IFS=$'\t' read -r login name lang groups; do
            printf '  %-8s %-14s %-6s %s\n' "$login" "$name" "$lang" "${groups:-(no Sales Plus role)}"
        done
}

cmd_demo() {
    prepare
    local db=${DEMO_DB:-sales_plus_demo} port=${DEMO_PORT:-8069}
    if ! psql -d "$db" -Atc "select 1 from ir_module_module where name='sales_plus' and state='installed'" 2>/dev/null | grep -q 1; then
        say "creating demo database $db (a few minutes; more on a busy machine)"
        dropdb --if-exists "$db"
        odoo_bin -d "$db" -i sales_plus --with-demo --load-language=zh_CN,zh_TW --stop-after-init \
            --workers 0 --max-cron-threads 0 --http-port "$port" --http-interface 127.0.0.1 --log-level warn
    fi
    echo "Sales Plus demo: http://127.0.0.1:$port/odoo?db=$db (password = login)"
    demo_logins "$db"
    echo "Stop with Ctrl-C."
    exec python3 "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" --db_host="$PGHOST" --db_port="$PGPORT" \
        --db_user="$PGUSER" -d "$db" --db-filter "^$db\$" --http-interface 127.0.0.1 --http-port "$port" \
        --workers 0 --max-cron-threads 1
}

# Translations: the .pot is generated from the code by Odoo's own exporter, from a
# database without demo data.
export_pot() { # export_pot DB OUTPUT
    # the i18n command takes its connection and addons path from a config file only
    local conf="$LOG_DIR/odoo-i18n.conf"
    printf '[options]\naddons_path = %s\ndb_host = %s\ndb_port = %s\ndb_user = %s\n' \
        "$ADDONS_PATH" "$PGHOST" "$PGPORT" "$PGUSER" >"$conf"
    python3 "$ODOO_PATH/odoo-bin" i18n export -c "$conf" -d "$1" -l pot -o "$2" sales_plus >"$LOG_DIR/pot.log" 2>&1
}

pot_terms() { # the msgids of a .pot, sorted, without its header
    python3 - "$1" <<'PY'
import sys, polib
for e in sorted(polib.pofile(sys.argv[1]), key=lambda e: (e.msgctxt or "", e.msgid)):
    print(repr((e.msgctxt, e.msgid)))
PY
}

check_pot() { # check_pot DB: the committed .pot holds exactly the code's terms
    local fresh="$LOG_DIR/sales_plus.pot"
    if ! export_pot "$1" "$fresh"; then
        cat "$LOG_DIR/pot.log" >&2
        record "i18n: .pot export" 0 1
        return
    fi
    if diff <(pot_terms "$fresh") <(pot_terms "$ROOT/addons/sales_plus/i18n/sales_plus.pot") >"$LOG_DIR/pot.diff"; then
        record "i18n: .pot up to date" 1 0
    else
        say "addons/sales_plus/i18n/sales_plus.pot is stale (< code, > file); run: make pot"
        head -n 40 "$LOG_DIR/pot.diff" >&2
        record "i18n: .pot up to date" 0 1
    fi
}

cmd_pot() {
    prepare
    local db="sales_plus_pot_$$"
    DATABASES+=("$db")
    trap drop_databases EXIT
    odoo_bin -d "$db" -i sales_plus --stop-after-init --workers 0 --max-cron-threads 0 --log-level warn \
        --http-port "$(free_port)" --http-interface 127.0.0.1
    export_pot "$db" "$ROOT/addons/sales_plus/i18n/sales_plus.pot" || { cat "$LOG_DIR/pot.log" >&2; exit 1; }
    python3 "$ROOT/tests/i18n_tool.py" merge
}

# Benchmarks: tests/bench_NAME.py creates its own database, prints its figures
# and drops it. Never part of `test`.
cmd_bench() {
    local name=${1:?usage: harness.sh bench NAME (tests/bench_NAME.py)}
    [ -f "$ROOT/tests/bench_$name.py" ] || die "no benchmark tests/bench_$name.py"
    prepare
    shift
    ODOO_PATH="$ODOO_PATH" ADDONS_PATH="$ADDONS_PATH" python3 "$ROOT/tests/bench_$name.py" "$@"
}

# Screenshots of the README: the `make demo` database (created when missing, as
# `make demo` does) served on a free port, each screen opened in headless Chromium at
# 1600x1000 as the demo user who works with it, in that user's language
# (tests/screenshots.py). They replace docs/screenshots/*.png only when all are taken.
cmd_screenshots() {
    prepare
    local db=${DEMO_DB:-sales_plus_demo} port shots="$LOG_DIR/screenshots" dest="$ROOT/docs/screenshots"
    port=$(free_port)
    mkdir -p "$shots" "$dest"
    say "serving the demo database $db on port $port (created first when missing)"
    DEMO_DB="$db" DEMO_PORT="$port" setsid bash "$ROOT/tests/harness.sh" demo >"$LOG_DIR/demo-server.log" 2>&1 &
    SCREENSHOT_SERVER=$!
    trap 'kill -- -"$SCREENSHOT_SERVER" 2>/dev/null || true' EXIT
    # creating the demo database takes minutes (tens on a busy 2-core machine)
    local waited=0
    until curl -fs -o /dev/null "http://127.0.0.1:$port/web/login?db=$db"; do
        kill -0 "$SCREENSHOT_SERVER" 2>/dev/null || { tail -n 40 "$LOG_DIR/demo-server.log" >&2; die "the demo server stopped"; }
        [ "$waited" -lt "${SALES_PLUS_DEMO_TIMEOUT:-3600}" ] || die "the demo server did not answer within ${waited}s"
        sleep 5
        waited=$((waited + 5))
    done
    if python3 "$ROOT/tests/screenshots.py" "http://127.0.0.1:$port" "$db" "$shots"; then
        cp "$shots"/*.png "$dest/"
        say "saved in $dest"
        ls "$shots"
    else
        die "some screenshots were not taken; docs/screenshots left as it was"
    fi
}

cmd_env() {
    prepare
    echo "$VENV"
}

case "${1:-test}" in
test) cmd_test ;;
demo) cmd_demo ;;
env) cmd_env ;;
pot) cmd_pot ;;
bench) shift; cmd_bench "$@" ;;
screenshots) cmd_screenshots ;;
*) die "usage: $0 test|demo|env|pot|bench NAME|screenshots" ;;
esac
