# Walk N sessions with the libfoil gem vs a hand-written Net::HTTP (keep-alive) + JSON loop,
# against the same emulator in the same run; then 1, 2 and 4 Ruby threads sharing one client.
#
#   ruby bench/ruby_walk.rb [--base-url URL --secret-key KEY] [--total N] [--rounds R] [--json]
#   ruby bench/ruby_walk.rb --only gem|net|eager|serial ...   one walk, nothing else (for callgrind)
#
# Without --base-url an in-process emulator is started (Foil::Testing::Emulator). Every
# implementation reads each item's id, as a consumer would. --json prints one JSON object.
require "json"
require "net/http"
require "optparse"
require "uri"
require "foil"
require "foil/testing"

opts = { total: 100_000, limit: 200, rounds: 3, threads: [1, 2, 4], json: false }
OptionParser.new do |o|
  o.on("--base-url URL") { |v| opts[:base_url] = v }
  o.on("--secret-key KEY") { |v| opts[:secret_key] = v }
  o.on("--total N", Integer) { |v| opts[:total] = v }
  o.on("--limit N", Integer) { |v| opts[:limit] = v }
  o.on("--rounds N", Integer) { |v| opts[:rounds] = v }
  o.on("--json") { opts[:json] = true }
  o.on("--only IMPL", %w[gem net eager serial]) { |v| opts[:only] = v.to_sym }
end.parse!

emu = nil
unless opts[:base_url]
  emu = Foil::Testing::Emulator.new(session_count: opts[:total] + 1000)
  opts[:base_url] = emu.base_url
  opts[:secret_key] = emu.secret_key
end
TOTAL = opts[:total]
LIMIT = opts[:limit]

def now = Process.clock_gettime(Process::CLOCK_MONOTONIC)
def cpu_now = Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)

def walk_gem(client, total, eager: false)
  count = 0
  client.sessions.iter(limit: LIMIT).each do |s|
    s = s.to_h if eager # what returning real Hashes built in C would cost
    raise "an item without an id" unless s[:id]

    count += 1
    break if count == total
  end
  count
end

# The hand-written baseline: one keep-alive Net::HTTP connection, JSON.parse with symbol keys
# (what the official gem returns), the cursor loop.
def walk_net_http(base_url, secret_key, total)
  uri = URI(base_url)
  count = 0
  Net::HTTP.start(uri.host, uri.port) do |http|
    cursor = nil
    loop do
      query = URI.encode_www_form({ limit: LIMIT, cursor: cursor }.compact)
      req = Net::HTTP::Get.new("/v1/sessions?#{query}")
      req["Authorization"] = "Bearer #{secret_key}"
      req["Accept"] = "application/json"
      res = http.request(req)
      raise "HTTP #{res.code}" unless res.code == "200"

      body = JSON.parse(res.body, symbolize_names: true)
      body[:data].each do |item|
        raise "an item without an id" unless item[:id]

        count += 1
        return count if count == total
      end
      pagination = body[:pagination]
      return count unless pagination[:has_more] && pagination[:next_cursor]

      cursor = pagination[:next_cursor]
    end
  end
end

# Items walked, wall seconds and this process's CPU seconds (the emulator's not counted).
def timed
  GC.start
  t0 = now
  c0 = cpu_now
  n = yield
  [n, now - t0, cpu_now - c0]
end

client = Foil::Client.new(base_url: opts[:base_url], secret_key: opts[:secret_key])
# The same gem with prefetch off: each page is requested only when the walk reaches it.
serial = Foil::Client.new(base_url: opts[:base_url], secret_key: opts[:secret_key], prefetch: false)
if opts[:only]
  n = case opts[:only]
      when :gem then walk_gem(client, TOTAL)
      when :eager then walk_gem(client, TOTAL, eager: true)
      when :serial then walk_gem(serial, TOTAL)
      else walk_net_http(opts[:base_url], opts[:secret_key], TOTAL)
      end
  emu&.stop
  puts "#{opts[:only]}: #{n} items"
  exit(n == TOTAL ? 0 : 1)
end
walk_gem(client, 1000) # warm up both (connection, code paths)
walk_net_http(opts[:base_url], opts[:secret_key], 1000)
walk_gem(serial, 1000)
secs = { gem: [], net: [], eager: [], serial: [] }
cpus = { gem: [], net: [] }
walks = {
  gem: -> { walk_gem(client, TOTAL) },
  net: -> { walk_net_http(opts[:base_url], opts[:secret_key], TOTAL) },
  eager: -> { walk_gem(client, TOTAL, eager: true) },
  serial: -> { walk_gem(serial, TOTAL) }
}
opts[:rounds].times do |i|
  order = secs.keys.rotate(i % secs.size) # rotate so drift favours no implementation
  order.each do |impl|
    n, s, c = timed { walks[impl].call }
    raise "walk ended after #{n} items (the emulator needs >= #{TOTAL} sessions)" unless n == TOTAL

    secs[impl] << s
    cpus[impl] << c if cpus.key?(impl)
  end
end
median = ->(a) { a.sort[a.size / 2] }
gem_rate = TOTAL / median.(secs[:gem])
net_rate = TOTAL / median.(secs[:net])
eager_rate = TOTAL / median.(secs[:eager])
serial_rate = TOTAL / median.(secs[:serial])
gem_cpu_us = median.(cpus[:gem]) * 1e6 / TOTAL
net_cpu_us = median.(cpus[:net]) * 1e6 / TOTAL

# Threads sharing one client: each walks TOTAL / n sessions; aggregate items/s. Levels
# alternate round by round; medians, like the walks above.
times = Hash.new { |h, k| h[k] = [] }
opts[:rounds].times do |i|
  opts[:threads].rotate(i % opts[:threads].size).each do |n|
    per = TOTAL / n
    GC.start
    t0 = now
    Array.new(n) { Thread.new { walk_gem(client, per) } }.each(&:join)
    times[n] << (now - t0) / (per * n)
  end
end
threads = opts[:threads].to_h { |n| [n, 1 / median.(times[n])] }
emu&.stop

result = { total: TOTAL, limit: LIMIT, rounds: opts[:rounds], ruby: RUBY_VERSION,
           gem_items_per_s: gem_rate.round, net_http_items_per_s: net_rate.round, ratio: (gem_rate / net_rate).round(2),
           eager_hash_items_per_s: eager_rate.round, eager_ratio: (eager_rate / net_rate).round(2),
           no_prefetch_items_per_s: serial_rate.round, no_prefetch_ratio: (serial_rate / net_rate).round(2),
           gem_cpu_us_per_item: gem_cpu_us.round(3), net_http_cpu_us_per_item: net_cpu_us.round(3),
           cpu_ratio: (net_cpu_us / gem_cpu_us).round(2),
           threads_items_per_s: threads.transform_values(&:round) }
if opts[:json]
  puts JSON.generate(result)
else
  puts "walk #{TOTAL} sessions: libfoil gem #{gem_rate.round} items/s, Net::HTTP+JSON #{net_rate.round} items/s, " \
       "ratio #{result[:ratio]}x; with a deep Hash per item (eager) #{eager_rate.round} items/s, #{result[:eager_ratio]}x; " \
       "prefetch off #{serial_rate.round} items/s, #{result[:no_prefetch_ratio]}x; " \
       "client CPU per item #{result[:gem_cpu_us_per_item]} µs against #{result[:net_http_cpu_us_per_item]} µs " \
       "(#{result[:cpu_ratio]}x)"
  threads.each { |n, r| puts "#{n} thread(s) sharing one client: #{r.round} items/s (#{(r / threads[1]).round(2)}x)" }
end
