# The client against the embedded emulator: lists, pages, records, every namespace.
require_relative "test_helper"

class TestClient < Minitest::Test
  # The gem ships the C core it was built from: their versions move together.
  def test_gem_version_is_the_core_version
    assert_equal Foil::Native.version_string, Foil::VERSION
  end

  # Namespaces and methods come from the core's operation table: every operation has its
  # method, and every paginated list its walk (list -> iter, list_events -> iter_events).
  def test_every_operation_has_a_method
    client = Foil::Client.new(secret_key: "sk_test_x", base_url: "http://127.0.0.1:9")
    count = 0
    Foil::Native.operation_count.times do |i|
      *path, method = Foil::Native.operation_sdk_name(i).split(".")
      namespace = path.reduce(client) { |object, name| object.public_send(name) }
      assert_respond_to namespace, method
      assert_respond_to namespace, method.sub(/\Alist/, "iter") if Foil::Native.operation_paginated(i) == 1
      count += 1
    end
    assert_equal Foil::OPERATIONS.size, count
  end

  # Options reach the core as one JSON object (foil_client_configure): its checks and errors.
  def test_options_through_configure
    error = assert_raises(Foil::InvalidArgumentError) { Foil::Client.new(secret_key: "sk_x", max_retries: 11) }
    assert_equal "max_retries", error.field_errors.first[:name]
    assert_raises(ArgumentError) { Foil::Client.new(secret_key: "sk_x", proxy: "http://a\0b") }
    client = Foil::Client.new(secret_key: "sk_x", base_url: "http://127.0.0.1:9")
    assert_equal "http://127.0.0.1:9", client.base_url
  end

  def test_list_and_records
    page = client.sessions.list(limit: 5)
    assert_kind_of Foil::ListResult, page
    assert_equal 5, page.items.size
    assert_equal 5, page.limit
    assert_equal true, page.has_more
    assert_kind_of String, page.next_cursor
    assert_equal page.items, page[:items]
    s = page.items.first
    assert_equal emulator.session_id(0), s[:id]
    assert_equal s[:id], s.id
    assert_equal s[:id], s["id"]
    assert_equal s[:id], s.fetch(:id)
    assert_equal :missing, s.fetch(:nope, :missing)
    assert_raises(KeyError) { s.fetch(:nope) }
    assert s.key?(:latest_decision)
    refute s.key?(:nope)
    assert_nil s[:nope]
    assert_nil s["id\0x"]
    assert_nil s[42]
    h = s.to_h
    assert_kind_of Hash, h
    assert_kind_of Hash, h[:latest_decision]
    assert_equal h, s
    assert s == h
    assert h == s
    assert_equal h[:latest_decision][:verdict], s.dig(:latest_decision, :verdict)
    assert_equal h.keys, s.keys
    assert_equal h.keys, s.each.map(&:first)
    assert_equal h.size, s.size
    assert_equal h.to_json, s.to_json
    assert_includes s.inspect, s[:id]
    assert_raises(NoMethodError) { s.no_such_field }
  end

  # dup and clone work as on the official gem's Hash (they raised "allocator undefined"): the
  # copy is a Record over the same JSON, equal to it; clone keeps frozenness, dup drops it.
  def test_records_dup_and_clone
    s = client.sessions.list(limit: 1).items.first
    [s.dup, s.clone, s.freeze.clone, s.dup.freeze.dup].each do |copy|
      assert_instance_of Foil::Record, copy
      refute_same s, copy
      assert_equal s, copy
      assert_equal s.hash, copy.hash
      assert_equal s[:id], copy.id
      assert_equal s.dig(:latest_decision, :verdict), copy.dig(:latest_decision, :verdict)
    end
    assert s.clone.frozen?
    refute s.dup.frozen?
    refute s.clone(freeze: false).frozen?
    copy = s.dup
    s = nil
    GC.start
    assert_match(/\Asid_/, copy[:id].to_s) # the copy keeps the JSON alive on its own
    assert_raises(NoMethodError) { Foil::Record.new }
    assert_raises(TypeError) { Foil::Record.allocate[:id] }
  end

  def test_iter_crosses_pages
    ids = client.sessions.iter(limit: 200).map { |s| s[:id] }
    assert_equal 600, ids.size
    assert_equal ids.uniq, ids
    assert_equal emulator.session_id(599), ids.last
    assert_equal 250, client.sessions.iter(limit: 100).first(250).size
    lazy = client.sessions.iter(limit: 50).lazy.select { |s| s[:id].end_with?("a") }.first(3)
    assert(lazy.all? { |s| s[:id].end_with?("a") })
    count = 0
    assert_nil(client.sessions.iter(limit: 200) { |_s| count += 1 })
    assert_equal 600, count
    e = client.sessions.iter(limit: 2)
    assert_equal emulator.session_id(0), e.next[:id]
    assert_equal emulator.session_id(1), e.next[:id]
    assert_equal emulator.session_id(2), e.next[:id]
  end

  # Every iterator walks through the core (foil_call_iter): the same items with the next page
  # requested early (the default) or not, the same argument checks as list, and no cursor.
  def test_iter_with_and_without_prefetch
    expected = client.sessions.iter(limit: 200, verdict: "human").map { |s| s[:id] }
    plain = emulator.client(prefetch: false)
    assert_equal expected, plain.sessions.iter(limit: 200, verdict: "human").map { |s| s[:id] }
    assert_operator expected.size, :>, 0
    assert_raises(TypeError) { emulator.client(prefetch: "yes") }
    assert_raises(ArgumentError) { client.sessions.iter(cursor: "abc") }
    assert_raises(TypeError) { client.sessions.iter(limit: "10") }
    assert_raises(Foil::InvalidArgumentError) { client.sessions.iter(limit: 0) }
    fps = client.fingerprints.iter(limit: 50).to_a
    assert_equal 130, fps.size
  end

  def test_get_and_not_found
    sid = emulator.session_id(3)
    detail = client.sessions.get(sid)
    assert_equal sid, detail[:id]
    e = assert_raises(Foil::NotFoundError) { client.sessions.get("sid_doesnotexist000000000000000") }
    assert_kind_of Foil::ApiError, e
    assert_equal 404, e.status
    assert_match(/\Areq_/, e.request_id)
    assert_includes e.message, e.request_id
    refute e.retryable?
  end

  def test_attach_and_clear_client_user
    sid = emulator.session_id(7)
    assert_equal "user_42", client.sessions.attach_client_user(sid, "user_42")[:client_user_id]
    assert_equal "user_42", client.sessions.get(sid)[:client_user_id]
    assert_nil client.sessions.clear_client_user(sid)[:client_user_id]
    assert_nil client.sessions.get(sid)[:client_user_id]
  end

  def test_fingerprints
    page = client.fingerprints.list(limit: 10)
    assert_equal 10, page.items.size
    fp = client.fingerprints.get(page.items.first[:id])
    assert_equal page.items.first[:id], fp[:id]
    assert_equal 130, client.fingerprints.iter(limit: 50).count
  end

  def test_organizations_and_api_keys
    org = client.organizations.create(name: "Acme Rb", slug: "acme-rb-#{rand(1 << 30)}")
    assert_match(/\Aorg_/, org[:id])
    assert_equal "Renamed", client.organizations.update(org[:id], name: "Renamed")[:name]
    assert_equal "Renamed", client.organizations.get(org[:id])[:name]
    keys = client.organizations.api_keys
    issued = keys.create(org[:id], name: "ci", type: "secret", environment: "test", scopes: ["*"])
    assert_kind_of String, issued[:revealed_key]
    refute_includes issued.inspect, issued[:revealed_key]
    listed = keys.list(org[:id])
    assert_includes listed.items.map { |k| k[:id] }, issued[:id]
    assert_equal "ci2", keys.update(org[:id], issued[:id], name: "ci2")[:name]
    rotated = keys.rotate(org[:id], issued[:id])
    refute_equal issued[:revealed_key], rotated[:revealed_key]
    keys.revoke(org[:id], rotated[:id])
    assert_operator keys.iter(org[:id]).count, :>=, 1
    assert_raises(Foil::ConflictError) { client.organizations.create(name: "Again", slug: org[:slug]) }
  end

  def test_webhooks
    org = emulator.organization_id
    ep = client.webhooks.create_endpoint(org, name: "hook", url: "https://example.com/hook", event_types: ["session.result.persisted"])
    assert_match(/\Awe_/, ep[:id])
    assert_includes client.webhooks.list_endpoints(org).items.map { |e| e[:id] }, ep[:id]
    assert_equal "hook2", client.webhooks.update_endpoint(org, ep[:id], name: "hook2")[:name]
    client.webhooks.rotate_secret(org, ep[:id])
    sent = client.webhooks.send_test(org, ep[:id])
    assert_kind_of Foil::Record, sent
    events = client.webhooks.list_events(org, endpoint_id: ep[:id])
    assert_kind_of Foil::ListResult, events
    unless events.items.empty?
      assert_equal events.items.first[:id], client.webhooks.retrieve_event(org, events.items.first[:id])[:id]
    end
    client.webhooks.disable_endpoint(org, ep[:id])
  end

  def test_gate_registry_and_login
    services = client.gate.registry.list
    assert_kind_of Array, services
    assert_includes services.map { |s| s[:id] }, "foil"
    assert_equal "foil", client.gate.registry.get("foil")[:id]
    assert_raises(Foil::NotFoundError) { client.gate.registry.get("no-such-service") }
    verify = client.gate.agent_tokens.verify(agent_token: "agt_not_a_real_token_000000000000")
    assert_equal false, verify[:valid]
  end

  def test_client_options_and_inspect
    c = Foil::Client.new(secret_key: "sk_test_supersecret", base_url: emulator.base_url, timeout: 5,
                         max_retries: 2, connect_timeout: 1, user_agent: "rb-test/1")
    assert_equal emulator.base_url, c.base_url
    refute_includes c.inspect, "supersecret"
    assert_equal 5, c.timeout
    c.close
    assert c.closed?
    assert_raises(Foil::StateError) { c.sessions.list }
  end

  def test_inspect_hides_credentials_in_base_url
    c = Foil::Client.new(secret_key: "sk_test_x", base_url: "https://user:hunter2@api.example.com/")
    assert_equal "https://user:hunter2@api.example.com", c.base_url
    assert_equal "#<Foil::Client https://***@api.example.com>", c.inspect
    assert_equal c.inspect, c.to_s
  end
end
