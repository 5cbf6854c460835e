# Foil::Error tree from the core's status table, fault injection -> typed errors, bad arguments.
require_relative "test_helper"

class TestErrors < Minitest::Test
  def test_every_status_has_a_class
    kinds = Array.new(Foil::Native.status_count) { |i| Foil::Native.status_kind(Foil::Native.status_at(i)) } - ["ok"]
    assert_operator kinds.size, :>=, 24
    kinds.each do |kind|
      klass = Foil::Error.class_for_kind(kind)
      refute_equal Foil::Error, klass, kind
      assert_equal kind, klass.kind
      assert_operator klass, :<, Foil::Error
    end
  end

  def test_hierarchy
    assert_operator Foil::Error, :<, StandardError
    %w[AuthenticationError PermissionError NotFoundError ConflictError GoneError ValidationError RateLimitedError
       ServerError].each { |n| assert_equal Foil::ApiError, Foil.const_get(n).superclass, n }
    assert_equal Foil::ValidationError, Foil::InvalidArgumentError.superclass
    assert_equal Foil::ConnectionError, Foil::TimeoutError.superclass
    %w[ConfigurationError TokenVerificationError ConnectionError ProtocolError CryptoError].each do |n|
      assert_equal Foil::Error, Foil.const_get(n).superclass, n
    end
  end

  def test_constructible_like_the_official_gem
    e = Foil::ApiError.new(status: 404, code: "x.y", message: "nope", request_id: "req_1", field_errors: [], docs_url: nil,
                           body: { a: 1 })
    assert_equal [404, "x.y", "nope (request id: req_1)", { a: 1 }], [e.status, e.code, e.message, e.body]
    assert_equal "plain", Foil::ConfigurationError.new("plain").message
  end

  def test_missing_secret_key_is_a_configuration_error
    c = Foil::Client.new(secret_key: nil, base_url: emulator.base_url)
    assert_raises(Foil::ConfigurationError) { c.sessions.list }
    assert_kind_of Array, c.gate.registry.list # public: no key needed
  end

  def test_authentication_and_permission
    bad = Foil::Client.new(secret_key: "sk_test_wrong", base_url: emulator.base_url)
    e = assert_raises(Foil::AuthenticationError) { bad.sessions.list }
    assert_equal 401, e.status
    scoped = Foil::Client.new(secret_key: emulator.add_secret_key("fingerprints:list"), base_url: emulator.base_url)
    assert_raises(Foil::PermissionError) { scoped.sessions.list }
  end

  def test_validation_error_fields
    e = assert_raises(Foil::InvalidArgumentError) { client.sessions.list(limit: 0) }
    assert_equal "limit", e.field_errors.first[:name]
    e = assert_raises(Foil::ValidationError) { client.sessions.list(verdict: "maybe") }
    refute_empty e.field_errors
  end

  def test_faults_map_to_classes
    emulator.faults do |emu|
      emu.inject_fault("status", path: "/v1/sessions", status: 503)
      e = assert_raises(Foil::ServerError) { client.sessions.list }
      assert e.retryable?
      emu.inject_fault("status", path: "/v1/sessions", status: 429)
      assert_raises(Foil::RateLimitedError) { client.sessions.list }
      emu.inject_fault("corrupt", path: "/v1/sessions")
      assert_raises(Foil::ProtocolError) { client.sessions.list }
      emu.inject_fault("content_type", path: "/v1/sessions")
      assert_raises(Foil::ProtocolError) { client.sessions.list }
      emu.inject_fault("reset", path: "/v1/sessions")
      assert_raises(Foil::ConnectionError) { client.sessions.list }
      emu.inject_fault("truncate", path: "/v1/sessions")
      assert_raises(Foil::ConnectionError, Foil::ProtocolError) { client.sessions.list }
    end
    assert_equal 5, client.sessions.list(limit: 5).items.size
  end

  def test_retries_are_opt_in
    emulator.faults do |emu|
      emu.inject_fault("status", path: "/v1/sessions", status: 503, count: 2)
      retrying = emulator.client(max_retries: 3)
      assert_equal 2, retrying.sessions.list(limit: 2).items.size
    end
  end

  def test_request_timeout
    emulator.faults do |emu|
      emu.inject_fault("delay", path: "/v1/sessions", delay_ms: 1500)
      c = emulator.client(timeout: 0.3)
      assert_raises(Foil::TimeoutError) { c.sessions.list }
    end
  end

  def test_bad_arguments
    assert_raises(TypeError) { client.sessions.get(42) }
    assert_raises(TypeError) { client.sessions.get(nil) }
    assert_raises(ArgumentError) { client.sessions.get }
    assert_raises(ArgumentError) { client.sessions.get("a", "b") }
    assert_raises(ArgumentError) { client.sessions.list(nope: 1) }
    assert_raises(TypeError) { client.sessions.list(limit: "5") }
    assert_raises(ArgumentError) { client.organizations.create(name: "x") }
    assert_raises(ArgumentError) { client.sessions.get("sid_\0x") }
    assert_raises(Foil::InvalidArgumentError) { client.sessions.get("") }
    assert_raises(TypeError) { client.sessions.attach_client_user("sid_x", 5) }
    assert_raises(TypeError) { Foil::Client.new(secret_key: 5) }
    assert_raises(TypeError) { Foil::Client.new(timeout: "5") }
    assert_raises(Foil::InvalidArgumentError) { Foil::Client.new(timeout: 0) }
    assert_raises(Foil::ConfigurationError) { Foil::Client.new(base_url: "http://example.com") }
    assert_raises(TypeError) { client.gate.signup(:foil) }
    assert_raises(TypeError) { client.gate.signup("foil", metadata: "x") }
    assert_raises(ArgumentError) { emulator.inject_fault("nope") }
    assert_raises(TypeError) { Foil::Testing::Emulator.new(port: "1") }
  end

  def test_parse_bad_json_is_typed
    assert_raises(Foil::ValidationError, Foil::InvalidArgumentError) { Foil.parse_webhook_event("{nope") }
    assert_raises(Foil::InvalidArgumentError) { Foil::Native.rb_parse("[1,") }
  end
end
