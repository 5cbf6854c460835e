# Threads, interrupts and GC ownership.
require_relative "test_helper"
require "timeout"

class TestThreads < Minitest::Test
  # Seconds within which an interrupt must end a blocked request (against a 5 s server delay):
  # the core polls a waiting transfer every 100 ms for cancellation; the rest is slack for a
  # loaded machine.
  PROMPT = 0.5

  def test_eight_threads_share_one_client
    shared = emulator.client
    expected = shared.sessions.iter(limit: 100).map { |s| s[:id] }
    results = Array.new(8) do |i|
      Thread.new do
        ids = shared.sessions.iter(limit: 50 + i).map { |s| s[:id] }
        got = shared.sessions.get(ids[i])[:id]
        [ids, got, i]
      end
    end.map(&:value)
    results.each do |ids, got, i|
      assert_equal expected, ids
      assert_equal expected[i], got
    end
  end

  def test_requests_release_the_gvl
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 600)
      ticks = 0
      spinner = Thread.new { loop { ticks += 1; sleep 0.001 } }
      client.sessions.list(limit: 1)
      spinner.kill
      assert_operator ticks, :>, 100
    end
  end

  def test_timeout_interrupts_a_blocked_request
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 5000)
      t0 = monotonic
      assert_raises(Timeout::Error) { Timeout.timeout(0.2) { client.sessions.list(limit: 1) } }
      assert_operator monotonic - t0, :<, 0.2 + PROMPT
    end
    assert_equal 1, client.sessions.list(limit: 1).items.size
  end

  def test_ctrl_c_interrupts_a_blocked_request
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 5000)
      Thread.new { sleep 0.2; Process.kill("INT", Process.pid) }
      t0 = monotonic
      assert_raises(Interrupt) { client.sessions.list(limit: 1) }
      assert_operator monotonic - t0, :<, 0.2 + PROMPT
    end
  end

  # A child ending (Ruby traps SIGCHLD) or a trap handler that returns is handled mid-call and
  # does not end the request: only an interrupt that raises does.
  def test_an_interrupt_that_does_not_raise_leaves_the_request_alone
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 800, count: 2)
      pid = Process.spawn("sleep", "0.2")
      assert_equal 1, client.sessions.list(limit: 1).items.size
      Process.wait(pid)
      trapped = 0
      previous = trap("USR1") { trapped += 1 }
      begin
        Thread.new { sleep 0.2; Process.kill("USR1", Process.pid) }
        assert_equal 1, client.sessions.list(limit: 1).items.size
        assert_equal 1, trapped
      ensure
        trap("USR1", previous)
      end
    end
  end

  # A process whose only thread is blocked in a request: Ruby calls the unblocking function
  # from the signal handler itself (it is async-signal-safe: no helper thread is started per
  # call), and Ctrl-C still ends the request promptly.
  def test_ctrl_c_interrupts_the_only_thread_of_a_process
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 5000)
      child = <<~'RUBY'
        require "foil"
        c = Foil::Client.new(base_url: ARGV[0], secret_key: ARGV[1])
        $stdout.puts "ready"; $stdout.flush
        t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
        begin
          c.sessions.iter(limit: 5).first(1)
        rescue Interrupt
          puts "interrupted after #{Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0}"
        end
      RUBY
      IO.popen([RbConfig.ruby, "-e", child, emulator.base_url, emulator.secret_key], "r") do |io|
        assert_equal "ready\n", io.gets
        sleep 0.3
        Process.kill("INT", io.pid)
        line = io.gets.to_s
        assert_match(/\Ainterrupted after /, line)
        assert_operator line.split.last.to_f, :<, 0.3 + PROMPT
      end
    end
  end

  def test_timeout_interrupts_a_walk_waiting_for_a_page
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 5000, count: 5)
      t0 = monotonic
      assert_raises(Timeout::Error) { Timeout.timeout(0.2) { client.sessions.iter(limit: 10).first(25) } }
      assert_operator monotonic - t0, :<, 0.2 + PROMPT
    end
  end

  def test_thread_kill_interrupts_a_blocked_request_and_others_go_on
    shared = emulator.client
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions/", delay_ms: 5000)
      blocked = Thread.new { shared.sessions.get(emulator.session_id(0)) }
      walker = Thread.new { shared.fingerprints.iter(limit: 10).count }
      sleep 0.3
      t0 = monotonic
      blocked.kill
      blocked.join
      assert_operator monotonic - t0, :<, PROMPT
      assert_equal 130, walker.value # the kill cancelled only the killed thread's request
    end
  end

  # Ruby's scheduler interrupts (no kill, no Timeout) can be pending when a call releases
  # the GVL; such a call is skipped by Ruby and must simply be made again, never reported as
  # an error. Many short calls on busy threads make that happen.
  def test_calls_survive_scheduler_interrupts
    shared = emulator.client
    stop = false
    spinner = Thread.new { x = 0; x += 1 until stop } # keeps the timer interrupting
    workers = Array.new(4) { Thread.new { Array.new(150) { shared.sessions.list(limit: 1).items.size } } }
    results = workers.map(&:value)
    stop = true
    spinner.join
    assert_equal [1] * 600, results.flatten
  end

  # The kill fires only the killed thread's own token: a write in flight on another thread
  # sharing the client (which a client-wide cancel would have failed) completes.
  def test_thread_kill_leaves_another_threads_write_alone
    shared = emulator.client
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions/", delay_ms: 5000)
      emu.inject_fault("delay", method: "POST", path: "/v1/organizations", delay_ms: 1200)
      blocked = Thread.new { shared.sessions.get(emulator.session_id(0)) }
      writer = Thread.new { shared.organizations.create(name: "Kept", slug: "kept-#{Process.pid}") }
      sleep 0.3
      blocked.kill
      blocked.join
      assert_equal "Kept", writer.value[:name]
    end
  end

  def test_gc_stress_ownership
    page = client.sessions.list(limit: 3)
    items = page.items
    nested = items.first[:latest_decision]
    page = nil # rubocop:disable Lint/UselessAssignment
    signup = client.gate.signup("foil")
    GC.stress = true
    begin
      ids = client.sessions.list(limit: 3).items.map { |s| s[:latest_decision][:verdict] && s[:id] }
      # A walk: pages and their Records under GC, an abandoned walk with a page in flight.
      walked = client.sessions.iter(limit: 7).first(20).map { |s| s[:latest_decision][:verdict] && s[:id] }
      signup.status
      Foil::Native.rb_parse('{"a":{"b":[1,{"c":"d"}]}}').dig(:a, :b, 1, :c)
    ensure
      GC.stress = false
    end
    assert_equal 3, ids.compact.size
    assert_equal (0...20).map { |i| emulator.session_id(i) }, walked
    GC.start
    assert_equal 3, items.size
    assert_kind_of String, items.first[:id]
    assert_equal nested.to_h, items.first[:latest_decision].to_h
    assert_equal "pending", signup.status
  end

  def test_many_short_lived_results_do_not_leak
    rss = -> { File.read("/proc/self/status")[/VmRSS:\s+(\d+)/, 1].to_i }
    walk = ->(pages) { pages.times { client.sessions.list(limit: 200).items.each { |s| s[:id] } } }
    walk.call(100) # warm up: Ruby's heap and the allocator's arenas reach their working size
    growth = Array.new(2) do
      GC.start
      before = rss.call
      walk.call(300)
      GC.start
      rss.call - before
    end
    # 300 pages of ~105 KB each: a page kept alive or never freed would add 30+ MiB in both
    # rounds. On a loaded machine glibc may still add an arena in one of them (up to ~15 MiB
    # seen), never in both.
    assert_operator growth.min, :<, 12_000 # KiB
  end
end
