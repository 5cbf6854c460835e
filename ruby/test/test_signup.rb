# client.gate.signup: the whole Gate flow (create, wait, decrypt, policy, ack, export/import).
require_relative "test_helper"
require "timeout"

class TestSignup < Minitest::Test
  def test_signup_approve_wait_ack
    signup = client.gate.signup("foil", account_name: "demo", metadata: { plan: "pro" })
    assert_equal "pending", signup.status
    assert_match(/\Agate_/, signup.id)
    assert_equal "demo", signup.account_name
    assert_equal "foil", signup.service_id
    assert signup.consent_url
    assert signup.expires_at
    assert_equal({}, signup.outputs)
    assert_equal "pending", signup.poll
    refute_includes signup.inspect, signup.poll_token
    Thread.new { sleep 0.2; emulator.approve(signup.id) }
    seen = []
    outputs = signup.wait(timeout: 10, interval: 0.05) { |status, left| seen << [status, left] }
    assert_equal "pending", seen.first[0]
    assert_operator seen.first[1], :>, 0
    assert_operator seen.first[1], :<=, 10
    assert_equal signup.outputs, outputs
    assert outputs.key?("FOIL_SECRET_KEY")
    assert outputs.key?("FOIL_GATE_AGENT_TOKEN")
    assert_equal "approved", signup.status
    assert_kind_of Hash, signup.poll_data
    signup.ack!
    assert_equal "acknowledged", signup.status
    signup.close
    assert_raises(Foil::StateError) { signup.status }
  end

  def test_policy_refuses_blocked_keys
    emulator.add_service("rbpolicy", outputs: { "RBPOLICY_API_KEY" => "k1", "PATH" => "/evil", "FOIL_AGENT_TOKEN" => "x" })
    signup = client.gate.signup("rbpolicy")
    emulator.approve(signup.id)
    outputs = signup.wait(timeout: 10, interval: 0.05)
    assert_equal "k1", outputs["RBPOLICY_API_KEY"]
    refute outputs.key?("PATH")
    assert_equal "blocked", signup.refused["PATH"]
    assert_equal "gate_managed_from_integrator", signup.refused["FOIL_AGENT_TOKEN"]
    signup.ack!
  end

  # An integrator's webhook served by Ruby in this process: verified and answered with the
  # gem's helpers while emu.approve waits for it (the GVL is free during approve).
  def test_integrator_webhook_served_by_this_process
    secret = "whsec_rb_test"
    server = TCPServer.new("127.0.0.1", 0)
    events = Queue.new
    hook = Thread.new do
      sock = server.accept
      sock.gets
      headers = {}
      while (line = sock.gets) && line != "\r\n"
        name, value = line.split(":", 2)
        headers[name.downcase] = value.strip
      end
      body = sock.read(headers["content-length"].to_i)
      event = Foil.verify_and_parse_webhook_event(secret: secret, timestamp: headers["x-foil-timestamp"], raw_body: body,
                                                  signature: headers["x-foil-signature"])
      events << event
      reply = JSON.generate(Foil.create_gate_approved_webhook_response(delivery: event[:data][:delivery],
                                                                       outputs: { "RBHOOK_API_KEY" => "from-ruby" }))
      sock.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: #{reply.bytesize}\r\n" \
                 "Connection: close\r\n\r\n#{reply}")
      sock.close
    end
    emulator.add_service("rbhook", webhook_url: "http://127.0.0.1:#{server.addr[1]}/hook", webhook_secret: secret)
    signup = client.gate.signup("rbhook")
    Timeout.timeout(8) { emulator.approve(signup.id) }
    assert_equal "from-ruby", signup.wait(timeout: 10, interval: 0.05)["RBHOOK_API_KEY"]
    event = events.pop
    assert_equal "gate.session.approved", event[:type]
    assert_equal signup.id, event[:data][:gate_session_id]
    signup.ack!
  ensure
    hook&.kill
    server&.close
  end

  def test_export_and_import
    signup = client.gate.signup("foil")
    saved = signup.export
    assert_includes saved, signup.id
    emulator.approve(signup.id)
    resumed = Foil::GateSignup.import(client, saved)
    assert resumed.wait(timeout: 10, interval: 0.05)["FOIL_SECRET_KEY"]
    resumed.ack!
    assert_raises(Foil::GoneError) { Foil::GateSignup.import(client, saved).poll }
    assert_raises(NoMethodError) { Foil::GateSignup.new }
  end

  def test_raw_sessions_and_decrypt
    pair = Foil.create_delivery_key_pair
    created = client.gate.sessions.create(service_id: "foil", account_name: "raw", delivery: pair[:delivery])
    emulator.approve(created[:gate_session_id] || created[:id])
    id = created[:gate_session_id] || created[:id]
    poll = client.gate.sessions.poll(id, poll_token: created[:poll_token])
    assert_equal "approved", poll[:status]
    gate_env = poll[:delivery_bundle][:gate]
    payload = Foil.decrypt_gate_delivery_envelope(pair[:private_key], gate_env.to_h)
    assert payload[:outputs].key?(:FOIL_GATE_AGENT_TOKEN)
    ack = client.gate.sessions.acknowledge(id, poll_token: created[:poll_token], ack_token: payload[:ack_token])
    assert_kind_of Foil::Record, ack
  end

  def test_rejected_and_timeout
    denied = client.gate.signup("foil")
    emulator.deny(denied.id)
    assert_raises(Foil::RejectedError) { denied.wait(timeout: 10, interval: 0.05) }
    pending = client.gate.signup("foil")
    t0 = monotonic
    assert_raises(Foil::TimeoutError) { pending.wait(timeout: 0.3, interval: 0.05) }
    assert_operator monotonic - t0, :<, 2
  end

  def test_block_exception_stops_wait
    signup = client.gate.signup("foil")
    assert_raises(KeyError) { signup.wait(timeout: 10) { |_s, _l| raise KeyError, "stop" } }
  end

  def test_cancel_from_another_thread
    signup = client.gate.signup("foil")
    Thread.new { sleep 0.2; signup.cancel }
    t0 = monotonic
    assert_raises(Foil::CancelledError) { signup.wait(timeout: 30) }
    assert_operator monotonic - t0, :<, 2
  end

  def test_wait_absorbs_transient_failures
    signup = client.gate.signup("foil")
    emulator.faults do |emu|
      emu.inject_fault("status", path: "/v1/gate/sessions/#{signup.id}", method: "GET", status: 503, count: 2)
      emu.inject_fault("corrupt", path: "/v1/gate/sessions/#{signup.id}", method: "GET", count: 1)
      emu.approve(signup.id)
      statuses = []
      refute_empty signup.wait(timeout: 10, interval: 0.05) { |status, _left| statuses << status }
      assert_operator statuses.size, :>=, 4
    end
    signup.ack!
  end

  def test_cancel_before_wait_is_kept
    signup = client.gate.signup("foil")
    signup.cancel
    assert_raises(Foil::CancelledError) { signup.wait(timeout: 5) }
    assert_raises(Foil::TimeoutError) { signup.wait(timeout: 0.2, interval: 0.05) }
  end

  def test_timeout_interrupts_wait_promptly
    signup = client.gate.signup("foil")
    t0 = monotonic
    assert_raises(Timeout::Error) { Timeout.timeout(0.3) { signup.wait(timeout: 30) } }
    assert_operator monotonic - t0, :<, 1.0
  end

  def test_thread_kill_interrupts_wait
    signup = client.gate.signup("foil")
    t = Thread.new { signup.wait(timeout: 30) }
    sleep 0.3
    t0 = monotonic
    t.kill
    t.join
    assert_operator monotonic - t0, :<, 0.5
    refute t.alive?
  end

  def test_ctrl_c_interrupts_wait_promptly
    signup = client.gate.signup("foil")
    Thread.new { sleep 0.3; Process.kill("INT", Process.pid) }
    t0 = monotonic
    assert_raises(Interrupt) { signup.wait(timeout: 30) }
    assert_operator monotonic - t0, :<, 1.0
  end

  # A trap handler runs inside the wait's poll, on the thread that holds the signup: reads
  # answer, #cancel ends the wait promptly, a poll is refused with Foil::StateError (the core's
  # rule, docs/ffi.md), never a recursive-locking ThreadError or a hang.
  def test_a_trap_handler_that_uses_the_waiting_signup
    signup = client.gate.signup("foil")
    seen = {}
    previous = Signal.trap("INT") do
      seen[:status] = signup.status
      seen[:inspect] = signup.inspect
      begin
        signup.poll
        seen[:poll] = :returned
      rescue Foil::StateError => e
        seen[:poll] = e.message.include?("busy in a call on this thread")
      end
      signup.cancel
    end
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/gate/sessions/#{signup.id}", count: 1, delay_ms: 3000)
      Thread.new { sleep 0.3; Process.kill("INT", Process.pid) }
      t0 = monotonic
      assert_raises(Foil::CancelledError) { signup.wait(timeout: 30, interval: 0.05) }
      assert_operator monotonic - t0, :<, 1.5
    end
    assert_equal({ status: "pending", inspect: "#<Foil::GateSignup #{signup.id} foil pending>", poll: true }, seen)
  ensure
    Signal.trap("INT", previous || "DEFAULT")
  end

  def test_wait_releases_the_gvl
    signup = client.gate.signup("foil")
    ticks = 0
    spinner = Thread.new { loop { ticks += 1; sleep 0.001 } }
    assert_raises(Foil::TimeoutError) { signup.wait(timeout: 0.5, interval: 0.2) }
    spinner.kill
    assert_operator ticks, :>, 50
  end

  def test_auto_approve_emulator
    Foil::Testing::Emulator.start(auto_approve_ms: 50) do |emu|
      signup = emu.client.gate.signup("foil")
      refute_empty signup.wait(timeout: 10, interval: 0.05)
      signup.ack!
    end
  end

  # A wait ends at expires_at: a session whose expires_at cannot be read is refused at create
  # and at import (the core's protocol error), never left to poll without an end.
  def test_unreadable_expires_at_is_a_protocol_error
    canned = FoilTest::Canned.new
    body = lambda do |expires_at|
      JSON.generate(data: { object: "gate_session", id: "gate_0123456789abcdefghjkmnpqrs", status: "pending",
                            poll_token: "gtpl_x", consent_url: "https://c.test/", expires_at: expires_at })
    end
    rb_client = Foil::Client.new(secret_key: "sk_test_x", base_url: canned.base_url)
    canned.route("POST", "/v1/gate/sessions", 200, body.call("soon"))
    error = assert_raises(Foil::ProtocolError) { rb_client.gate.signup("foil") }
    assert_includes error.message, "expires_at"

    canned.route("POST", "/v1/gate/sessions", 200, body.call("2099-01-01T00:00:00Z"))
    saved = JSON.parse(rb_client.gate.signup("foil").export)
    assert_raises(Foil::ProtocolError) do
      Foil::GateSignup.import(rb_client, JSON.generate(saved.merge("expires_at" => "later")))
    end
  ensure
    canned&.stop
  end

  # inspect shows the id and service id the server sent with control characters escaped: a
  # hostile server's "\e[2J\n..." must not reach a log or terminal as raw bytes.
  def test_inspect_escapes_what_the_server_sent
    canned = FoilTest::Canned.new
    hostile_id = "gate_\e[2J\r\nFAKE LOG LINE\u0007"
    canned.route("POST", "/v1/gate/sessions", 200,
                 JSON.generate(data: { object: "gate_session", id: hostile_id, status: "pending",
                                       poll_token: "gtpl_x", consent_url: "https://c.test/",
                                       expires_at: "2099-01-01T00:00:00Z" }))
    signup = Foil::Client.new(secret_key: "sk_test_x", base_url: canned.base_url).gate.signup("foil")
    assert_equal hostile_id, signup.id
    text = signup.inspect
    refute_match(/[\x00-\x1f\x7f]/, text)
    assert_includes text, hostile_id.inspect[1...-1]
    refute_includes text, "gtpl_x"
    assert_equal text, signup.to_s
  ensure
    canned&.stop
  end
end
