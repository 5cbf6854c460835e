# Every object the gem hands out may be used from several threads at once: its calls take
# turns or are refused with a typed error, never a crash, and closing it under another
# thread's call frees it only once that call returns.
require_relative "test_helper"

class TestSharedHandles < Minitest::Test
  include FoilTest::Helpers

  THREADS = 4

  # work(i) on THREADS threads released together; their values.
  def together(&work)
    gate = Queue.new
    threads = Array.new(THREADS) { |i| Thread.new { gate.pop; work.call(i) } }
    THREADS.times { gate << true }
    threads.map(&:value)
  end

  def outcome
    yield
    nil
  rescue Foil::Error => e
    e
  end

  def test_signup_shared_by_threads
    signup = client.gate.signup("foil")
    approved = Queue.new
    outputs = together do |i|
      100.times do # pending: each call polls the emulator with the GVL released
        assert_includes %w[pending approved], signup.poll
        assert_includes %w[pending approved], signup.status
        data = signup.poll_data
        assert(data.nil? || %w[pending approved].include?(data[:status]))
        signup.docs_url
        assert signup.export
      end
      if i.zero?
        emulator.approve(signup.id)
        (THREADS - 1).times { approved << true }
      else
        approved.pop
      end
      signup.wait(timeout: 10, interval: 0.005) { signup.outputs }
    end
    assert outputs[0]["FOIL_SECRET_KEY"]
    assert(outputs.all? { |o| o == outputs[0] })
    acks = together { outcome { signup.ack! } }
    assert_operator acks.count(nil), :>=, 1
    assert(acks.all? { |a| a.nil? || a.is_a?(Foil::Error) })
    assert_equal "acknowledged", signup.status
  end

  def test_close_while_another_thread_waits
    signup = client.gate.signup("foil")
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    waiter = Thread.new { outcome { signup.wait(timeout: 10, interval: 0.01) } }
    sleep 0.2
    signup.close # the waiting thread's call keeps the handle alive until it returns
    GC.start
    result = waiter.join(5)&.value
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 3
    assert_kind_of Foil::CancelledError, result
    assert_raises(Foil::StateError) { signup.poll }
    signup.close
  end

  def test_close_while_other_threads_poll
    10.times do
      signup = client.gate.signup("foil")
      pollers = Array.new(THREADS) do
        Thread.new do
          loop do
            e = outcome { signup.poll }
            break e if e
          end
        end
      end
      sleep 0.05
      signup.close
      GC.start
      pollers.each { |t| assert_kind_of Foil::StateError, t.join(5)&.value }
    end
  end

  # The core's walk (Enumerator#next cannot cross threads, but the native walk can be
  # shared): threads take pages in turns and together see every item once.
  def test_native_walk_shared_by_threads
    pages = Foil::Native.call_iter(client.__send__(:handle), "sessions.list", '{"limit":7}')
    ids = together do
      mine = []
      while (items = Foil::Native.rb_next_page(pages))
        items.each { |item| mine << item[:id] }
      end
      mine
    end.flatten
    assert_equal 600, ids.size
    assert_equal 600, ids.uniq.size
  end

  def test_enumerators_from_several_threads
    walk = client.sessions.iter(limit: 7)
    counts = together { walk.count }
    assert_equal [600] * THREADS, counts
  end

  def test_key_pair_shared_by_threads
    pair = Foil.create_delivery_key_pair
    key = pair[:private_key]
    envelope = Foil.encrypt_gate_delivery_payload(pair[:delivery],
                                                  { version: 1, outputs: { API_KEY: "sk_value" }, ack_token: "ack_x" })
    exported = key.export_pkcs8
    together do
      200.times do
        assert_equal exported, key.export_pkcs8
        assert key.key_id
        assert_equal "sk_value", Foil.decrypt_gate_delivery_envelope(key, envelope)[:outputs][:API_KEY]
      end
    end
  end

  def test_results_pages_and_documents_shared_by_threads
    page = client.sessions.list(limit: 20)
    one = client.sessions.get(emulator.session_id(0))
    token = Foil.verify_foil_token(emulator.mint_sealed_token(emulator.session_id(0)), emulator.secret_key)
    copies = Array.new(THREADS) { [page, one, token] }
    page = one = token = nil
    together do |i|
      mine = copies[i]
      copies[i] = nil
      GC.start if i.zero? # the others' copies keep every body alive
      500.times do
        assert_equal 20, mine[0].items.size
        assert mine[0].items[3][:id]
        assert_equal mine[1][:id], mine[1].to_h[:id]
        assert mine[2].to_h
      end
    end
  end

  def test_no_native_function_hands_out_a_borrowed_error
    %i[gate_session_error gate_session_transient_error iter_error].each do |name|
      refute Foil::Native.respond_to?(name), name
    end
  end
end
