#!/usr/bin/env bash
# Ruby rows of bench/run.sh (see "language rows" in bench/run.py): builds the libfoil gem,
# installs it into build-bench/ruby-gems, runs bench/ruby_walk.rb, ruby_threads.rb and
# ruby_fibers.rb (against the emulator of the run) and prints the rows as JSON lines.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
gem_home="$repo/build-bench/ruby-gems"
if [ "${FOIL_BENCH_SKIP_INSTALL:-0}" != 1 ] || ! GEM_HOME="$gem_home" GEM_PATH="$gem_home" ruby -e 'require "foil"' 2>/dev/null; then
    gem_file=$(bash "$repo/ruby/make_gem.sh" "$repo/build-bench/ruby-pkg" | tail -n 1)
    rm -rf "$gem_home"
    MAKEFLAGS=-j2 gem install --local --no-document --install-dir "$gem_home" "$gem_file" >"$repo/build-bench/ruby-gem-install.log" 2>&1 ||
        { tail -n 40 "$repo/build-bench/ruby-gem-install.log" >&2; exit 1; }
fi
sizes=(--total 100000 --rounds 3)
[ "${FOIL_BENCH_QUICK:-0}" = 1 ] && sizes=(--total 4000 --rounds 1)
export GEM_HOME="$gem_home" GEM_PATH="$gem_home:$(env -u GEM_HOME -u GEM_PATH gem env gempath)"
ruby "$repo/bench/ruby_walk.rb" --json --base-url "$FOIL_BENCH_BASE_URL" --secret-key "$FOIL_BENCH_SECRET_KEY" "${sizes[@]}" |
    ruby -rjson -e '
r = JSON.parse($stdin.read)
rows = []
met = r["ratio"] >= 5 ? "yes" : "NO"
rows << { benchmark: "Rb: walk #{r["total"].to_s.gsub(/\B(?=(\d{3})+$)/, ",")} sessions (items/s)",
          libfoil: r["gem_items_per_s"].to_s, baseline: "#{r["net_http_items_per_s"]} Net::HTTP+JSON (Ruby #{r["ruby"]})",
          ratio: "#{format("%.2f", r["ratio"])}x", target: "≥ 5x", met: met }
rows << { benchmark: "Rb: walk with a deep Hash per item (eager conversion, items/s)", libfoil: r["eager_hash_items_per_s"].to_s,
          baseline: "#{r["net_http_items_per_s"]} Net::HTTP+JSON", ratio: "#{format("%.2f", r["eager_ratio"])}x", target: "—", met: "info" }
rows << { benchmark: "Rb: walk with prefetch: false (each page requested when reached, items/s)", libfoil: r["no_prefetch_items_per_s"].to_s,
          baseline: "#{r["net_http_items_per_s"]} Net::HTTP+JSON", ratio: "#{format("%.2f", r["no_prefetch_ratio"])}x", target: "—", met: "info" }
rows << { benchmark: "Rb: walk, client CPU per item (µs, process CPU time of each walk; the emulator not counted)",
          libfoil: format("%.3f", r["gem_cpu_us_per_item"]), baseline: "#{format("%.3f", r["net_http_cpu_us_per_item"])} Net::HTTP+JSON",
          ratio: "#{format("%.2f", r["cpu_ratio"])}x", target: "—", met: "info" }
one = r["threads_items_per_s"]["1"].to_f
r["threads_items_per_s"].each do |n, rate|
  rows << { benchmark: "Rb: #{n} thread(s) sharing one client, walk (items/s, speed-up vs 1 thread)",
            libfoil: "#{rate} (#{format("%.2f", rate / one)}x)", baseline: "—", ratio: "—", target: "—", met: "info" }
end
rows.each_with_index { |row, i| puts JSON.generate(i.zero? ? row.merge(raw: r) : row) }'
# Thread scaling of the CPU-bound helpers (no network): short calls keep the GVL (target: N
# threads at least one thread's speed for token verify), a 4 MiB webhook body is checked without it.
threads_sizes=(--rounds 7)
[ "${FOIL_BENCH_QUICK:-0}" = 1 ] && threads_sizes=(--rounds 1 --total 64)
ruby "$repo/bench/ruby_threads.rb" --json "${threads_sizes[@]}" |
    ruby -rjson -e '
r = JSON.parse($stdin.read)
names = { "tokens" => "sealed-token v2 verify", "webhook_small" => "webhook signature, 1 KiB body",
          "webhook_large" => "webhook signature, 4 MiB body" }
rows = []
r["workloads"].each do |name, w|
  w["ops_per_s"].each do |n, rate|
    next if n == "1"
    speedup = w["speedup"][n]
    short = name == "tokens"
    rows << { benchmark: "Rb: #{n} threads, #{names[name]} (ops/s, speed-up vs 1 thread; CPU µs/op)",
              libfoil: "#{rate} (#{format("%.2f", speedup)}x; #{w["cpu_us_per_op"][n]} µs)",
              baseline: "#{w["ops_per_s"]["1"]} on 1 thread (#{w["cpu_us_per_op"]["1"]} µs)", ratio: "#{format("%.2f", speedup)}x",
              target: short ? "≥ 1.0x" : "—", met: short ? (speedup >= 1.0 ? "yes" : "NO") : "info" }
  end
end
rows.each_with_index { |row, i| puts JSON.generate(i.zero? ? row.merge(raw: r) : row) }'
# Fibers against threads (issue 21): 50 workers sharing one client, each making the same
# sessions.get calls that the emulator delays 50 ms, as fibers in Async { } (the calls wait
# through the scheduler) or as threads (each call blocks its thread, GVL released).
fibers_sizes=(--workers 50 --calls 4 --delay-ms 50 --rounds 5)
[ "${FOIL_BENCH_QUICK:-0}" = 1 ] && fibers_sizes=(--workers 10 --calls 1 --delay-ms 50 --rounds 1)
ruby "$repo/bench/ruby_fibers.rb" --json --base-url "$FOIL_BENCH_BASE_URL" --secret-key "$FOIL_BENCH_SECRET_KEY" "${fibers_sizes[@]}" |
    ruby -rjson -e '
r = JSON.parse($stdin.read)
c = r["calls_per_s"]
u = r["cpu_us_per_call"]
row = { benchmark: "Rb: #{r["workers"]} fibers (Async) vs #{r["workers"]} threads, sessions.get delayed #{r["delay_ms"]} ms (calls/s; CPU µs/call; ideal #{r["ideal_calls_per_s"]})",
        libfoil: "#{c["fibers"]} (#{u["fibers"]} µs)", baseline: "#{c["threads"]} threads (#{u["threads"]} µs)",
        ratio: "#{format("%.2f", r["ratio"])}x", target: "—", met: "info", raw: r }
puts JSON.generate(row)'
