# Thread scaling of the gem's CPU-bound helpers: 1, 2, 4 and 8 Ruby threads, a fixed total of
# operations split between them, levels alternating round by round; per level (medians of rounds)
# ops/s, the speed-up over one thread, and two numbers that a busy machine disturbs less than
# wall time: the process CPU time per operation (what the threads cost) and CPU time over wall
# time (how many threads really ran at once: at most 1.0 while the GVL is held). No network.
#
#   ruby bench/ruby_threads.rb [--workload tokens|webhook_small|webhook_large] [--total N] [--rounds R] [--json]
#
# tokens:        sealed-token v2 verify (the official vector), ~20 µs of C per call.
# webhook_small: a webhook signature check over a 1 KiB body (a few µs).
# webhook_large: the same over a 4 MiB body (milliseconds of HMAC).
# The short calls keep the GVL (taking it back costs more than the call): N threads should run at
# about one thread's speed, not slower; the long one releases it and should scale with the cores.
require "json"
require "optparse"
require "foil"

opts = { workloads: %w[tokens webhook_small webhook_large], rounds: 5, levels: [1, 2, 4, 8], json: false }
OptionParser.new do |o|
  o.on("--workload NAME", %w[tokens webhook_small webhook_large]) { |v| opts[:workloads] = [v] }
  o.on("--total N", Integer) { |v| opts[:total] = v }
  o.on("--rounds N", Integer) { |v| opts[:rounds] = v }
  o.on("--json") { opts[:json] = true }
end.parse!

def now = Process.clock_gettime(Process::CLOCK_MONOTONIC)
def cpu = Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)

spec = ENV.fetch("FOIL_SPEC_DIR", File.expand_path("../../shared/foil-spec", __dir__))
vector = JSON.parse(File.read(File.join(spec, "fixtures/sealed-token/vector.v2.json")))

def webhook_op(body_bytes)
  secret = "whsec_bench"
  body = JSON.generate(id: "evt_1", object: "webhook_event", type: "session.result.persisted",
                       created: 1_700_000_000, data: { pad: "x" * body_bytes })
  timestamp = Time.now.to_i.to_s
  signature = Foil::Native.webhook_signature_compute(secret, timestamp, body)
  lambda do
    ok = Foil.verify_webhook_signature(secret: secret, timestamp: timestamp, raw_body: body, signature: signature)
    raise "signature refused" unless ok
  end
end

WORKLOADS = {
  "tokens" => [20_000, lambda do
    token = vector["token"]
    secret = vector["secretKeys"][0]
    want = vector["payload"]["session_id"]
    -> { raise "wrong session" unless Foil.verify_foil_token(token, secret)[:session_id] == want }
  end],
  "webhook_small" => [16_000, -> { webhook_op(1024) }],
  "webhook_large" => [64, -> { webhook_op(4 << 20) }],
}.freeze

def run_level(op, threads, total)
  per_thread = total / threads
  gate = Queue.new
  pool = Array.new(threads) do
    Thread.new do
      gate.pop
      per_thread.times { op.call }
    end
  end
  sleep 0.01 until pool.all? { |t| t.status == "sleep" }
  t0 = now
  c0 = cpu
  threads.times { gate << :go }
  pool.each(&:join)
  wall = now - t0
  cpu_s = cpu - c0
  ops = per_thread * threads
  [ops / wall, cpu_s / ops * 1e6, cpu_s / wall]
end

results = opts[:workloads].to_h do |name|
  default_total, make = WORKLOADS.fetch(name)
  op = make.call
  total = opts[:total] || default_total
  run_level(op, opts[:levels].max, opts[:levels].max) # warm-up
  samples = opts[:levels].to_h { |n| [n, []] }
  opts[:rounds].times { opts[:levels].each { |n| samples[n] << run_level(op, n, total) } }
  median = ->(values) { values.sort[values.size / 2] }
  per_level = ->(i, digits) { opts[:levels].to_h { |n| [n.to_s, median.call(samples[n].map { |s| s[i] }).round(digits)] } }
  # Speed-up: the median of each round's ratio to the one-thread run of the same round, so a
  # slow spell of the machine moves both sides of a ratio, not one.
  ones = samples[opts[:levels].first].map(&:first)
  speedup = lambda do |n|
    median.call(samples[n].each_with_index.map { |s, r| s[0] / ones[r] }).round(2)
  end
  [name, { "total" => total, "ops_per_s" => per_level.call(0, 0),
           "speedup" => opts[:levels].to_h { |n| [n.to_s, speedup.call(n)] },
           "cpu_us_per_op" => per_level.call(1, 1), "parallelism" => per_level.call(2, 2) }]
end

if opts[:json]
  puts JSON.generate("ruby" => RUBY_VERSION, "rounds" => opts[:rounds], "workloads" => results)
else
  results.each do |name, r|
    puts "#{name} (#{r['total']} ops per level, Ruby #{RUBY_VERSION}):"
    r["ops_per_s"].each do |n, v|
      puts format("  %<n>s thread(s): %<v>10d ops/s  %<s>.2fx  %<c>8.1f µs CPU/op  parallelism %<p>.2f",
                  n: n, v: v, s: r["speedup"][n], c: r["cpu_us_per_op"][n], p: r["parallelism"][n])
    end
  end
end
