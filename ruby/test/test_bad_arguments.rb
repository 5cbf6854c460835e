# Bad arguments raise TypeError, ArgumentError or a Foil::Error, never another class
# (JSON::GeneratorError, FloatDomainError, SWIG's RangeError, KeyError, JSON::ParserError), and
# an arbitrary object is never sent as its to_s (issue 18, defect 10).
require_relative "test_helper"

class TestBadArguments < Minitest::Test
  BAD_UTF8 = "caf\xC3".dup.force_encoding(Encoding::UTF_8)
  BAD_BYTES = "\xFF\xFE".b

  # The block raises exactly `klass` (not a subclass of another family), with a message.
  def assert_bad(klass, &block)
    error = assert_raises(StandardError, &block)
    assert_kind_of klass, error, "#{error.class}: #{error.message}"
    assert [TypeError, ArgumentError, Foil::Error].any? { |k| error.is_a?(k) }, error.class.name
    refute_empty error.message
    error
  end

  def test_client_options
    [Float::INFINITY, -Float::INFINITY, Float::NAN, 0, -1, 1e30, 2**70].each do |seconds|
      assert_bad(Foil::InvalidArgumentError) { Foil::Client.new(secret_key: "sk_test_x", timeout: seconds) }
      assert_bad(Foil::InvalidArgumentError) { Foil::Client.new(secret_key: "sk_test_x", connect_timeout: seconds) }
    end
    [Complex(1, 1), "5", nil, Object.new].each do |seconds|
      assert_bad(TypeError) { Foil::Client.new(secret_key: "sk_test_x", timeout: seconds) }
    end
    assert_equal 1500, Foil::Client.new(secret_key: "sk_test_x", timeout: Rational(3, 2)).timeout * 1000
    [2**40, 2**31, -2**31 - 1].each do |n|
      assert_bad(ArgumentError) { Foil::Client.new(secret_key: "sk_test_x", max_retries: n) }
    end
    [-1, 11].each do |n| # the core's range
      assert_bad(Foil::InvalidArgumentError) { Foil::Client.new(secret_key: "sk_test_x", max_retries: n) }
    end
    assert_bad(TypeError) { Foil::Client.new(secret_key: "sk_test_x", max_retries: 1.5) }
    assert_bad(TypeError) { Foil::Client.new(secret_key: "sk_test_x", prefetch: "yes") }
    assert_bad(TypeError) { Foil::Client.new(secret_key: "sk_test_x", base_url: Object.new) }
    assert_bad(TypeError) { Foil::Client.new(secret_key: 5) }
  end

  def test_operation_ids_cursors_and_parameters
    [BAD_UTF8, BAD_BYTES].each do |bad|
      assert_bad(ArgumentError) { client.sessions.get(bad) }
      assert_bad(ArgumentError) { client.sessions.list(cursor: bad) }
      assert_bad(ArgumentError) { client.sessions.iter(search: bad) }
      assert_bad(ArgumentError) { client.sessions.attach_client_user("sid_1", bad) }
    end
    assert_bad(TypeError) { client.sessions.list(search: Object.new) }
    assert_bad(TypeError) { client.sessions.iter(search: Object.new) }
    assert_bad(TypeError) { client.sessions.list(search: 1..2) }
    assert_bad(ArgumentError) { client.sessions.list(search: Float::NAN) }
    assert_bad(Foil::InvalidArgumentError) { client.sessions.list(limit: 2**40) }
    assert_bad(Foil::InvalidArgumentError) { client.sessions.list(search: 5) } # the core's type check
    # A String in another encoding is sent as UTF-8; binary bytes that are UTF-8 are fine.
    assert_kind_of Foil::ListResult, client.sessions.list(limit: 1, search: "caf\xE9".dup.force_encoding("ISO-8859-1"))
    assert_kind_of Foil::ListResult, client.sessions.list(limit: 1, search: "caf\xC3\xA9".b)
  end

  # Text in an encoding that is not ASCII-compatible (UTF-16, UTF-32) is converted to UTF-8 like
  # any other (it raised Encoding::CompatibilityError from the NUL check); where a String goes to
  # the core as it is, such text is an ArgumentError that says so (it said "contains a NUL").
  def test_text_in_utf16_and_utf32
    sid = client.sessions.list(limit: 1).items.first[:id]
    %w[UTF-16LE UTF-16BE UTF-32LE].each do |encoding|
      assert_equal sid, client.sessions.get(sid.encode(encoding))[:id]
      assert_kind_of Foil::ListResult, client.sessions.list(limit: 1, search: "caf\u00e9".encode(encoding))
      assert_equal 1, client.sessions.iter(limit: 1, search: sid.encode(encoding)).first(1).size
      assert_equal "foil", client.gate.signup("foil".encode(encoding), account_name: "x".encode(encoding)).service_id
      assert_bad(ArgumentError) { client.sessions.get("s\0x".encode(encoding)) }
      utf16_client = Foil::Client.new(secret_key: emulator.secret_key.encode(encoding),
                                      base_url: emulator.base_url.encode(encoding))
      assert_equal sid, utf16_client.sessions.get(sid)[:id]
      assert_bad(ArgumentError) { Foil::Client.new(secret_key: "sk\0x".encode(encoding)) }
      error = assert_bad(ArgumentError) { Foil.verify_foil_token("tok".encode(encoding), "sk_test_x") }
      assert_includes error.message, "UTF-8"
      refute_includes error.message, "NUL"
    end
  end

  def test_metadata_and_account_name
    bad = { BAD_BYTES => 1 }
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: bad) }
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: { note: BAD_UTF8 }) }
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: { nested: [{ x: BAD_UTF8 }] }) }
    assert_bad(TypeError) { client.gate.signup("foil", metadata: { note: Object.new }) }
    assert_bad(TypeError) { client.gate.signup("foil", metadata: { 1 => "x" }) }
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: { a: 1, "a" => 2 }) }
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: { x: Float::INFINITY }) }
    deep = 1100.times.reduce([]) { |inner, _| [inner] }
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: { deep: deep }) }
    loop_array = []
    loop_array << loop_array
    assert_bad(ArgumentError) { client.gate.signup("foil", metadata: { loop: loop_array }) }
    assert_bad(ArgumentError) { client.gate.signup("foil", account_name: BAD_BYTES) }
    assert_bad(TypeError) { client.gate.signup("foil", account_name: 5) }
    signup = client.gate.signup("foil", account_name: :demo, metadata: { plan: :pro, n: 2**40, ok: [true, nil, 1.5] })
    assert_equal "demo", signup.account_name
  end

  def test_signup_wait_and_import
    signup = client.gate.signup("foil")
    [Float::INFINITY, Float::NAN, 0, -1, 2**40].each do |seconds|
      assert_bad(Foil::InvalidArgumentError) { signup.wait(timeout: seconds) }
      assert_bad(Foil::InvalidArgumentError) { signup.wait(interval: seconds) }
    end
    assert_bad(TypeError) { signup.wait(timeout: "1") }
    assert_bad(TypeError) { signup.wait(interval: Complex(0, 1)) }
    assert_bad(TypeError) { Foil::GateSignup.import(Object.new, signup.export) }
    assert_bad(TypeError) { Foil::GateSignup.import(client, 5) }
    assert_bad(Foil::InvalidArgumentError) { Foil::GateSignup.import(client, "{}") }
  end

  def test_helpers
    args = { secret: "whsec_x", timestamp: "1700000000", raw_body: "{}", signature: "00" }
    [Float::INFINITY, 1.5, "300", nil].each do |age|
      assert_bad(TypeError) { Foil.verify_webhook_signature(**args, max_age_seconds: age) }
    end
    assert_bad(ArgumentError) { Foil.verify_webhook_signature(**args, max_age_seconds: 2**70) }
    assert_bad(TypeError) { Foil.verify_webhook_signature(**args, now_seconds: "abc") }
    assert_bad(TypeError) { Foil.verify_webhook_signature(**args, now_seconds: Float::INFINITY) }
    assert_bad(ArgumentError) { Foil.verify_webhook_signature(**args, now_seconds: 2**70) }
    assert_bad(TypeError) { Foil.verify_webhook_signature(**args, timestamp: Object.new) }
    refute Foil.verify_webhook_signature(**args, now_seconds: 1_700_000_000)

    assert_bad(TypeError) { Foil.is_blocked_gate_env_var_key(Object.new) }
    assert_bad(TypeError) { Foil.is_gate_managed_env_var_key(nil) }
    assert Foil.is_blocked_gate_env_var_key(:PATH)
    assert_bad(ArgumentError) { Foil.is_blocked_gate_env_var_key(BAD_BYTES) }

    assert_bad(ArgumentError) { Foil.parse_webhook_event({ id: BAD_UTF8 }) }
    assert_bad(TypeError) { Foil.parse_webhook_event({ id: Object.new }) }
    assert_bad(TypeError) { Foil.parse_webhook_event(5) }

    pair = Foil.create_delivery_key_pair
    assert_bad(TypeError) { Foil.encrypt_gate_delivery_payload(pair[:delivery], { version: 1, outputs: { K: Object.new } }) }
    assert_bad(ArgumentError) { Foil.encrypt_gate_delivery_payload(pair[:delivery], { version: 1, outputs: { K: BAD_BYTES } }) }
    assert_bad(TypeError) { Foil.decrypt_gate_delivery_envelope(Object.new, {}) }
    assert_bad(ArgumentError) { Foil.create_encrypted_delivery_response({}) }
    assert_bad(ArgumentError) { Foil.create_encrypted_delivery_response({ delivery: pair[:delivery] }) }
    %w[not-json [1] 1 "x"].each do |text|
      assert_bad(Foil::ValidationError) { Foil.validate_encrypted_gate_delivery_envelope(text) }
    end
    assert_bad(TypeError) { Foil.validate_gate_delivery_request(Object.new) }

    assert_bad(TypeError) { Foil.verify_foil_token(Object.new, "sk_test_x") }
    assert_bad(TypeError) { Foil.verify_foil_token("tok", 5) }
    assert_bad(Foil::TokenVerificationError) { Foil.verify_foil_token(BAD_BYTES, "sk_test_x") }
  end

  def test_testing_emulator
    assert_bad(ArgumentError) { Foil::Testing::Emulator.new(port: 2**40) }
    assert_bad(ArgumentError) { Foil::Testing::Emulator.new(seed: -1) }
    assert_bad(TypeError) { Foil::Testing::Emulator.new(threads: 1.0) }
    assert_bad(ArgumentError) { emulator.inject_fault(Object.new) }
    assert_bad(ArgumentError) { emulator.inject_fault(:status, count: 2**40) }
    assert_bad(ArgumentError) { emulator.session_id(2**70) }
    assert_bad(ArgumentError) { emulator.mint_sealed_token(emulator.session_id, version: 2**40) }
  end
end
