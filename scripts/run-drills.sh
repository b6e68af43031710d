#!/usr/bin/env bash
# Runs drills (default: every drills/*.yaml) one after the other with the debug build of
# headnet and prints a table of what each found: passed, FAILED, or skipped with the reason
# (exit status 77: this machine cannot run it, e.g. network faults without root). Each drill's
# JSON report, SVG timeline and output go to $DRILL_OUT (default .build/drills/). Exit status 1
# when any drill failed. `make drills` runs it; DRILLS="drills/kill-leader.yaml …" picks some.
set -u
cd "$(dirname "$0")/.."
out="${DRILL_OUT:-.build/drills}"
mkdir -p "$out"
headnet=.build/debug/headnet
drills=(${DRILLS:-drills/*.yaml})
failed=0
for drill in "${drills[@]}"; do
    name=$(basename "$drill" .yaml)
    echo "=== $name"
    "$headnet" drill "$drill" --report "$out/$name.json" --plot "$out/$name.svg" ${DRILL_FLAGS:-} >"$out/$name.log" 2>&1
    status=$?
    tail -n 30 "$out/$name.log"
    case $status in
        0) echo "passed" >"$out/$name.result" ;;
        # What it needs, in short: the whole reason is in the drill's log.
        77) reason=$(grep -m1 '^Error: ' "$out/$name.log" | sed 's/^Error: //')
            short=$(grep -oE '(it )?needs? [^.;(`]*' <<<"$reason" | tail -n1)
            echo "skipped: ${short:-${reason:0:120}}" >"$out/$name.result"; rm -f "$out/$name.json" ;;
        *) echo "FAILED (exit $status)" >"$out/$name.result"; failed=1 ;;
    esac
done
python3 - "$out" "${drills[@]}" <<'PY'
import json, os, sys
out, drills = sys.argv[1], sys.argv[2:]
print("\n| drill | result | accepted | lost | dup | order | hashes | recovery (s): delivering / healthy |")
print("|---|---|---|---|---|---|---|---|")
for path in drills:
    name = os.path.basename(path)[:-5]
    result = open(os.path.join(out, name + ".result")).read().strip()
    report = os.path.join(out, name + ".json")
    if not os.path.exists(report):
        print(f"| {name} | {result} | | | | | | |")
        continue
    r = json.load(open(report))
    inv = r["invariants"]
    count = lambda key: sum(len(n.get(key, [])) for n in inv["nodes"])
    hashes = {h.get("hash") for h in r.get("hashes", [])}
    agree = "equal" if len(hashes) == 1 and None not in hashes else "DIFFER"
    fmt = lambda v: "–" if v is None else f"{v:.1f}"
    recoveries = [f"{x['fault']}: {fmt(x.get('delivering'))} / {fmt(x.get('healthy'))}" for x in r.get("recoveries", [])]
    print(f"| {name} | {result} | {inv['accepted']} | {count('lost')} | {count('duplicated')} | {count('outOfOrder')} | {agree} | {'; '.join(recoveries)} |")
PY
exit $failed
