#!/usr/bin/env python3
"""Generates dashboards/flowrelay.ndjson: FlowRelay's Kibana data views, Lens visualisations and
dashboards, in the saved-object export format of Kibana 8.14 (see dashboards/README.md).

Every id, layer id and column id is derived from names, so a rerun writes the same bytes: the
file is reviewed as a diff and the ids stay stable across regenerations.

    python3 dashboards/tools/generate.py            # rewrite dashboards/flowrelay.ndjson
    python3 dashboards/tools/generate.py --check    # exit 1 when the file is out of date
"""
import json
import os
import sys

# Migration versions of the export format (Kibana 8.14, elastic/integrations packages with
# conditions.kibana.version ^8.14.0 ship exactly these): coreMigrationVersion is frozen at 8.8.0
# since model versions replaced per-release migrations; a type's version is 10.<model>.0 once it
# has model versions. A newer Kibana migrates these forward on import; an older one refuses them.
CORE_MIGRATION = "8.8.0"
TYPE_MIGRATION = {"index-pattern": "8.0.0", "lens": "8.9.0", "dashboard": "10.2.0"}
PANEL_VERSION = "8.14.0"

DATA_VIEWS = {
    "flow": ("flowrelay-flow-data-view", "logs-flowrelay.flow-*", "FlowRelay flows"),
    "dns": ("flowrelay-dns-data-view", "logs-flowrelay.dns-*", "FlowRelay DNS"),
    "alert": ("flowrelay-alert-data-view", "logs-flowrelay.alert-*", "FlowRelay alerts"),
    "risk": ("flowrelay-risk-data-view", "logs-flowrelay.risk-*", "FlowRelay threat index"),
    "cef": ("flowrelay-cef-data-view", "logs-flowrelay.cef-*", "FlowRelay CEF from devices"),
}

UPLOAD_RULE = 'flowrelay.alert.rule_name : "flowrelay_upload_trigger"'
REPEAT_RULE = 'flowrelay.alert.rule_name : "flowrelay_repeat_upload_trigger"'
RESOLVER_RULE = 'flowrelay.alert.rule_name : "flowrelay_dns_resolver_outside_policy"'
DNS_TUNNEL_RULES = ('flowrelay.alert.rule_name : ("flowrelay_dns_tunnel_unique_subdomains" or "flowrelay_dns_tunnel_long_names" or '
                    '"flowrelay_dns_tunnel_txt_null_volume" or "flowrelay_dns_dga_nxdomain_burst")')
# Flows and DNS queries a Sigma filter removed from a rule carry the filter's name.
EXCLUDED = "flowrelay.excluded_by : *"


def jdump(o):
    return json.dumps(o, separators=(",", ":"), sort_keys=True)


# ---- Lens columns -----------------------------------------------------------------------------

def date_histogram(label="@timestamp"):
    return {"dataType": "date", "isBucketed": True, "label": label, "operationType": "date_histogram",
            "params": {"dropPartials": False, "includeEmptyRows": True, "interval": "auto"},
            "scale": "interval", "sourceField": "@timestamp"}


def terms(field, label, data_type, order_by, size=10, missing=False):
    return {"customLabel": True, "dataType": data_type, "isBucketed": True, "label": label, "operationType": "terms",
            "params": {"exclude": [], "excludeIsRegex": False, "include": [], "includeIsRegex": False,
                       "missingBucket": missing, "orderBy": {"columnId": order_by, "type": "column"},
                       "orderDirection": "desc", "otherBucket": False, "parentFormat": {"id": "terms"}, "size": size},
            "scale": "ordinal", "sourceField": field}


def count(label, kql=None):
    c = {"customLabel": True, "dataType": "number", "isBucketed": False, "label": label, "operationType": "count",
         "params": {"emptyAsNull": True}, "scale": "ratio", "sourceField": "___records___"}
    if kql:
        c["filter"] = {"language": "kuery", "query": kql}
    return c


def metric(op, field, label, fmt=None, decimals=1):
    params = {"emptyAsNull": True}
    if fmt:
        params["format"] = {"id": fmt, "params": {"decimals": decimals}}
    return {"customLabel": True, "dataType": "number", "isBucketed": False, "label": label, "operationType": op,
            "params": params, "scale": "ratio", "sourceField": field}


def last_seen(label="Last seen"):
    return {"customLabel": True, "dataType": "date", "isBucketed": False, "label": label, "operationType": "max",
            "params": {"emptyAsNull": True}, "scale": "ratio", "sourceField": "@timestamp"}


def last_value(field, label, data_type):
    return {"customLabel": True, "dataType": data_type, "isBucketed": False, "label": label, "operationType": "last_value",
            "params": {"showArrayValues": False, "sortField": "@timestamp"}, "scale": "ordinal" if data_type != "number" else "ratio",
            "sourceField": field}


# ---- Lens visualisations ----------------------------------------------------------------------

def lens(vid, title, description, view, vis_type, columns, visualization, query=""):
    """columns: ordered list of (column id, column)."""
    layer = "layer-" + vid
    cols = {cid: col for cid, col in columns}
    state = {
        "adHocDataViews": {},
        "datasourceStates": {"formBased": {"layers": {layer: {"columnOrder": [cid for cid, _ in columns], "columns": cols,
                                                             "incompleteColumns": {}, "sampling": 1}}},
                             "textBased": {"layers": {}}},
        "filters": [],
        "internalReferences": [],
        "query": {"language": "kuery", "query": query},
        "visualization": visualization(layer),
    }
    return {
        "attributes": {"description": description, "state": state, "title": title, "visualizationType": vis_type},
        "coreMigrationVersion": CORE_MIGRATION,
        "id": vid,
        "managed": False,
        "references": [{"id": DATA_VIEWS[view][0], "name": "indexpattern-datasource-layer-" + layer, "type": "index-pattern"}],
        "type": "lens",
        "typeMigrationVersion": TYPE_MIGRATION["lens"],
    }


def xy(series, x, accessors, split=None):
    def build(layer):
        l = {"accessors": accessors, "layerId": layer, "layerType": "data", "position": "top", "seriesType": series,
             "showGridlines": False, "xAccessor": x}
        if split:
            l["splitAccessor"] = split
        return {"axisTitlesVisibilitySettings": {"x": False, "yLeft": True, "yRight": True}, "fittingFunction": "None",
                "layers": [l], "legend": {"isVisible": True, "position": "right"}, "preferredSeriesType": series,
                "valueLabels": "hide"}
    return build


def table(column_ids, sort=None):
    def build(layer):
        v = {"columns": [{"columnId": c, "isTransposed": False} for c in column_ids], "layerId": layer, "layerType": "data"}
        if sort:
            v["sorting"] = {"columnId": sort, "direction": "desc"}
        return v
    return build


def bar_h(x, accessor):
    return xy("bar_horizontal", x, [accessor])


def metric_vis(accessor):
    return lambda layer: {"layerId": layer, "layerType": "data", "metricAccessor": accessor}


def time_series(vid, title, description, view, metrics, split=None, series="bar_stacked", query=""):
    cols = [("time", date_histogram())]
    if split:
        cols.append(("split", terms(split[0], split[1], split[2], metrics[0][0], size=split[3] if len(split) > 3 else 5)))
    cols += metrics
    return lens(vid, title, description, view, "lnsXY", cols,
                xy(series, "time", [m for m, _ in metrics], "split" if split else None), query)


def top(vid, title, description, view, field, label, data_type, m, query="", size=10):
    cols = [("key", terms(field, label, data_type, "m", size=size)), ("m", m)]
    return lens(vid, title, description, view, "lnsXY", cols, bar_h("key", "m"), query)


def grid(vid, title, description, view, keys, metrics, query="", size=20):
    """A table: keys = [(field, label, type)], the first ordered by the first metric."""
    first = metrics[0][0]
    cols = []
    for i, (field, label, dtype, *rest) in enumerate(keys):
        cols.append((f"k{i}", terms(field, label, dtype, first, size=size if i == 0 else 5, missing=bool(rest and rest[0]))))
    cols += metrics
    return lens(vid, title, description, view, "lnsDatatable", cols, table([c for c, _ in cols], first), query)


VISUALIZATIONS = [
    # Traffic
    time_series("flowrelay-traffic-bytes", "Bytes over time by direction", "network.bytes (both directions of a flow record) by network.direction.",
                "flow", [("bytes", metric("sum", "network.bytes", "Bytes", "bytes"))], ("network.direction", "Direction", "string")),
    time_series("flowrelay-traffic-flows", "Flows over time by direction", "Flow records by network.direction.",
                "flow", [("flows", count("Flows"))], ("network.direction", "Direction", "string")),
    time_series("flowrelay-traffic-packets", "Packets over time by direction", "network.packets by network.direction.",
                "flow", [("packets", metric("sum", "network.packets", "Packets", "number"))], ("network.direction", "Direction", "string")),
    top("flowrelay-traffic-inside-talkers", "Top talkers inside", "Internal sources (network.direction outbound or internal) by bytes sent.",
        "flow", "source.ip", "Internal source", "ip", metric("sum", "source.bytes", "Bytes sent", "bytes"),
        'network.direction : ("outbound" or "internal")'),
    top("flowrelay-traffic-outside-talkers", "Top talkers outside", "External sources reaching inside (network.direction inbound) by bytes sent.",
        "flow", "source.ip", "External source", "ip", metric("sum", "source.bytes", "Bytes sent", "bytes"), 'network.direction : "inbound"'),
    grid("flowrelay-traffic-conversations", "Top conversations", "Source, destination and port by bytes in both directions.",
         "flow", [("source.ip", "Source", "ip"), ("destination.ip", "Destination", "ip"), ("destination.port", "Port", "number")],
         [("bytes", metric("sum", "network.bytes", "Bytes", "bytes")), ("flows", count("Flows"))]),
    top("flowrelay-traffic-domains", "Top destination domains", "destination.domain (from the DNS answers the relay joined) by bytes.",
        "flow", "destination.domain", "Destination domain", "string", metric("sum", "network.bytes", "Bytes", "bytes")),
    top("flowrelay-traffic-countries", "Top destination countries", "destination.geo.country_iso_code (GeoIP) by bytes.",
        "flow", "destination.geo.country_iso_code", "Country", "string", metric("sum", "network.bytes", "Bytes", "bytes")),
    grid("flowrelay-traffic-exporters", "Exporters and their health", "Flow records per exporter (observer.ip), when each was last heard, export versions; an exporter that goes quiet shows an old Last seen.",
         "flow", [("observer.ip", "Exporter", "ip")],
         [("flows", count("Flows")), ("seen", last_seen()), ("versions", metric("unique_count", "flowrelay.version", "Export versions"))]),
    time_series("flowrelay-traffic-exporter-flows", "Flows per exporter over time", "A gap in a line is an exporter that stopped sending.",
                "flow", [("flows", count("Flows"))], ("observer.ip", "Exporter", "ip", 10), series="line"),
    # Exfiltration
    time_series("flowrelay-exfil-upload-alerts", "Upload alerts over time", "Alerts of flowrelay_upload_trigger (more than 20 MB to the internet in 5 minutes) by host.",
                "alert", [("alerts", count("Upload alerts"))], ("host.ip", "Host", "ip", 10), query=UPLOAD_RULE),
    top("flowrelay-exfil-upload-hosts", "Hosts by upload volume to the internet", "flowrelay.upload.bytes of internal hosts on flows to or from the internet, whoever started them (biflow reverse counters included).",
        "flow", "host.ip", "Internal host", "ip", metric("sum", "flowrelay.upload.bytes", "Uploaded", "bytes"), 'network.direction : ("outbound" or "inbound")'),
    grid("flowrelay-exfil-repeat-offenders", "Repeat offenders (24 hours)", "Upload alerts per host in the last 24 hours and the repeat-trigger alerts they caused.",
         "alert", [("host.ip", "Host", "ip")],
         [("uploads", count("Upload alerts", UPLOAD_RULE)), ("repeats", count("Repeat alerts", REPEAT_RULE)), ("seen", last_seen("Last alert"))],
         query=f"{UPLOAD_RULE} or {REPEAT_RULE}"),
    grid("flowrelay-exfil-upload-destinations", "Destinations of the biggest uploads", "Outbound upload volume by destination address and the domain it was resolved from.",
         "flow", [("destination.ip", "Destination", "ip"), ("destination.domain", "Domain", "string", True)],
         [("uploaded", metric("sum", "flowrelay.upload.bytes", "Uploaded", "bytes")), ("hosts", metric("unique_count", "host.ip", "Internal hosts"))],
         query='network.direction : "outbound"'),
    top("flowrelay-exfil-upload-domains", "Registered domains of the biggest uploads", "Outbound upload volume by destination.registered_domain.",
        "flow", "destination.registered_domain", "Registered domain", "string", metric("sum", "flowrelay.upload.bytes", "Uploaded", "bytes"),
        'network.direction : "outbound"'),
    time_series("flowrelay-exfil-excluded-volume", "Excluded upload volume over time", "flowrelay.upload.bytes of flows a Sigma filter (e.g. backup servers, update CDNs) removed from the upload rules, by the filter (flowrelay.excluded_by): traffic that never counted toward an upload alert.",
                "flow", [("uploaded", metric("sum", "flowrelay.upload.bytes", "Uploaded", "bytes"))], ("flowrelay.excluded_by", "Excluded by", "string"),
                query=EXCLUDED),
    grid("flowrelay-exfil-excluded-destinations", "Excluded destinations", "Where the excluded outbound uploads went, by the filter that excluded them (an inbound exclusion, a listed server pulling from inside, is in the volume chart: its peer is source.ip).",
         "flow", [("destination.ip", "Destination", "ip"), ("destination.domain", "Domain", "string", True), ("flowrelay.excluded_by", "Excluded by", "string")],
         [("uploaded", metric("sum", "flowrelay.upload.bytes", "Uploaded", "bytes")), ("hosts", metric("unique_count", "host.ip", "Internal hosts"))],
         query=f'{EXCLUDED} and network.direction : "outbound"'),
    # DNS
    time_series("flowrelay-dns-queries", "DNS queries over time", "Queries by dns.question.type.",
                "dns", [("queries", count("Queries"))], ("dns.question.type", "Type", "string")),
    grid("flowrelay-dns-nxdomain-clients", "NXDOMAIN by client", "Clients by NXDOMAIN answers beside all their queries: a high share points at DGA lookups.",
         "dns", [("source.ip", "Client", "ip")],
         [("nx", count("NXDOMAIN", 'dns.response_code : "NXDOMAIN"')), ("all", count("Queries"))]),
    top("flowrelay-dns-registered-domains", "Top registered domains", "dns.question.registered_domain by queries.",
        "dns", "dns.question.registered_domain", "Registered domain", "string", count("Queries")),
    grid("flowrelay-dns-unique-subdomains", "Unique names per parent domain", "Distinct dns.question.name under each registered domain: tunnelling spreads data over many names.",
         "dns", [("dns.question.registered_domain", "Registered domain", "string")],
         [("names", metric("unique_count", "dns.question.name", "Unique names")), ("queries", count("Queries")),
          ("clients", metric("unique_count", "source.ip", "Clients"))]),
    grid("flowrelay-dns-resolvers", "Resolvers in use", "Resolvers the clients asked (destination.ip where logged) and clients per resolver.",
         "dns", [("destination.ip", "Resolver", "ip")],
         [("queries", count("Queries")), ("clients", metric("unique_count", "source.ip", "Clients"))]),
    grid("flowrelay-dns-longest-names", "Names with the longest labels", "dns.question.name by its longest label (flowrelay.dns.question.longest_label): tunnels fill labels towards the 63-character limit.",
         "dns", [("dns.question.name", "Name", "string")],
         [("longest", metric("max", "flowrelay.dns.question.longest_label", "Longest label")), ("length", metric("max", "flowrelay.dns.question.length", "Name length")),
          ("queries", count("Queries")), ("clients", metric("unique_count", "source.ip", "Clients"))]),
    grid("flowrelay-dns-entropy-names", "Names with the highest entropy", "dns.question.name by the entropy of its subdomain in bits per character (flowrelay.dns.question.subdomain_entropy): encoded data is near 4 to 5, words lower.",
         "dns", [("dns.question.name", "Name", "string")],
         [("entropy", metric("max", "flowrelay.dns.question.subdomain_entropy", "Entropy (bits/char)", "number", 2)),
          ("sublen", metric("max", "flowrelay.dns.question.subdomain_length", "Subdomain length")),
          ("queries", count("Queries")), ("clients", metric("unique_count", "source.ip", "Clients"))]),
    grid("flowrelay-dns-encoded-names", "Names that look encoded", "Registered domains whose subdomain labels look hex, base32 or base64 encoded (flowrelay.dns.question.encoding), with how many such names and clients.",
         "dns", [("dns.question.registered_domain", "Registered domain", "string"), ("flowrelay.dns.question.encoding", "Encoding", "string")],
         [("names", metric("unique_count", "dns.question.name", "Unique names")), ("queries", count("Queries")),
          ("clients", metric("unique_count", "source.ip", "Clients"))],
         query="flowrelay.dns.question.encoding : *"),
    grid("flowrelay-dns-resolvers-outside-policy", "Resolvers outside policy", "Alerts of flowrelay_dns_resolver_outside_policy: internal hosts sending DNS (port 53 or 853) to a resolver not in lists/approved_resolvers.txt.",
         "alert", [("host.ip", "Host", "ip"), ("destination.ip", "Resolver", "ip"), ("destination.port", "Port", "number")],
         [("alerts", count("Alerts")), ("seen", last_seen("Last alert"))], query=RESOLVER_RULE),
    grid("flowrelay-dns-tunnel-alerts", "DNS tunnelling and DGA alerts", "Alerts of the DNS tunnel rules (unique subdomains, long names, TXT/NULL volume) and the DGA NXDOMAIN burst by client and registered domain (the DGA rule counts many domains, so it has none).",
         "alert", [("host.ip", "Client", "ip"), ("dns.question.registered_domain", "Registered domain", "string", True), ("flowrelay.alert.rule_name", "Rule", "string")],
         [("alerts", count("Alerts")), ("points", metric("sum", "event.risk_score", "Risk points")), ("seen", last_seen("Last alert"))],
         query=DNS_TUNNEL_RULES),
    # Threat index
    grid("flowrelay-risk-hosts", "Hosts by threat index", "Each host's highest and latest threat index (host.risk.calculated_score) and its level.",
         "risk", [("host.ip", "Host", "ip")],
         [("max", metric("max", "host.risk.calculated_score", "Highest score")),
          ("current", last_value("host.risk.calculated_score", "Current score", "number")),
          ("level", last_value("host.risk.calculated_level", "Level", "string"))]),
    time_series("flowrelay-risk-score-over-time", "Threat index over time", "Highest host.risk.calculated_score per host.",
                "risk", [("score", metric("max", "host.risk.calculated_score", "Score"))], ("host.ip", "Host", "ip", 10), series="line"),
    top("flowrelay-risk-levels", "Hosts per level", "Hosts by host.risk.calculated_level.",
        "risk", "host.risk.calculated_level", "Level", "string", metric("unique_count", "host.ip", "Hosts")),
    grid("flowrelay-risk-alerts-behind", "Alerts behind a host", "Alerts per host and rule with the risk points they added; filter on a host to see its story.",
         "alert", [("host.ip", "Host", "ip"), ("rule.name", "Rule", "string")],
         [("alerts", count("Alerts")), ("points", metric("sum", "event.risk_score", "Risk points")), ("seen", last_seen("Last alert"))]),
]

DASHBOARDS = [
    ("flowrelay-traffic-dashboard", "[FlowRelay] Traffic", "Flows, bytes and packets by direction, top talkers, conversations, destinations and exporter health.", [
        ("flowrelay-traffic-bytes", 24, 12), ("flowrelay-traffic-flows", 24, 12), ("flowrelay-traffic-packets", 24, 12),
        ("flowrelay-traffic-exporter-flows", 24, 12),
        ("flowrelay-traffic-inside-talkers", 24, 14), ("flowrelay-traffic-outside-talkers", 24, 14),
        ("flowrelay-traffic-conversations", 48, 15),
        ("flowrelay-traffic-domains", 24, 14), ("flowrelay-traffic-countries", 24, 14),
        ("flowrelay-traffic-exporters", 48, 10)], {}),
    ("flowrelay-exfiltration-dashboard", "[FlowRelay] Exfiltration", "Upload alerts, hosts uploading to the internet, repeat offenders, where the biggest uploads went, and what was excluded: traffic a filter (backup servers, update CDNs) kept out of the rules' counts, recorded with flowrelay.excluded_by.", [
        ("flowrelay-exfil-upload-alerts", 48, 12), ("flowrelay-exfil-upload-hosts", 24, 15), ("flowrelay-exfil-repeat-offenders", 24, 15),
        ("flowrelay-exfil-upload-destinations", 24, 15), ("flowrelay-exfil-upload-domains", 24, 15),
        ("flowrelay-exfil-excluded-volume", 24, 15), ("flowrelay-exfil-excluded-destinations", 24, 15)],
     {"flowrelay-exfil-repeat-offenders": {"from": "now-24h", "to": "now"}}),
    ("flowrelay-dns-dashboard", "[FlowRelay] DNS", "Queries, NXDOMAIN by client, registered domains, unique names per parent domain, the resolvers in use, the longest, highest-entropy and encoded-looking names, resolvers outside policy, and tunnelling and DGA alerts.", [
        ("flowrelay-dns-queries", 48, 12), ("flowrelay-dns-nxdomain-clients", 24, 15), ("flowrelay-dns-registered-domains", 24, 15),
        ("flowrelay-dns-unique-subdomains", 24, 15), ("flowrelay-dns-resolvers", 24, 15),
        ("flowrelay-dns-longest-names", 24, 15), ("flowrelay-dns-entropy-names", 24, 15),
        ("flowrelay-dns-encoded-names", 24, 15), ("flowrelay-dns-resolvers-outside-policy", 24, 15),
        ("flowrelay-dns-tunnel-alerts", 48, 15)], {}),
    ("flowrelay-threat-index-dashboard", "[FlowRelay] Threat index", "Hosts by threat index and level, the score over time, and the alerts behind each host.", [
        ("flowrelay-risk-hosts", 24, 15), ("flowrelay-risk-levels", 24, 15), ("flowrelay-risk-score-over-time", 48, 12),
        ("flowrelay-risk-alerts-behind", 48, 15)], {}),
]


def data_view(key):
    vid, pattern, name = DATA_VIEWS[key]
    return {
        "attributes": {"allowNoIndex": True, "fieldAttrs": "{}", "fieldFormatMap": "{}", "fields": "[]", "name": name,
                       "runtimeFieldMap": "{}", "sourceFilters": "[]", "timeFieldName": "@timestamp", "title": pattern,
                       "typeMeta": "{}"},
        "coreMigrationVersion": CORE_MIGRATION,
        "id": vid,
        "managed": False,
        "references": [],
        "type": "index-pattern",
        "typeMigrationVersion": TYPE_MIGRATION["index-pattern"],
    }


def dashboard(did, title, description, panels, time_ranges):
    titles = {v["id"]: v["attributes"]["title"] for v in VISUALIZATIONS}
    panels_json, refs = [], []
    x = y = row_h = 0
    for i, (vid, w, h) in enumerate(panels):
        if x + w > 48:
            x, y, row_h = 0, y + row_h, 0
        index = f"{did.removesuffix('-dashboard')}-panel-{i}"
        config = {"enhancements": {}}
        if vid in time_ranges:
            config["timeRange"] = time_ranges[vid]
        panels_json.append({"embeddableConfig": config, "gridData": {"h": h, "i": index, "w": w, "x": x, "y": y},
                            "panelIndex": index, "panelRefName": "panel_" + index, "title": titles[vid], "type": "lens",
                            "version": PANEL_VERSION})
        refs.append({"id": vid, "name": f"{index}:panel_{index}", "type": "lens"})
        x += w
        row_h = max(row_h, h)
    return {
        "attributes": {
            "description": description,
            "kibanaSavedObjectMeta": {"searchSourceJSON": jdump({"filter": [], "query": {"language": "kuery", "query": ""}})},
            "optionsJSON": jdump({"hidePanelTitles": False, "syncColors": False, "syncCursor": True, "syncTooltips": False, "useMargins": True}),
            "panelsJSON": jdump(panels_json),
            "refreshInterval": {"pause": True, "value": 60000},
            "timeFrom": "now-24h",
            "timeRestore": True,
            "timeTo": "now",
            "title": title,
            "version": 1,
        },
        "coreMigrationVersion": CORE_MIGRATION,
        "id": did,
        "managed": False,
        "references": refs,
        "type": "dashboard",
        "typeMigrationVersion": TYPE_MIGRATION["dashboard"],
    }


def render():
    objects = [data_view(k) for k in DATA_VIEWS] + VISUALIZATIONS + [dashboard(*d) for d in DASHBOARDS]
    return "".join(jdump(o) + "\n" for o in objects)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flowrelay.ndjson")
    text = render()
    if "--check" in sys.argv:
        with open(out, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{out} is out of date: run python3 dashboards/tools/generate.py", file=sys.stderr)
                return 1
        return 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {out}: {text.count(chr(10))} saved objects")
    return 0


if __name__ == "__main__":
    sys.exit(main())
