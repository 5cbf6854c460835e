# Issue 19: each rule is the core's, so Ruby says what Python and Lua say: seconds ->
# milliseconds, the limit, the envelope checks, the refused keys' shape.
require_relative "test_helper"

class TestRules < Minitest::Test
  SECONDS = "must be a number of seconds in (0, 2147483]".freeze

  def test_timeouts_are_the_cores_range_and_error
    [0, -1, 2_147_484, Float::INFINITY, Float::NAN, 10**400].each do |seconds|
      error = assert_raises(Foil::InvalidArgumentError) { Foil::Client.new(secret_key: "sk_test_x", timeout: seconds) }
      assert_equal "timeout: #{SECONDS}", error.message
      assert_equal "timeout", error.field_errors.first[:name]
      error = assert_raises(Foil::InvalidArgumentError) { Foil::Client.new(secret_key: "sk_test_x", connect_timeout: seconds) }
      assert_equal "connect_timeout: #{SECONDS}", error.message
    end
    signup = client.gate.signup("foil", account_name: "demo")
    %i[timeout interval].each do |name|
      error = assert_raises(Foil::InvalidArgumentError) { signup.wait(name => 0) }
      assert_equal "#{name}: #{SECONDS}", error.message
    end
  end

  def test_limit_is_the_cores_text
    [0, -1, 201, 2**70].each do |limit|
      error = assert_raises(Foil::InvalidArgumentError) { client.sessions.list(limit: limit) }
      assert_equal "limit: must be between 1 and 200", error.message
    end
  end

  def test_envelope_checks_are_the_cores
    pair = Foil.create_delivery_key_pair
    good = Foil.encrypt_gate_delivery_payload(pair[:delivery], { version: 1, outputs: { K: "v" } })
    assert_equal pair[:delivery][:key_id], Foil.validate_encrypted_gate_delivery_envelope(good)[:key_id]
    { iv: ["AAAA", "encrypted_delivery.iv: must be 12 bytes"],
      version: [2, "encrypted_delivery.version: must be 1"],
      tag: ["", "encrypted_delivery.tag: is required"] }.each do |field, (bad, message)|
      error = assert_raises(Foil::ValidationError) { Foil.validate_encrypted_gate_delivery_envelope(good.merge(field => bad)) }
      assert_equal message, error.message
    end
  end
end
