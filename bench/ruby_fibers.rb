# The gem under a Fiber scheduler against threads: N workers share one client and each makes
# the same number of sessions.get calls that the emulator delays by D ms, either as N fibers
# of one thread in Async { } (ruby-async; the calls wait through the scheduler, on the
# event-loop transport) or as N Ruby threads (each call blocks its thread with the GVL
# released). Both should overlap the delays (N calls in flight at once); the row shows whether
# the fibers keep up with the threads, and what each costs in process CPU per call. The
# sides alternate round by round; medians.
#
#   ruby bench/ruby_fibers.rb --base-url URL --secret-key KEY [--workers 50] [--calls 4]
#                             [--delay-ms 50] [--rounds 5] [--json]
#
# The emulator is the one at --base-url (faults are injected through its /_emulator/faults
# route); without --base-url an emulator is started in this process.
require "async"
require "json"
require "net/http"
require "optparse"
require "foil"

opts = { workers: 50, calls: 4, delay_ms: 50, rounds: 5, json: false }
OptionParser.new do |o|
  o.on("--base-url URL") { |v| opts[:base_url] = v }
  o.on("--secret-key KEY") { |v| opts[:secret_key] = v }
  o.on("--workers N", Integer) { |v| opts[:workers] = v }
  o.on("--calls N", Integer, "calls per worker") { |v| opts[:calls] = v }
  o.on("--delay-ms N", Integer) { |v| opts[:delay_ms] = v }
  o.on("--rounds N", Integer) { |v| opts[:rounds] = v }
  o.on("--json") { opts[:json] = true }
end.parse!

def now = Process.clock_gettime(Process::CLOCK_MONOTONIC)
def cpu = Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)

unless opts[:base_url]
  require "foil/testing"
  embedded = Foil::Testing::Emulator.new(session_count: 500)
  at_exit { embedded.stop }
  opts[:base_url] = embedded.base_url
  opts[:secret_key] = embedded.secret_key
end
client = Foil::Client.new(base_url: opts[:base_url], secret_key: opts[:secret_key])
ids = client.sessions.list(limit: opts[:workers]).items.map { |s| s[:id] }
abort "ruby_fibers: the emulator has fewer than #{opts[:workers]} sessions" if ids.size < opts[:workers]

# Every call of a round is delayed.
def delay_all(base_url, key, count, delay_ms)
  uri = URI("#{base_url}/_emulator/faults")
  body = JSON.generate(kind: "delay", method: "GET", path_prefix: "/v1/sessions/", count: count, delay_ms: delay_ms)
  res = Net::HTTP.post(uri, body, "Content-Type" => "application/json", "Authorization" => "Bearer #{key}")
  abort "ruby_fibers: injecting the delay failed: #{res.code} #{res.body}" unless res.code == "201"
end

def check(got, sid)
  raise "wrong session: #{got[:id]} for #{sid}" unless got[:id] == sid
end

SIDES = {
  "fibers" => lambda do |client, ids, calls|
    Async do |task|
      ids.map { |sid| task.async { calls.times { check(client.sessions.get(sid), sid) } } }.each(&:wait)
    end.wait
  end,
  "threads" => lambda do |client, ids, calls|
    ids.map { |sid| Thread.new { calls.times { check(client.sessions.get(sid), sid) } } }.each(&:join)
  end,
}.freeze

def run_side(side, client, ids, opts)
  total = ids.size * opts[:calls]
  delay_all(opts[:base_url], opts[:secret_key], total, opts[:delay_ms]) if opts[:delay_ms].positive?
  t0 = now
  c0 = cpu
  SIDES.fetch(side).call(client, ids, opts[:calls])
  wall = now - t0
  [total / wall, (cpu - c0) / total * 1e6, wall]
end

SIDES.each_key { |side| run_side(side, client, ids, opts.merge(calls: 1)) } # warm-up: connections, loops
samples = SIDES.keys.to_h { |side| [side, []] }
opts[:rounds].times do |round|
  order = round.even? ? SIDES.keys : SIDES.keys.reverse
  order.each { |side| samples[side] << run_side(side, client, ids, opts) }
end
median = ->(side, i) { samples[side].map { |s| s[i] }.sort[samples[side].size / 2] }
# Every worker always waiting on a delayed call (no bound without a delay).
ideal = opts[:delay_ms].positive? ? (ids.size * 1000.0 / opts[:delay_ms]).round : nil
result = {
  "ruby" => RUBY_VERSION, "workers" => ids.size, "calls_per_worker" => opts[:calls],
  "delay_ms" => opts[:delay_ms], "rounds" => opts[:rounds], "ideal_calls_per_s" => ideal,
  "calls_per_s" => SIDES.keys.to_h { |side| [side, median.call(side, 0).round] },
  "cpu_us_per_call" => SIDES.keys.to_h { |side| [side, median.call(side, 1).round(1)] },
  "ratio" => (median.call("fibers", 0) / median.call("threads", 0)).round(2),
}
if opts[:json]
  puts JSON.generate(result)
else
  puts "#{result['workers']} workers x #{opts[:calls]} sessions.get, emulator delay #{opts[:delay_ms]} ms " \
       "(Ruby #{RUBY_VERSION}; ideal #{result['ideal_calls_per_s']} calls/s):"
  SIDES.each_key do |side|
    puts format("  %-8<s>s %8<r>d calls/s  %8<c>.1f µs CPU/call", s: side, r: result["calls_per_s"][side],
                                                                   c: result["cpu_us_per_call"][side])
  end
  puts format("  fibers / threads: %.2fx", result["ratio"])
end
