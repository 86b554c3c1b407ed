#!/usr/bin/env python3
"""Static checks of the observability files in infra/.

- Grafana dashboards parse as JSON, have a uid, and every panel and query names the
  provisioned Prometheus datasource by its uid.
- The Grafana provisioning files parse as YAML (with python3-yaml; skipped without it) and
  the dashboards provider reads the folder docker-compose.yml mounts the dashboards at.
- Every PromQL expression of the dashboards and of the alert rules names only metrics the
  services really expose: the names are read from the C++ sources
  (registry.counter/gauge/histogram/counter_callback/gauge_callback("name", ...)).
- With --promtool, the dashboards' expressions (Grafana variables replaced) also pass
  promtool's PromQL parser, as recording rules of a scratch rule file.

Usage: check_observability.py SOURCE_DIR [--promtool PROMTOOL] [--dashboard FILE]...
                              [--alerts FILE]...
Without --dashboard/--alerts it checks infra/grafana/dashboards/*.json and
infra/prometheus/alerts.yml. Exit code 0 when everything holds, 1 with one line per problem.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # Debian: python3-yaml (a dependency of docker-compose)
    yaml = None

# Series Prometheus itself adds to every target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}

REGISTRATION = re.compile(
    r"\b(counter|gauge|histogram|counter_callback|gauge_callback)\s*\(\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"")
PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan", "atan2",
}
TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[a-zA-Z]*)|(?P<id>[a-zA-Z_:][a-zA-Z0-9_:]*)")

problems = []
dashboard_exprs = []  # (where, expression) of every dashboard query, for promtool


def problem(message):
    problems.append(message)


def exposed_metrics(source_dir):
    """The metric names the services register, from their sources (tests excluded)."""
    names = set(PROMETHEUS_SERIES)
    roots = [source_dir / "shared" / "src"] + sorted((source_dir / "services").glob("*/src"))
    files = [p for root in roots for p in root.rglob("*") if p.suffix in (".cpp", ".hpp")]
    files += sorted((source_dir / "services").glob("*/main.cpp"))
    for path in files:
        for kind, name in REGISTRATION.findall(path.read_text(encoding="utf-8")):
            names.add(name)
            if kind == "histogram":
                names.update({name + "_bucket", name + "_sum", name + "_count"})
    return names


def metric_names(expr):
    """The metric names a PromQL expression selects (a grep-level reading, no full parser)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)  # string literals
    text = re.sub(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*", "1", text)  # Grafana variables
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in TOKEN.finditer(text):
        name = match.group("id")
        if not name or name.lower() in PROMQL_KEYWORDS:
            continue
        if text[match.end():].lstrip().startswith("("):
            continue  # a function or an aggregation
        names.add(name)
    return names


def check_expr(where, expr, metrics, dashboard=False):
    if not expr or not expr.strip():
        problem(f"{where}: empty expression")
        return
    if dashboard:
        dashboard_exprs.append((where, expr))
    for name in sorted(metric_names(expr) - metrics):
        problem(f"{where}: metric {name!r} is not exposed by any service")


def panels_of(panels):
    for panel in panels:
        yield panel
        yield from panels_of(panel.get("panels", []))


def check_dashboard(path, datasource_uid, metrics):
    try:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        problem(f"{path.name}: not valid JSON: {e}")
        return
    if not dashboard.get("uid"):
        problem(f"{path.name}: no uid")
    if not dashboard.get("title"):
        problem(f"{path.name}: no title")

    def check_datasource(where, ds):
        if datasource_uid is None:
            return
        uid = ds.get("uid") if isinstance(ds, dict) else ds
        if uid != datasource_uid:
            problem(f"{where}: datasource {uid!r}, expected the provisioned uid {datasource_uid!r}")

    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            where = f"{path.name}: variable {variable.get('name')!r}"
            check_datasource(where, variable.get("datasource"))
            query = variable.get("query")
            query = query.get("query", "") if isinstance(query, dict) else query or ""
            values = re.fullmatch(r"\s*label_values\((?:(.*),)?\s*\w+\s*\)\s*", query)
            if values and values.group(1):
                check_expr(where, values.group(1), metrics, dashboard=True)

    ids = set()
    count = 0
    for panel in panels_of(dashboard.get("panels", [])):
        where = f"{path.name}: panel {panel.get('title')!r}"
        if "gridPos" not in panel:
            problem(f"{where}: no gridPos")
        if panel.get("id") in ids:
            problem(f"{where}: duplicate id {panel.get('id')}")
        ids.add(panel.get("id"))
        if panel.get("type") == "row":
            continue
        count += 1
        check_datasource(where, panel.get("datasource"))
        targets = panel.get("targets", [])
        if not targets:
            problem(f"{where}: no queries")
        for target in targets:
            check_datasource(f"{where} query {target.get('refId')}", target.get("datasource"))
            check_expr(f"{where} query {target.get('refId')}", target.get("expr"), metrics,
                       dashboard=True)
    if count == 0:
        problem(f"{path.name}: no panels")


def load_yaml(path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        problem(f"{path}: not valid YAML: {e}")
        return None


def check_provisioning(infra):
    """Returns the uid of the provisioned Prometheus datasource (None when unknown)."""
    provisioning = infra / "grafana" / "provisioning"
    source = provisioning / "datasources" / "prometheus.yml"
    if yaml is None:
        print("note: python3-yaml missing, YAML files not parsed here")
        match = re.search(r"^\s*uid:\s*(\S+)\s*$", source.read_text(encoding="utf-8"), re.M)
        return match.group(1) if match else None

    datasources = (load_yaml(source) or {}).get("datasources") or []
    prometheus = [d for d in datasources if d.get("type") == "prometheus"]
    if len(prometheus) != 1 or not prometheus[0].get("uid"):
        problem(f"{source}: expected one prometheus datasource with a uid")
        return None

    compose = load_yaml(infra / "docker-compose.yml") or {}
    mounts = compose.get("services", {}).get("grafana", {}).get("volumes", [])
    mounted = {m.split(":")[1] for m in mounts if m.startswith("./grafana/dashboards:")}
    for path in sorted((provisioning / "dashboards").glob("*.yml")):
        for provider in (load_yaml(path) or {}).get("providers") or []:
            folder = provider.get("options", {}).get("path")
            if folder not in mounted:
                problem(f"{path}: provider {provider.get('name')!r} reads {folder!r}, "
                        f"but docker-compose.yml mounts the dashboards at {sorted(mounted)}")
    return prometheus[0]["uid"]


def check_alerts(path, metrics):
    if yaml is None:
        return  # promtool check rules still validates the file
    document = load_yaml(path) or {}
    count = 0
    for group in document.get("groups") or []:
        for rule in group.get("rules") or []:
            count += 1
            name = rule.get("alert") or rule.get("record")
            check_expr(f"{path.name}: rule {name!r}", rule.get("expr"), metrics)
    if count == 0:
        problem(f"{path.name}: no rules")


def check_syntax(promtool):
    """Runs the dashboards' expressions through promtool's parser as recording rules."""
    if not dashboard_exprs:
        return
    lines = ["groups:", "  - name: dashboard-expressions", "    rules:"]
    for index, (where, expr) in enumerate(dashboard_exprs):
        expr = expr.replace("$__rate_interval", "1m").replace("$__interval", "1m")
        expr = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", ".+", expr)
        lines.append(f"      - record: dashboard_check:expr_{index}")
        lines.append(f"        expr: {json.dumps(expr)}")  # a JSON string is a YAML string
    with tempfile.TemporaryDirectory() as scratch:
        rules = pathlib.Path(scratch) / "dashboard_rules.yml"
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = subprocess.run([promtool, "check", "rules", str(rules)],
                                capture_output=True, text=True, check=False)
    if result.returncode != 0:
        problem("promtool rejects a dashboard expression:\n" + result.stdout + result.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", type=pathlib.Path)
    parser.add_argument("--promtool", help="also parse the dashboards' PromQL with promtool")
    parser.add_argument("--dashboard", action="append", type=pathlib.Path, default=[])
    parser.add_argument("--alerts", action="append", type=pathlib.Path, default=[])
    args = parser.parse_args()

    infra = args.source_dir / "infra"
    metrics = exposed_metrics(args.source_dir)
    if len(metrics) <= len(PROMETHEUS_SERIES):
        problem(f"no metric registrations found under {args.source_dir}")
    dashboards = args.dashboard or sorted((infra / "grafana" / "dashboards").glob("*.json"))
    alerts = args.alerts or [infra / "prometheus" / "alerts.yml"]

    datasource_uid = check_provisioning(infra)
    for path in dashboards:
        check_dashboard(path, datasource_uid, metrics)
    for path in alerts:
        check_alerts(path, metrics)
    if args.promtool:
        check_syntax(args.promtool)

    for line in problems:
        print(line)
    if problems:
        return 1
    print(f"ok: {len(dashboards)} dashboard(s), {len(alerts)} rule file(s), "
          f"{len(metrics)} known metric names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
