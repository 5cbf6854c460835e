# Every fixture and golden vector of the official foil-spec (read in place), through the gem.
require_relative "test_helper"

class TestFixtures < Minitest::Test
  SID = "sid_x".freeze
  ORG = "org_x".freeze
  KEY = "key_x".freeze
  DELIVERY = { version: 1, algorithm: "x25519-hkdf-sha256/aes-256-gcm",
               key_id: "LyGqfpvB0SCaX4P0inVpMJTAjCNJVWq_3OE87it2ZYo",
               public_key: "bn6szfMIS-7pLl01PqvssrrGRoW1SVTkUuqeg0hfrW0" }.freeze

  # (file, method) -> [HTTP method, path regex, call]
  API_CASES = {
    ["api/sessions/list.json", "get"] => ["GET", "/v1/sessions", ->(c) { c.sessions.list }],
    ["api/sessions/detail.json", "get"] => ["GET", "/v1/sessions/[^/]+", ->(c) { c.sessions.get(SID) }],
    ["api/sessions/detail.json", "patch"] => ["PATCH", "/v1/sessions/[^/]+", ->(c) { c.sessions.attach_client_user(SID, "u") }],
    ["api/fingerprints/list.json", "get"] => ["GET", "/v1/fingerprints", ->(c) { c.fingerprints.list }],
    ["api/fingerprints/detail.json", "get"] => ["GET", "/v1/fingerprints/[^/]+", ->(c) { c.fingerprints.get("vid_x") }],
    ["api/organizations/organization.json", "get"] => ["GET", "/v1/organizations/[^/]+", ->(c) { c.organizations.get(ORG) }],
    ["api/organizations/organization-create.json", "post"] =>
      ["POST", "/v1/organizations", ->(c) { c.organizations.create(name: "Acme", slug: "acme") }],
    ["api/organizations/organization-update.json", "patch"] =>
      ["PATCH", "/v1/organizations/[^/]+", ->(c) { c.organizations.update(ORG, name: "N") }],
    ["api/organizations/api-key-create.json", "post"] =>
      ["POST", "/v1/organizations/[^/]+/api-keys", ->(c) { c.organizations.api_keys.create(ORG, name: "k", type: "secret", scopes: ["*"]) }],
    ["api/organizations/api-key-list.json", "get"] =>
      ["GET", "/v1/organizations/[^/]+/api-keys", ->(c) { c.organizations.api_keys.list(ORG) }],
    ["api/organizations/api-key-rotate.json", "post"] =>
      ["POST", "/v1/organizations/[^/]+/api-keys/[^/]+/rotations", ->(c) { c.organizations.api_keys.rotate(ORG, KEY) }],
    ["api/organizations/api-key-revoke.json", "delete"] =>
      ["DELETE", "/v1/organizations/[^/]+/api-keys/[^/]+", ->(c) { c.organizations.api_keys.revoke(ORG, KEY) }],
    ["api/organizations/api-key-update.json", "patch"] =>
      ["PATCH", "/v1/organizations/[^/]+/api-keys/[^/]+", ->(c) { c.organizations.api_keys.update(ORG, KEY, name: "n") }],
    ["api/gate/registry-list.json", "get"] => ["GET", "/v1/gate/registry", ->(c) { c.gate.registry.list }],
    ["api/gate/registry-detail.json", "get"] => ["GET", "/v1/gate/registry/[^/]+", ->(c) { c.gate.registry.get("foil") }],
    ["api/gate/services-list.json", "get"] => ["GET", "/v1/gate/services", ->(c) { c.gate.services.list }],
    ["api/gate/service-detail.json", "get"] => ["GET", "/v1/gate/services/[^/]+", ->(c) { c.gate.services.get("acme") }],
    ["api/gate/service-create.json", "post"] =>
      ["POST", "/v1/gate/services", lambda { |c|
        c.gate.services.create(id: "acme", name: "Acme", description: "d", website: "https://acme.example",
                               webhook_endpoint_id: "we_0123456789abcdef0123456789abcdef")
      }],
    ["api/gate/service-update.json", "patch"] => ["PATCH", "/v1/gate/services/[^/]+", ->(c) { c.gate.services.update("acme", name: "A") }],
    ["api/gate/service-disable.json", "delete"] => ["DELETE", "/v1/gate/services/[^/]+", ->(c) { c.gate.services.disable("acme") }],
    ["api/gate/session-create.json", "post"] =>
      ["POST", "/v1/gate/sessions", ->(c) { c.gate.sessions.create(service_id: "foil", account_name: "a", delivery: DELIVERY) }],
    ["api/gate/session-poll.json", "get"] =>
      ["GET", "/v1/gate/sessions/[^/]+", ->(c) { c.gate.sessions.poll("gate_x", poll_token: "gtpoll_x") }],
    ["api/gate/session-ack.json", "post"] =>
      ["POST", "/v1/gate/sessions/[^/]+/ack", ->(c) { c.gate.sessions.acknowledge("gate_x", poll_token: "gtpoll_x", ack_token: "gtack_x") }],
    ["api/gate/login-session-create.json", "post"] =>
      ["POST", "/v1/gate/login-sessions", ->(c) { c.gate.login_sessions.create(service_id: "foil", agent_token: "agt_x") }],
    ["api/gate/login-session-consume.json", "post"] =>
      ["POST", "/v1/gate/login-sessions/consume", ->(c) { c.gate.login_sessions.consume(code: "482931") }],
    ["api/gate/agent-token-verify.json", "post"] =>
      ["POST", "/v1/gate/agent-tokens/verify", ->(c) { c.gate.agent_tokens.verify(agent_token: "agt_x") }],
    ["api/gate/agent-token-revoke.json", "post"] =>
      ["POST", "/v1/gate/agent-tokens/revoke", ->(c) { c.gate.agent_tokens.revoke(agent_token: "agt_x") }]
  }.freeze

  def manifest
    fixture("manifest.json")[:fixtures]
  end

  def test_delivery_vector
    v = fixture("gate-delivery/vector.v1.json")
    key = Foil.import_delivery_private_key_pkcs8(v[:private_key_pkcs8])
    assert_equal v[:delivery][:public_key], key.public_key
    assert_equal v[:delivery][:key_id], key.key_id
    assert_equal v[:private_key_pkcs8], Foil.export_delivery_private_key_pkcs8(key)
    refute_includes key.inspect, v[:private_key_pkcs8]
    payload = Foil.decrypt_gate_delivery_envelope(key, v[:envelope])
    assert_equal v[:payload], payload
    secrets = [*v[:payload][:outputs].values, v[:payload][:ack_token]].compact
    refute_empty secrets
    secrets.each { |secret| refute_includes payload.inspect, secret }
    # Marshal would write them out as they are: it is refused, as for every object holding a secret.
    error = assert_raises(TypeError) { Marshal.dump(payload) }
    secrets.each { |secret| refute_includes error.message, secret }
    assert_raises(TypeError) { Marshal.dump(key) }
    assert_equal payload.to_h, Marshal.load(Marshal.dump(payload.to_h)) # a plain Hash, on purpose
    tampered = v[:envelope].merge(tag: v[:envelope][:tag].reverse)
    assert_raises(Foil::CryptoError, Foil::ValidationError) { Foil.decrypt_gate_delivery_envelope(key, tampered) }
    roundtrip = Foil.encrypt_gate_delivery_payload(v[:delivery], v[:payload])
    assert_equal payload, Foil.decrypt_gate_delivery_envelope(key, roundtrip)
    assert_equal payload, Foil.decrypt_gate_delivery_envelope(v[:private_key_pkcs8], v[:envelope])
    assert_equal v[:delivery][:key_id], Foil.validate_encrypted_gate_delivery_envelope(v[:envelope])[:key_id]
    assert_raises(Foil::ValidationError) { Foil.validate_encrypted_gate_delivery_envelope(v[:envelope].merge(iv: "AAAA")) }
    assert_raises(Foil::ValidationError) { Foil.validate_encrypted_gate_delivery_envelope(v[:envelope].merge(version: 2)) }
  end

  def test_delivery_request
    v = fixture("gate-delivery/delivery-request.json")
    assert_equal v[:delivery].slice(:version, :algorithm, :key_id, :public_key), Foil.validate_gate_delivery_request(v[:delivery])
    assert_raises(Foil::ValidationError) { Foil.validate_gate_delivery_request(v[:delivery].merge(key_id: "x" * 43)) }
    assert_raises(TypeError) { Foil.validate_gate_delivery_request(42) }
    raw = v[:delivery][:public_key].tr("-_", "+/").unpack1("m")
    assert_equal v[:derived_key_id], Foil.key_id_for_raw_x25519_public_key(raw)
    assert_raises(ArgumentError) { Foil.key_id_for_raw_x25519_public_key("short") }
  end

  def test_approved_webhook_payload
    v = fixture("gate-delivery/approved-webhook-payload.valid.json")
    parsed = Foil.validate_gate_approved_webhook_payload(v)
    assert_equal v[:service_id], parsed[:service_id]
    assert_equal 0.12, parsed[:foil][:score]
    assert_raises(Foil::ValidationError) { Foil.validate_gate_approved_webhook_payload(v.merge(event: "gate.session.approved")) }
    reply = Foil.create_gate_approved_webhook_response(delivery: v[:delivery], outputs: { A: "1" })
    assert_equal [:encrypted_delivery], reply.keys
    assert_equal v[:delivery][:key_id], reply[:encrypted_delivery][:key_id]
  end

  def test_env_policy
    v = fixture("gate-delivery/env-policy.json")
    v[:derive_agent_token_env_key].each { |c| assert_equal c[:expected], Foil.derive_gate_agent_token_env_key(c[:service_id]) }
    v[:is_gate_managed_env_var_key].each { |c| assert_equal c[:managed], Foil.is_gate_managed_env_var_key(c[:key]), c[:key] }
    v[:is_blocked_gate_env_var_key].each { |c| assert_equal c[:blocked], Foil.is_blocked_gate_env_var_key(c[:key]), c[:key] }
    assert_raises(Foil::InvalidArgumentError) { Foil.derive_gate_agent_token_env_key("---") }
  end

  def test_webhook_signature
    v = fixture("gate-delivery/webhook-signature.json")
    common = { secret: v[:secret], raw_body: v[:raw_body], now_seconds: v[:now_seconds] }
    assert Foil.verify_gate_webhook_signature(timestamp: v[:timestamp], signature: v[:signature], **common)
    assert Foil.verify_webhook_signature(timestamp: v[:timestamp], signature: v[:signature], **common)
    refute Foil.verify_webhook_signature(timestamp: v[:timestamp], signature: v[:invalid_signature], **common)
    refute Foil.verify_webhook_signature(timestamp: v[:expired_timestamp], signature: v[:signature], **common)
    event = Foil.verify_and_parse_webhook_event(timestamp: v[:timestamp], signature: v[:signature], **common)
    assert_equal "gate.session.approved", event[:type]
    assert_equal "webhook_event", event[:object]
    assert_raises(Foil::SignatureError) do
      Foil.verify_and_parse_webhook_event(timestamp: v[:timestamp], signature: v[:invalid_signature], **common)
    end
    assert_equal event[:id], Foil.parse_webhook_event(JSON.parse(v[:raw_body]))[:id]
    assert_raises(TypeError) { Foil.verify_webhook_signature(timestamp: v[:timestamp], signature: 1, **common) }
    # An empty secret is the caller's mistake: an error, never a plain false.
    assert_raises(Foil::InvalidArgumentError) do
      Foil.verify_webhook_signature(timestamp: v[:timestamp], signature: v[:signature], **common, secret: "")
    end
  end

  %w[vector.v1.json vector.v2.json].each do |name|
    define_method("test_sealed_token_#{name.tr('.', '_')}") do
      v = fixture("sealed-token/#{name}")
      secrets = v[:secretKeys] || [v[:secretKey]]
      hashes = v[:secretHashes] || [v[:secretHash]]
      (secrets + hashes + hashes.map(&:upcase)).each do |secret|
        token = Foil.verify_foil_token(v[:token], secret)
        assert_equal v[:payload], token
      end
      result = Foil.safe_verify_foil_token(v[:token], "sk_live_someone_else")
      refute result[:ok]
      assert_kind_of Foil::TokenVerificationError, result[:error]
      ok = Foil.safe_verify_foil_token(v[:token], secrets.first)
      assert_equal({ ok: true, data: v[:payload] }, ok)
    end
  end

  def test_sealed_token_invalid
    v = fixture("sealed-token/invalid.json")
    e = assert_raises(Foil::TokenVerificationError) { Foil.verify_foil_token(v[:token], "sk_live_fixture_secret") }
    assert_includes e.code, v[:reason]
  end

  def test_sealed_token_needs_a_secret
    saved = ENV.delete("FOIL_SECRET_KEY")
    assert_raises(Foil::ConfigurationError) { Foil.verify_foil_token("AAAA") }
    refute Foil.safe_verify_foil_token("AAAA")[:ok]
  ensure
    ENV["FOIL_SECRET_KEY"] = saved if saved
  end

  def test_manifest_is_covered
    manifest.each do |entry|
      next unless entry[:file].start_with?("api/")

      assert API_CASES.key?([entry[:file], entry[:method]]), "no test for #{entry}"
    end
  end

  def test_api_fixtures
    canned = FoilTest::Canned.new
    checked = 0
    manifest.each do |entry|
      status = entry[:status].to_i
      body = File.read(fixture_path(entry[:file]))
      expected = JSON.parse(body, symbolize_names: true)
      client = Foil::Client.new(secret_key: "sk_test_x", base_url: canned.base_url)
      if entry[:file].start_with?("errors/")
        canned.route("GET", "/v1/sessions(/[^/]+)?", status, body)
        call = entry[:path].include?("{sessionId}") ? -> { client.sessions.get(SID) } : -> { client.sessions.list }
        e = assert_raises(Foil::ApiError, entry[:file]) { call.call }
        assert_equal [status, expected[:error][:code]], [e.status, e.code]
        assert_equal "#{expected[:error][:message]} (request id: req_0123456789abcdef0123456789abcdef)", e.message
        assert_equal expected, e.body
        assert_equal "req_0123456789abcdef0123456789abcdef", e.request_id
      else
        method, path, call = API_CASES.fetch([entry[:file], entry[:method]])
        canned.route(method, path, status, entry[:body] == "none" ? nil : body)
        ours = call.call(client)
        if entry[:body] == "none"
          assert_equal({}, ours, entry[:file])
        elsif ours.is_a?(Foil::ListResult)
          assert_equal expected[:data], ours.items.map(&:to_h), entry[:file]
          assert_equal expected[:pagination][:limit], ours.limit
          assert_equal expected[:pagination][:has_more], ours.has_more
          assert_equal ours.items, ours[:items]
        elsif ours.is_a?(Array)
          assert_equal expected[:data], ours.map(&:to_h), entry[:file]
        else
          assert_equal expected[:data], ours.to_h, entry[:file]
          assert ours == expected[:data], entry[:file]
        end
      end
      checked += 1
    end
    assert_equal manifest.size, checked
  ensure
    canned&.stop
  end
end
