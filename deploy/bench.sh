#!/usr/bin/env bash
# Relance's benchmarks, one after the other, each figure measured beside a raw baseline in the same run (issue 8;
# README "Benchmarks"). Writes deploy/bench-results/bench.md: the machine, the load average before and after, one
# table (section, figure, value, raw baseline, ratio, target, met, command) with its notes, how long each section took,
# and the fault drills' counts.
#   bash deploy/bench.sh                          every section (about 15 minutes on 2 idle cores)
#   bash deploy/bench.sh timeline rebuild …       only those sections
# Sections: ingestion dunning payment-stop timeline rebuild correspondence drills. Each benchmark appends its figures as
# JSON lines to the file RELANCE_BENCH_ROWS names (format: tools/BenchRows/BenchRow.cs). "drills" runs the xunit fault
# drills (Category=Fault, about a minute); deploy/drills.sh is NOT run from here (it restarts RabbitMQ and PostgreSQL):
# its last results are copied from deploy/bench-results/drills.md with their date.
# A benchmark that fails gets a row that says so, and the others still run; the exit code is then 1 (2: bad usage).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
all=(ingestion dunning payment-stop timeline rebuild correspondence drills)
usage() { echo "usage: bash deploy/bench.sh [section…]   sections: ${all[*]}" >&2; exit 2; }
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=("${all[@]}")
for s in "${sections[@]}"; do [[ " ${all[*]} " == *" $s "* ]] || usage; done
command -v jq >/dev/null || { echo "jq is needed to write the table: apt-get install jq" >&2; exit 2; }

results=deploy/bench-results/bench.md
work=.relance/bench
mkdir -p "$work" "$(dirname "$results")"
export RELANCE_BENCH_ROWS="$PWD/$work/rows.jsonl"
: >"$RELANCE_BENCH_ROWS"
# The audit benchmarks' own results file stays that of their own command.
export RELANCE_AUDIT_RESULTS="$PWD/$work/audit.md"
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
failed=0
durations=()
log() { printf '[bench] %s\n' "$*" >&2; }

bash deploy/infra.sh || { log "the infrastructure did not start"; exit 1; }
set -a; source .relance/env; set +a

# A row of the table, written here for a section that did not write its own.
row() { # section, figure, notes
  jq -cn --arg section "$1" --arg figure "$2" --arg notes "$3" --arg command "bash deploy/bench.sh $1" \
    '{section: $section, figure: $figure, value: null, unit: "", baseline: null, baselineLabel: null, ratio: null, ratioLabel: null,
      target: null, met: false, command: $command, notes: $notes}' >>"$RELANCE_BENCH_ROWS"
}

# Runs one section's command, its output in .relance/bench/<section>.log; a failure or a missing figure becomes a row.
measure() { # section, command…
  local section=$1; shift
  local before; before=$(jq -s --arg s "$section" '[.[] | select(.section == $s)] | length' "$RELANCE_BENCH_ROWS")
  local t0; t0=$(date +%s)
  log "$section: $*"
  "$@" >"$work/$section.log" 2>&1
  local exit=$?
  local after; after=$(jq -s --arg s "$section" '[.[] | select(.section == $s)] | length' "$RELANCE_BENCH_ROWS")
  durations+=("$section|$(($(date +%s) - t0))|$exit")
  if [ "$exit" -ne 0 ]; then
    failed=1
    row "$section" "benchmark FAILED (exit $exit)" "see $work/$section.log: $(grep -v '^\s*$' "$work/$section.log" | tail -1 | cut -c1-300)"
  elif [ "$after" -eq "$before" ]; then
    failed=1
    row "$section" "no figure reported" "the command exited 0 but wrote no row to RELANCE_BENCH_ROWS; see $work/$section.log"
  fi
  log "$section: exit $exit after $(($(date +%s) - t0)) s"
}

# A benchmark another part of the work adds: run when its script is there.
external() { # section, script, arguments…
  local section=$1 script=$2; shift 2
  if [ -f "$script" ]; then measure "$section" bash "$script" "$@"
  else row "$section" "not built" "$script does not exist yet"; durations+=("$section|0|-"); failed=1; fi
}

# Built once, in Release, for the sections asked for; the scripts then skip their own build (RELANCE_BENCH_BUILT).
projects=()
for s in "${sections[@]}"; do
  case $s in
    ingestion) projects+=(tools/Relance.IngestionBenchmark) ;;
    dunning) projects+=(tools/Relance.Benchmarks) ;;
    payment-stop) projects+=(tools/Relance.PaymentStopBenchmark) ;;
    timeline | rebuild) projects+=(tools/Relance.AuditBenchmarks) ;;
    correspondence) projects+=(tools/Relance.CorrespondenceBenchmarks) ;;
    drills) projects+=(tests/Relance.Integration.Tests) ;;
  esac
done
build() {
  local p
  for p in $(printf '%s\n' "${projects[@]}" | sort -u); do
    [ -d "$p" ] || continue
    dotnet build "$p" -c Release --nologo -v quiet -clp:ErrorsOnly || return 1
  done
}
t0=$(date +%s)
log "building in Release: $(printf '%s\n' "${projects[@]}" | sort -u | tr '\n' ' ')"
if build >"$work/build.log" 2>&1; then export RELANCE_BENCH_BUILT=1; build_exit=0
else log "the build failed: see $work/build.log (each script will try its own build)"; build_exit=1; failed=1; fi
durations+=("build|$(($(date +%s) - t0))|$build_exit")

drills_out="$work/drills.log"
for s in "${sections[@]}"; do
  case $s in
    # 10,000 invoices over 1,000 customers (ingestion.sh alone: 20,000 over 2,000), for the time budget.
    ingestion) external ingestion tools/Relance.IngestionBenchmark/ingestion.sh --invoices 10000 --customers 1000 ;;
    dunning) external dunning tools/Relance.Benchmarks/dunning.sh ;;
    payment-stop) external payment-stop tools/Relance.PaymentStopBenchmark/payment-stop.sh ;;
    timeline) measure timeline bash tools/Relance.AuditBenchmarks/audit.sh timeline ;;
    # 20,000 cases (≈186,500 events) as in audit.sh; two runs of each mode instead of three, for the time budget.
    rebuild) measure rebuild bash tools/Relance.AuditBenchmarks/audit.sh rebuild --runs 2 ;;
    # The two figures with a raw baseline, 10 s each after 3 s of warm-up (audit.sh alone: every figure, 20 s).
    correspondence) measure correspondence bash tools/Relance.CorrespondenceBenchmarks/correspondence.sh \
      --seconds 10 --warmup 3 --only letters,sink --out "$work/correspondence.md" ;;
    drills)
      t0=$(date +%s)
      log "drills: dotnet test tests/Relance.Integration.Tests --filter Category=Fault"
      dotnet test tests/Relance.Integration.Tests -c Release ${RELANCE_BENCH_BUILT:+--no-build} --filter "Category=Fault" \
        --logger "console;verbosity=detailed" >"$drills_out" 2>&1
      drills_exit=$?
      [ "$drills_exit" -eq 0 ] || failed=1
      durations+=("drills|$(($(date +%s) - t0))|$drills_exit")
      log "drills: exit $drills_exit" ;;
  esac
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
total=$(($(date +%s) - started))

# The results file.
{
  printf '# Benchmarks\n\n'
  printf 'Written by `bash deploy/bench.sh%s` on %s: %s cores (%s), load average before %s, after %s; %d min %02d s in all.\n' \
    "$([ $# -gt 0 ] && printf ' %s' "$@")" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$load_before" "$load_after" $((total / 60)) $((total % 60))
  if [ $# -gt 0 ]; then printf '\n**Partial run**: only %s.\n' "$*"; fi
  if awk -v load="${load_before%% *}" -v cores="$(nproc)" 'BEGIN { exit !(load > cores) }'; then
    printf '\n**The machine was busy** (load average above its %s cores before the run): the figures are low; measure again on an idle machine.\n' "$(nproc)"
  fi
  printf '\nEach figure is measured beside its raw baseline in the same run: the same work done the plainest way with the\n'
  printf 'same libraries. *ratio* is value / baseline. The machine'\''s load average is in each note: on a shared machine the\n'
  printf 'figures drop, the ratios less.\n\n'
  printf '| section | figure | value | raw baseline | ratio | target | met | command |\n|---|---|---|---|---|---|---|---|\n'
  jq -rs '
    def commas: if length > 3 then (.[:-3] | commas) + "," + .[-3:] else . end;
    def num: if . >= 100 then round | tostring | commas elif . >= 10 then . * 10 | round / 10 | tostring else . * 100 | round / 100 | tostring end;
    to_entries[] | .key as $i | .value |
    "| \(.section) | \(.figure) [\($i + 1)] | \(if .value == null then "—" else "\(.value | num) \(.unit)" end) | " +
    "\(if .baseline == null then "—" else "\(.baseline | num) \(.unit)" + (if .baselineLabel then " (\(.baselineLabel))" else "" end) end) | " +
    "\(.ratioLabel // "—") | \(.target // "—") | \(if .met == true then "yes" elif .met == false then "**no**" else "—" end) | `\(.command)` |"
  ' "$RELANCE_BENCH_ROWS"
  [ -s "$RELANCE_BENCH_ROWS" ] || printf '| (no benchmark in this run) | | | | | | | |\n'
  printf '\nNotes:\n\n'
  jq -rs 'to_entries[] | "\(.key + 1). \(.value.section), \(.value.figure): \(.value.notes)"' "$RELANCE_BENCH_ROWS"
  printf '\nHow long each section took (the whole budget: 15 minutes):\n\n| section | seconds | exit |\n|---|---|---|\n'
  for d in "${durations[@]}"; do IFS='|' read -r name secs code <<<"$d"; printf '| %s | %s | %s |\n' "$name" "$secs" "$code"; done

  printf '\n## Fault drills\n\n### xunit drills (`dotnet test tests/Relance.Integration.Tests -c Release --filter "Category=Fault"`)\n\n'
  if [[ " ${sections[*]} " == *" drills "* ]]; then
    # dotnet test's closing lines: "Test Run Successful." (or Failed), "Total tests: 2", "Passed: 2", "Total time: …".
    summary=$(grep -E '^\s*(Test Run (Successful|Failed|Aborted)\.|Total tests:|Passed:|Failed:|Skipped:|Total time:)' "$drills_out" \
      | tail -6 | sed 's/^ *//' | paste -sd' ' -)
    printf 'Run in this run (exit %s): %s\n\n' "$drills_exit" "${summary:-no summary line: see $drills_out}"
    grep -oE 'drill: (duplicates|malformed): .*' "$drills_out" | sed 's/^drill: /- /' || printf -- '- no counts printed: see %s\n' "$drills_out"
    grep -E '^\s*(Failed|Passed) Relance\.Integration\.Tests\.Drills' "$drills_out" | sed 's/^ */- /'
  else
    printf 'Not run in this run (`bash deploy/bench.sh drills`); the last counts are in the README, "Fault drills".\n'
  fi
  printf '\n### Processes and servers (`deploy/drills.sh`, not run from here: it restarts RabbitMQ and PostgreSQL)\n\n'
  if [ -f deploy/bench-results/drills.md ]; then
    printf 'Copied from deploy/bench-results/drills.md, %s\n\n' "$(grep -m1 -oE 'run [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+ UTC' deploy/bench-results/drills.md || echo 'undated')"
    sed -n '/^| drill /,$p' deploy/bench-results/drills.md
  else
    printf 'No results yet: run `bash deploy/drills.sh`.\n'
  fi
} >"$results"
log "written to $results in $((total / 60)) min $((total % 60)) s (load average before $load_before, after $load_after)"
cat "$results"
exit "$failed"
