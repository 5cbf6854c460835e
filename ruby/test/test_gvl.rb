# Long CPU work runs without the GVL (other threads go on); short work keeps it (issue 18:
# handing the GVL over costs more than a ~20 µs call). bench/ruby_threads.rb measures both.
require_relative "test_helper"

class TestGvl < Minitest::Test
  SECRET = "whsec_gvl"

  def signed(body)
    timestamp = Time.now.to_i.to_s
    [timestamp, Foil::Native.webhook_signature_compute(SECRET, timestamp, body)]
  end

  # A spinner thread notes the longest time it could not run: holding the GVL through the
  # check would stall it for the whole check.
  def test_a_large_webhook_body_is_checked_without_the_gvl
    body = "x" * (96 << 20)
    timestamp, signature = signed(body)
    stall = 0.0
    last = monotonic
    spinner = Thread.new do
      loop do
        t = monotonic
        stall = t - last if t - last > stall
        last = t
      end
    end
    sleep 0.05
    stall = 0.0
    last = t0 = monotonic
    assert Foil.verify_webhook_signature(secret: SECRET, timestamp: timestamp, raw_body: body, signature: signature)
    took = monotonic - t0
    sleep 0.05 # the spinner notes a stall once it runs again
    spinner.kill.join
    assert_operator stall, :<, took / 2, "the spinner stalled #{stall.round(3)} s of a #{took.round(3)} s check"
  end

  def test_short_and_long_bodies_give_the_same_answers
    [0, 1024, (64 << 10) - 1, 64 << 10, (64 << 10) + 1].each do |size|
      body = "b" * size
      timestamp, signature = signed(body)
      assert Foil.verify_webhook_signature(secret: SECRET, timestamp: timestamp, raw_body: body, signature: signature)
      refute Foil.verify_webhook_signature(secret: SECRET, timestamp: timestamp, raw_body: body, signature: signature.tr("0-9a-f", "1-9a-f0"))
      refute Foil.verify_webhook_signature(secret: "other", timestamp: timestamp, raw_body: body, signature: signature)
    end
  end
end
