#!/usr/bin/env bash
# Every speed and memory figure of the README, side by side in one run, with public tools:
# hyperfine, /usr/bin/time -v, Hugo (Debian's `hugo`) and Zola when installed.
#
#   benches/compare.sh [WORK_DIR]      # default /tmp/tiendo-bench; output goes to /dev/shm
#
# Needs: cargo, hyperfine, GNU time, python3 (for medians). Takes about five minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/tiendo-bench}
out=/dev/shm/tiendo-bench
mkdir -p "$work" "$out"

# Zola: from PATH, else the 0.22.1 build the team keeps beside the project.
zola=$(command -v zola || true)
if [ -z "$zola" ] && [ -x ../shared/tools/zola/zola ]; then
    zola=$(cd ../shared/tools/zola && pwd)/zola
fi

cargo build --release --quiet --bin tiendo --example synth --example serve_latency
bin=$PWD/target/release/tiendo
synth=$PWD/target/release/examples/synth

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"

# hyperfine's summary plus the median of each command (from its JSON export).
bench() {
    hyperfine --export-json "$out/h.json" "$@" 2>&1 | grep -E 'Benchmark|Time|Range|faster'
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("  median %.3f s  %s" % (r["median"], r["command"].split()[0].split("/")[-1]))' "$out/h.json"
}

echo "== bundled plan (content/), full build"
bench -N -w 3 -r 20 "$bin build --quiet --output $out/bundled"

echo "== national synthetic: 63 plans x 25 sectors x 30 indicators x 12 periods"
[ -d "$work/nat/content" ] || "$synth" --plans 63 --sectors 25 --indicators 30 --periods 12 --out "$work/nat" >/dev/null
bench -r 5 -p "rm -rf $out/nat" "$bin build --quiet --content $work/nat/content --output $out/nat"
rm -rf "$out/nat"
/usr/bin/time -v "$bin" build --timings --content "$work/nat/content" --output "$out/nat" 2>&1 |
    grep -E 'built|ms  |Maximum resident|Elapsed'
du -sh "$out/nat" | sed 's/^/output: /'
rm -rf "$out/nat"

echo "== 10,000 Markdown pages of ~4 KB (the same pages for every tool), written to tmpfs"
[ -d "$work/md/content" ] || "$synth" --markdown-only 10000 --out "$work/md" >/dev/null
cmds=("$bin build --quiet --content $work/md/content --output $out/md-tiendo")
if command -v hugo >/dev/null; then
    cmds+=("hugo --quiet --source $work/md/hugo -d $out/md-hugo")
fi
if [ -n "$zola" ]; then
    echo "   (zola: $zola, $("$zola" --version))"
    cmds+=("$zola --root $work/md/zola build --force --output-dir $out/md-zola")
else
    echo "   (zola not found: the Zola row is left out)"
fi
bench -r 7 -p "rm -rf $out/md-tiendo $out/md-hugo $out/md-zola" "${cmds[@]}"
for c in "${cmds[@]}"; do
    rm -rf "$out/md-tiendo" "$out/md-hugo" "$out/md-zola"
    printf '%s: ' "$(basename "${c%% *}")"
    /usr/bin/time -f '%M KB peak' $c 2>&1 >/dev/null | tail -1
done

echo "== serve: one changed sector file of the national site, edit -> page reloaded"
TIENDO=$bin "$PWD/target/release/examples/serve_latency" --content "$work/nat/content" --runs 15

rm -rf "$out"
