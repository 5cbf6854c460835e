# Calls from fibers under a Fiber scheduler (Async { } of Debian's ruby-async): they wait for
# their sockets through the scheduler, so many fibers' calls overlap on one thread, with the
# results and errors of the blocking path; Async::Task#stop ends one call cleanly. Outside a
# scheduler (or in a blocking fiber) calls block their thread as before.
require_relative "test_helper"
require "async"

class TestFiberScheduler < Minitest::Test
  DELAY = 0.3
  # 50 calls each delayed DELAY by the emulator: overlapped they take about DELAY, one after
  # the other 50 * DELAY (15 s). The bound leaves room for a loaded 2-core machine.
  OVERLAPPED = 2.0

  def ids(count)
    @ids ||= client.sessions.list(limit: 100).items.map { |s| s[:id] }
    @ids.first(count)
  end

  # [seconds, results] of `count` fibers each making one delayed sessions.get.
  def concurrent_gets(shared, count, blocking: false)
    wanted = ids(count)
    emulator.faults do |emu|
      emu.inject_fault("delay", method: "GET", path: "/v1/sessions/", count: count, delay_ms: (DELAY * 1000).to_i)
      t0 = monotonic
      results = Async do |task|
        wanted.map do |sid|
          task.async do
            blocking ? Fiber.new(blocking: true) { shared.sessions.get(sid) }.resume : shared.sessions.get(sid)
          end
        end.map(&:wait)
      end.wait
      [monotonic - t0, results]
    end
  end

  def test_fifty_fibers_calls_overlap_on_one_thread
    shared = emulator.client
    shared.sessions.get(ids(1).first) # the emulator warmed up; the fibers' loops are new
    took, results = concurrent_gets(shared, 50)
    assert_equal ids(50), results.map { |s| s[:id] }
    assert_operator took, :>=, DELAY * 0.9, "the emulator's delay did not apply"
    assert_operator took, :<, OVERLAPPED, "50 delayed calls took #{took.round(2)} s: they did not overlap"
  end

  # The same client, the same delays, in blocking fibers: each call holds the thread.
  def test_a_blocking_fiber_takes_the_blocking_path
    took, results = concurrent_gets(emulator.client, 4, blocking: true)
    assert_equal ids(4), results.map { |s| s[:id] }
    assert_operator took, :>=, 4 * DELAY * 0.9
  end

  def opened(client) = Foil::Native.client_connections_opened(client.__send__(:handle))

  def test_connections_are_reused_by_later_calls
    shared = emulator.client
    emulator.faults do |emu| # two calls at once (delayed: neither ends before the other starts)
      emu.inject_fault("delay", method: "GET", path: "/v1/sessions/", count: 2, delay_ms: 100)
      Async { |task| 2.times { task.async { shared.sessions.get(ids(1).first) } } }.wait
    end
    warm = opened(shared)
    assert_equal 2, warm
    # Later calls, one after the other or two at a time, in new Async blocks and outside
    # them, reuse the connections left open.
    Async { 20.times { |i| assert_equal ids(20)[i], shared.sessions.get(ids(20)[i])[:id] } }.wait
    Async { |task| 2.times { |i| task.async { shared.sessions.get(ids(2)[i]) } } }.wait
    shared.sessions.get(ids(1).first)
    assert_equal warm, opened(shared)
  end

  def test_stop_cancels_one_call_and_the_others_complete
    shared = emulator.client
    wanted = ids(5)
    outcomes = {}
    emulator.faults do |emu|
      emu.inject_fault("delay", method: "GET", path: "/v1/sessions/", count: 5, delay_ms: (DELAY * 1000).to_i)
      Async do |task|
        tasks = wanted.map do |sid|
          task.async do
            outcomes[sid] = shared.sessions.get(sid)[:id]
          rescue Exception => e # rubocop:disable Lint/RescueException
            outcomes[sid] = e.class
            raise
          end
        end
        task.sleep(0.1)
        t0 = monotonic
        tasks[2].stop
        assert_operator monotonic - t0, :<, 0.05, "stop waited for the call"
        tasks.each_with_index { |t, i| t.wait unless i == 2 }
      end.wait
    end
    assert_equal Async::Stop, outcomes[wanted[2]]
    (wanted - [wanted[2]]).each { |sid| assert_equal sid, outcomes[sid] }
    # The client, its pool of loops included, stays usable, in fibers and outside.
    assert_equal wanted[2], Async { shared.sessions.get(wanted[2])[:id] }.wait
    assert_equal wanted[2], shared.sessions.get(wanted[2])[:id]
  end

  # client.cancel ends every call in flight on the client, fibers' calls included, with the
  # blocking path's Foil::CancelledError (the loop looks at least every 100 ms).
  def test_client_cancel_ends_the_fibers_calls
    shared = emulator.client
    outcomes = []
    emulator.faults do |emu|
      emu.inject_fault("delay", method: "GET", path: "/v1/sessions/", count: 3, delay_ms: 3000)
      t0 = monotonic
      Async do |task|
        calls = ids(3).map do |sid|
          task.async do
            shared.sessions.get(sid)
          rescue Foil::Error => e
            outcomes << e.class
          end
        end
        task.sleep(0.1)
        shared.cancel
        calls.each(&:wait)
      end.wait
      assert_operator monotonic - t0, :<, 1.5
    end
    assert_equal [Foil::CancelledError] * 3, outcomes
    assert_equal ids(1).first, Async { shared.sessions.get(ids(1).first)[:id] }.wait
  end

  # [class, message, code, status] of what a block raised (each answer has its own request id).
  def failure
    yield
    flunk "no error raised"
  rescue Foil::Error => e
    [e.class, e.message.gsub(/req_\h+/, "req_ID"), e.code, e.status]
  end

  def in_fiber(&block)
    Async(&block).wait
  end

  def test_errors_are_those_of_the_blocking_path
    shared = emulator.client
    cases = {
      "not found" => -> { shared.sessions.get("sess_missing") },
      "bad parameter" => -> { shared.sessions.list(limit: 0) }
    }
    cases.each do |name, call|
      assert_equal failure(&call), in_fiber { failure(&call) }, name
    end

    emulator.faults do |emu|
      emu.inject_fault("status", path: "/v1/sessions", count: 1, status: 503)
      blocking = failure { shared.sessions.list(limit: 1) }
      emu.inject_fault("status", path: "/v1/sessions", count: 1, status: 503)
      assert_equal blocking, in_fiber { failure { shared.sessions.list(limit: 1) } }
    end

    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", count: 2, delay_ms: 1500)
      slow = emulator.client(timeout: 0.2)
      blocking = failure { slow.sessions.list(limit: 1) }
      assert_equal Foil::TimeoutError, blocking.first
      assert_equal blocking.first, in_fiber { failure { slow.sessions.list(limit: 1) } }.first
    end

    closed = TCPServer.new("127.0.0.1", 0)
    port = closed.addr[1]
    closed.close
    nowhere = Foil::Client.new(secret_key: "sk_test_x", base_url: "http://127.0.0.1:#{port}")
    blocking = failure { nowhere.sessions.get("sess_x") }
    assert_equal Foil::ConnectionError, blocking.first
    assert_equal blocking.first, in_fiber { failure { nowhere.sessions.get("sess_x") } }.first

    # A transport failure of a Gate step reads as on the blocking path (it read
    # "createGateSession: createGateSession: ..." in a fiber: the message fed back was prefixed again).
    %w[reset truncate].each do |kind|
      signup_failure = lambda do
        emulator.faults do |emu|
          emu.inject_fault(kind, path: "/v1/gate/sessions", count: 1)
          failure { shared.gate.signup("foil", account_name: "fault") }
        end
      end
      blocking = signup_failure.call
      assert_equal Foil::ConnectionError, blocking.first, kind
      assert_equal blocking, in_fiber { signup_failure.call }, kind
    end

    keyless = Foil::Client.new(secret_key: nil, base_url: emulator.base_url)
    ENV.delete("FOIL_SECRET_KEY")
    assert_equal failure { keyless.sessions.get("sess_x") }, in_fiber { failure { keyless.sessions.get("sess_x") } }
  end

  # A result as plain values, without what changes with each request (an API key's use).
  def plain(value)
    case value
    when Foil::ListResult then [plain(value.items), value.has_more, value.next_cursor]
    when Foil::Record then value.to_h.except(:last_used_at)
    when Array then value.map { |v| plain(v) }
    else value
    end
  end

  # Every namespace method goes through the same dispatcher: a sample of them answers alike.
  def test_namespaces_answer_as_on_the_blocking_path
    shared = emulator.client
    org = emulator.organization_id
    visitor = shared.fingerprints.list(limit: 1).items.first[:id]
    calls = [
      -> { shared.sessions.list(limit: 3) },
      -> { shared.fingerprints.list(limit: 2) },
      -> { shared.fingerprints.get(visitor) },
      -> { shared.organizations.get(org) },
      -> { shared.organizations.api_keys.list(org, limit: 5) },
      -> { shared.webhooks.list_endpoints(org) },
      -> { shared.gate.registry.list },
      -> { shared.sessions.attach_client_user(ids(1).first, "user_fibers") },
      -> { shared.fingerprints.iter(limit: 50).first(60) },
    ]
    calls.each_with_index do |call, i|
      assert_equal plain(call.call), plain(in_fiber { call.call }), "call #{i}"
    end
  end

  def test_iteration_walks_every_page
    shared = emulator.client
    expected = shared.sessions.iter(limit: 70).map { |s| s[:id] }
    assert_operator expected.size, :>, 140
    got = in_fiber { shared.sessions.iter(limit: 70).map { |s| s[:id] } }
    assert_equal expected, got
    # Four walks with delayed pages overlap: about one walk's time, not four.
    pages = (expected.size / 100.0).ceil
    emulator.faults do |emu|
      emu.inject_fault("delay", method: "GET", path: "/v1/sessions", count: 4 * pages, delay_ms: 200)
      t0 = monotonic
      walks = Async do |task|
        Array.new(4) { task.async { shared.sessions.iter(limit: 100).map { |s| s[:id] } } }.map(&:wait)
      end.wait
      took = monotonic - t0
      walks.each { |w| assert_equal expected, w }
      assert_operator took, :<, 4 * pages * 0.2 / 2, "four walks of #{pages} delayed pages did not overlap"
    end
  end

  def test_breaking_out_of_a_walk_leaves_the_client_usable
    shared = emulator.client
    first = in_fiber { shared.sessions.iter(limit: 10).first(3).map { |s| s[:id] } }
    assert_equal ids(3), first
    assert_equal ids(1).first, in_fiber { shared.sessions.get(ids(1).first)[:id] }
  end

  # The pool's loops hold the parent's connections: a forked child calls on its own. The child
  # exits only when told to, after the parent's call (its SIGCHLD would land mid-call).
  def test_a_forked_child_calls_under_a_scheduler
    shared = emulator.client
    first, second = ids(2)
    Async { shared.sessions.get(first) }.wait # a loop with a live connection in the pool
    reader, writer = IO.pipe
    go_read, go_write = IO.pipe
    pid = Process.fork do
      reader.close
      go_write.close
      got = begin
        Async { shared.sessions.get(second)[:id] }.wait
      rescue StandardError => e
        e.class.name
      end
      writer.write(got)
      writer.close
      go_read.read
      exit!(0)
    end
    writer.close
    go_read.close
    assert_equal first, Async { shared.sessions.get(first)[:id] }.wait
    got = reader.wait_readable(30) && reader.read
    go_write.close
    Process.wait(pid)
    assert_equal second, got
  end

  # Without a scheduler nothing changes: the call blocks its thread with the GVL released.
  def test_without_a_scheduler_calls_block_their_thread_only
    refute Fiber.current_scheduler
    emulator.faults do |emu|
      emu.inject_fault("delay", method: "GET", path: "/v1/sessions/", count: 1, delay_ms: 400)
      ticks = 0
      spinner = Thread.new { loop { ticks += 1; sleep 0.001 } }
      assert_equal ids(1).first, client.sessions.get(ids(1).first)[:id]
      spinner.kill
      assert_operator ticks, :>, 50
    end
  end

  def test_signup_waits_with_the_scheduler
    emulator.add_service("fibers", outputs: { "FIBER_KEY" => "v" })
    shared = emulator.client
    ticks = 0
    outputs = Async do |task|
      signup = shared.gate.signup("fibers", account_name: "fiber-app")
      ticker = task.async { loop { ticks += 1; task.sleep(0.01) } }
      task.async { task.sleep(0.3); emulator.approve(signup.id) }
      got = signup.wait(timeout: 10, interval: 0.05)
      ticker.stop
      signup.ack!
      got
    end.wait
    assert_equal({ "FIBER_KEY" => "v" }, outputs)
    assert_operator ticks, :>, 10, "the other fibers did not run during the wait"
  end

  def test_stop_ends_a_signup_wait_and_the_signup_stays_usable
    emulator.add_service("fibers-stop", outputs: { "STOP_KEY" => "v" })
    shared = emulator.client
    signup = shared.gate.signup("fibers-stop", account_name: "fiber-app")
    ended = nil
    Async do |task|
      waiter = task.async do
        signup.wait(timeout: 10, interval: 0.05)
      rescue Exception => e # rubocop:disable Lint/RescueException
        ended = e.class
        raise
      end
      task.sleep(0.2)
      waiter.stop
    end.wait
    assert_equal Async::Stop, ended
    assert_equal "pending", signup.poll
    emulator.approve(signup.id)
    assert_equal({ "STOP_KEY" => "v" }, Async { signup.wait(timeout: 10, interval: 0.05) }.wait)
  end

  def test_cancel_from_another_fiber_ends_a_signup_wait
    emulator.add_service("fibers-cancel", outputs: { "CANCEL_KEY" => "v" })
    signup = emulator.client.gate.signup("fibers-cancel", account_name: "fiber-app")
    ended = nil
    t0 = monotonic
    Async do |task|
      waiter = task.async do
        signup.wait(timeout: 30, interval: 5)
      rescue Foil::Error => e
        ended = e.class
      end
      task.sleep(0.2)
      signup.cancel
      waiter.wait
    end.wait
    assert_equal Foil::CancelledError, ended
    assert_operator monotonic - t0, :<, 2.0, "the wait slept through the cancel"
  end

  # A signup in a fiber makes no thread: its create, polls and ack are requests on the
  # client's event loop that the fiber waits for through the scheduler. 20 signups at once,
  # each request delayed DELAY by the emulator, overlap: about three delayed requests' time
  # (create, poll, ack) and the approvals, not 20 times that (18 s).
  def test_twenty_fiber_signups_overlap_without_a_thread
    emulator.add_service("fibers-many", outputs: { "MANY_KEY" => "v" })
    shared = emulator.client
    count = 20
    outputs = nil
    before = most = Thread.list.size
    took = emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/gate/sessions", count: 1000, delay_ms: (DELAY * 1000).to_i)
      t0 = monotonic
      outputs = Async do |task|
        sampler = task.async { loop { most = [most, Thread.list.size].max; task.sleep(0.005) } }
        signups = Array.new(count) { |i| task.async { shared.gate.signup("fibers-many", account_name: "app-#{i}") } }
                       .map(&:wait)
        signups.each { |signup| emulator.approve(signup.id) }
        got = signups.map do |signup|
          task.async do
            out = signup.wait(timeout: 20, interval: 0.05)
            signup.ack!
            out
          end
        end.map(&:wait)
        sampler.stop
        got
      end.wait
      monotonic - t0
    end
    assert_equal [{ "MANY_KEY" => "v" }] * count, outputs
    assert_equal before, most, "a thread was created during the fiber signups"
    assert_operator took, :>=, 3 * DELAY * 0.9, "the emulator's delay did not apply"
    assert_operator took, :<, 3 * OVERLAPPED, "20 delayed signups took #{took.round(2)} s: they did not overlap"
  end

  # GateSignup#poll in a fiber answers as on the blocking path: a rejected signup's poll
  # returns "rejected" (a wait raises).
  def test_poll_in_a_fiber_answers_as_the_blocking_poll
    emulator.add_service("fibers-poll", outputs: { "POLL_KEY" => "v" })
    signup = emulator.client.gate.signup("fibers-poll", account_name: "fiber-app")
    assert_equal "pending", Async { signup.poll }.wait
    emulator.deny(signup.id)
    assert_equal "rejected", Async { signup.poll }.wait
    assert_equal "rejected", signup.poll
    ended = Async do
      signup.wait(timeout: 5, interval: 0.05)
    rescue Foil::Error => e
      e.class
    end.wait
    assert_equal Foil::RejectedError, ended
  end

  # A poll in flight (delayed 3 s) ends at once when the wait is cancelled from another
  # fiber or its task is stopped; the signup stays usable.
  def test_a_poll_in_flight_ends_on_cancel_and_stop
    emulator.add_service("fibers-inflight", outputs: { "FLIGHT_KEY" => "v" })
    shared = emulator.client
    signup = shared.gate.signup("fibers-inflight", account_name: "fiber-app")
    ended = []
    emulator.faults do |emu|
      emu.inject_fault("delay", method: "GET", path: "/v1/gate/sessions/", count: 2, delay_ms: 3000)
      t0 = monotonic
      Async do |task|
        waiter = task.async do
          signup.wait(timeout: 30, interval: 0.05)
        rescue Foil::Error => e
          ended << e.class
        end
        task.sleep(0.2)
        signup.cancel
        waiter.wait
        stopped = task.async do
          signup.wait(timeout: 30, interval: 0.05)
        rescue Exception => e # rubocop:disable Lint/RescueException
          ended << e.class
          raise
        end
        task.sleep(0.2)
        stopped.stop
      end.wait
      assert_operator monotonic - t0, :<, 2.0, "a poll in flight was waited for"
    end
    assert_equal [Foil::CancelledError, Async::Stop], ended
    emulator.approve(signup.id)
    assert_equal({ "FLIGHT_KEY" => "v" }, Async { signup.wait(timeout: 10, interval: 0.05) }.wait)
  end
end
