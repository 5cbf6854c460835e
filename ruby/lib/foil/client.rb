module Foil
  # The core's operation table (foil_operation_sdk_name / foil_operation_params): for each SDK
  # name ("gate.sessions.poll"), its positional parameters (path ids, in path order) and its
  # keyword parameters (query, body and token parameters; a trailing "!" marks required ones).
  # Every call goes through Foil::Native.rb_call, the one GVL-free entry point (foil_call).
  OPERATIONS = Native.rb_operations.to_h do |sdk_name, _method, params_json, _paginated|
    params = JSON.parse(params_json)
    positional = params.select { |p| p["in"] == "path" }.map { |p| p["name"] }
    keywords = params.reject { |p| p["in"] == "path" }.map { |p| p["required"] ? "#{p['name']}!" : p["name"] }
    [sdk_name, [positional, keywords].freeze]
  end.freeze

  # Base of the namespaces (client.sessions, client.gate.registry, ...). Their methods are
  # defined from OPERATIONS by Resource.operation.
  class Resource
    def initialize(client)
      @client = client
    end

    def inspect
      "#<#{self.class.name}>"
    end

    # Define `method` for the SDK operation `sdk_name`; with walk: true, the method walks
    # every item of that paginated list instead (the core follows the cursor).
    def self.operation(method, sdk_name, walk: false)
      positional, keywords = OPERATIONS.fetch(sdk_name)
      keywords -= ["cursor"] if walk
      allowed = keywords.map { |k| k.delete_suffix("!").to_sym }
      required = keywords.select { |k| k.end_with?("!") }.map { |k| k.delete_suffix("!").to_sym }
      define_method(method) do |*args, **kwargs, &block|
        unless args.size == positional.size
          raise ArgumentError, "wrong number of arguments (given #{args.size}, expected #{positional.size})"
        end
        unless (unknown = kwargs.keys - allowed).empty?
          raise ArgumentError, "unknown keyword#{'s' if unknown.size > 1}: #{unknown.map(&:inspect).join(', ')}"
        end
        missing = required - kwargs.keys
        raise ArgumentError, "missing keyword#{'s' if missing.size > 1}: #{missing.map(&:inspect).join(', ')}" unless missing.empty?

        limit = kwargs[:limit]
        raise TypeError, "limit must be an Integer or nil, not #{limit.class}" unless limit.nil? || limit.is_a?(Integer)
        # Checked now (an iterator is lazy); the range and its error are the core's.
        Native.limit_check(limit.clamp(-2**63, 2**63 - 1)) if limit

        params = {}
        positional.each_with_index do |name, i|
          value = args[i]
          raise TypeError, "#{name} must be a String, not #{value.class}" unless value.is_a?(String)

          params[name] = value
        end
        kwargs.each { |k, v| params[k] = v unless v.nil? }
        params.each { |k, v| raise ArgumentError, "#{k} contains a NUL character" if v.is_a?(String) && v.include?("\0") }
        json = Arguments.json("", params)
        walk ? @client.__send__(:walk, block, sdk_name, json) : @client.__send__(:call, sdk_name, json)
      end
    end
  end

  # Sessions (client.sessions).
  class SessionsResource < Resource
    operation :list, "sessions.list"
    operation :get, "sessions.get"

    # Every matching session, fetching pages of `limit` as needed (a lazy Enumerator):
    # iter(limit:, verdict:, search:).
    operation :iter, "sessions.list", walk: true

    # Link a session to your user id.
    def attach_client_user(session_id, client_user_id)
      raise TypeError, "session_id must be a String" unless session_id.is_a?(String)
      raise TypeError, "client_user_id must be a String" unless client_user_id.is_a?(String)

      @client.__send__(:call, "sessions.update",
                       Arguments.json("", { session_id: session_id, client_user_id: client_user_id }))
    end

    # Remove the user id linked to a session.
    def clear_client_user(session_id)
      raise TypeError, "session_id must be a String" unless session_id.is_a?(String)

      @client.__send__(:call, "sessions.update", Arguments.json("", { session_id: session_id, client_user_id: nil }))
    end
  end

  # Visitor fingerprints (client.fingerprints).
  class FingerprintsResource < Resource
    operation :list, "fingerprints.list"
    operation :get, "fingerprints.get"

    operation :iter, "fingerprints.list", walk: true # iter(limit:, search:, sort:)
  end

  # An organization's API keys (client.organizations.api_keys).
  class ApiKeysResource < Resource
    operation :list, "organizations.api_keys.list"
    operation :create, "organizations.api_keys.create"
    operation :update, "organizations.api_keys.update"
    operation :revoke, "organizations.api_keys.revoke"
    operation :rotate, "organizations.api_keys.rotate"

    operation :iter, "organizations.api_keys.list", walk: true # iter(organization_id, limit:)
  end

  # Organizations (client.organizations) and their api_keys.
  class OrganizationsResource < Resource
    attr_reader :api_keys

    operation :create, "organizations.create"
    operation :get, "organizations.get"
    operation :update, "organizations.update"

    def initialize(client)
      super
      @api_keys = ApiKeysResource.new(client)
    end
  end

  # Webhook endpoints and events (client.webhooks).
  class WebhooksResource < Resource
    operation :list_endpoints, "webhooks.list_endpoints"
    operation :create_endpoint, "webhooks.create_endpoint"
    operation :update_endpoint, "webhooks.update_endpoint"
    operation :disable_endpoint, "webhooks.disable_endpoint"
    operation :rotate_secret, "webhooks.rotate_secret"
    operation :send_test, "webhooks.send_test"
    operation :list_events, "webhooks.list_events"
    operation :retrieve_event, "webhooks.retrieve_event"

    operation :iter_endpoints, "webhooks.list_endpoints", walk: true # iter_endpoints(organization_id, limit:)
    operation :iter_events, "webhooks.list_events", walk: true # iter_events(organization_id, endpoint_id:, type:, limit:)
  end

  # The public Gate registry (client.gate.registry); no secret key needed.
  class GateRegistryResource < Resource
    operation :list, "gate.registry.list"
    operation :get, "gate.registry.get"
  end

  # Gate services your organization owns (client.gate.services).
  class GateServicesResource < Resource
    operation :list, "gate.services.list"
    operation :create, "gate.services.create"
    operation :get, "gate.services.get"
    operation :update, "gate.services.update"
    operation :disable, "gate.services.disable"
  end

  # The raw Gate signup-session calls (client.gate.sessions); see GateResource#signup.
  class GateSessionsResource < Resource
    operation :create, "gate.sessions.create"
    operation :poll, "gate.sessions.poll"
    operation :acknowledge, "gate.sessions.acknowledge"
  end

  # Dashboard login sessions (client.gate.login_sessions).
  class GateLoginSessionsResource < Resource
    operation :create, "gate.login_sessions.create"
    operation :consume, "gate.login_sessions.consume"
  end

  # Gate agent tokens (client.gate.agent_tokens).
  class GateAgentTokensResource < Resource
    operation :verify, "gate.agent_tokens.verify"
    operation :revoke, "gate.agent_tokens.revoke"
  end

  # Foil Gate (client.gate): registry, services, sessions, login sessions, agent tokens, and
  # signup for a whole signup.
  class GateResource < Resource
    attr_reader :registry, :services, :sessions, :login_sessions, :agent_tokens

    def initialize(client)
      super
      @registry = GateRegistryResource.new(client)
      @services = GateServicesResource.new(client)
      @sessions = GateSessionsResource.new(client)
      @login_sessions = GateLoginSessionsResource.new(client)
      @agent_tokens = GateAgentTokensResource.new(client)
    end

    # Start a signup: a fresh delivery key pair and a Gate session. Show signup.consent_url,
    # signup.wait for the approval, store signup.outputs durably, then signup.ack!.
    # account_name defaults to the current directory's name.
    def signup(service_id, account_name: nil, metadata: nil)
      raise TypeError, "service_id must be a String" unless service_id.is_a?(String)

      account_name ||= File.basename(Dir.pwd).then { |n| n.empty? || n == "/" ? "project" : n }
      account_name = Arguments.text("account_name", account_name)
      raise TypeError, "metadata must be a Hash or nil" unless metadata.nil? || metadata.is_a?(Hash)

      meta = metadata && Arguments.json("metadata", metadata)
      handle = Native.rb_gate_session_create(@client.__send__(:handle), service_id, account_name, meta)
      GateSignup.__send__(:wrap, handle, @client)
    end
  end

  # A Foil API client (the official gem's Foil::Server::Client). One client may be shared by
  # any number of threads; requests run with the GVL released and keep connections alive.
  class Client
    DEFAULT_BASE_URL = "https://api.usefoil.com".freeze
    DEFAULT_TIMEOUT = 30

    attr_reader :sessions, :fingerprints, :organizations, :gate, :webhooks, :timeout

    # secret_key defaults to FOIL_SECRET_KEY; a missing key raises Foil::ConfigurationError at
    # the first request that needs one. Extras: max_retries (idempotent requests only,
    # honouring Retry-After), connect_timeout (seconds), ca_bundle (PEM file), proxy (URL),
    # prefetch (iter requests the next page while the current one is read; default true).
    def initialize(secret_key: ENV["FOIL_SECRET_KEY"], base_url: DEFAULT_BASE_URL, timeout: DEFAULT_TIMEOUT,
                   user_agent: nil, max_retries: 0, connect_timeout: nil, ca_bundle: nil, proxy: nil, prefetch: true)
      check_string(:secret_key, secret_key)
      check_string(:base_url, base_url)
      check_string(:user_agent, user_agent)
      check_string(:ca_bundle, ca_bundle)
      check_string(:proxy, proxy)
      Arguments.c_integer("max_retries", max_retries) # the core checks its range (0..10)
      raise TypeError, "prefetch must be true or false" unless [true, false].include?(prefetch)
      timeout_ms = Arguments.milliseconds("timeout", timeout)
      connect_timeout_ms = connect_timeout && Arguments.milliseconds("connect_timeout", connect_timeout)

      h = Native.client_new
      Native.client_set_secret_key(h, secret_key.nil? || secret_key.empty? ? nil : secret_key)
      Native.client_set_base_url(h, base_url || DEFAULT_BASE_URL)
      Native.client_set_timeout_ms(h, timeout_ms)
      Native.client_set_connect_timeout_ms(h, connect_timeout_ms) if connect_timeout_ms
      Native.client_set_user_agent(h, user_agent) if user_agent
      Native.client_set_max_retries(h, max_retries)
      Native.client_set_ca_bundle(h, ca_bundle) if ca_bundle
      Native.client_set_proxy(h, proxy) if proxy
      Native.client_set_prefetch(h, prefetch ? 1 : 0)
      Native.client_set_client_suffix(h, "libfoil-ruby/#{VERSION} ruby/#{RUBY_VERSION}")
      @handle = h
      @timeout = timeout
      @sessions = SessionsResource.new(self)
      @fingerprints = FingerprintsResource.new(self)
      @organizations = OrganizationsResource.new(self)
      @webhooks = WebhooksResource.new(self)
      @gate = GateResource.new(self)
    end

    # The API origin requests go to.
    def base_url
      Native.client_base_url(handle)
    end

    # Abort every request in flight on this client (from any thread).
    def cancel
      Native.client_cancel(handle)
    end

    # Release the client; its connections close and its key is wiped once the garbage collector
    # frees it (requests in flight finish first). Idempotent.
    def close
      @handle = nil
    end

    def closed?
      @handle.nil?
    end

    # Credentials written in base_url (https://user:pw@host) show as ***@.
    def inspect
      closed? ? "#<Foil::Client closed>" : "#<Foil::Client #{Native.client_base_url_redacted(handle)}>"
    end
    alias to_s inspect

    private

    def handle
      @handle or raise Foil::StateError.new("this Foil client is closed", code: "client.closed")
    end

    def check_string(name, value)
      raise TypeError, "#{name} must be a String or nil, not #{value.class}" unless value.nil? || value.is_a?(String)
    end

    # One operation (params as JSON text): the response body's data, or a ListResult for a
    # paginated list.
    def call(sdk_name, params)
      body = Native.rb_call(handle, sdk_name, params)
      return body unless body.is_a?(Record)

      pagination = body[:pagination]
      if pagination.is_a?(Record)
        return ListResult.new(items: body[:data] || [], limit: pagination[:limit], has_more: pagination[:has_more] ? true : false,
                              next_cursor: pagination[:next_cursor])
      end
      body.key?(:data) ? body[:data] : body
    end

    # Every item of a cursor-paginated list: yields to block, or returns a lazy Enumerator.
    # Pages come from the core's iterator, which requests the next page while this one is
    # read (prefetch: false turns that off).
    def walk(block, sdk_name, json)
      return to_enum(:each_item, sdk_name, json) unless block

      each_item(sdk_name, json, &block)
      nil
    end

    def each_item(sdk_name, json, &block)
      pages = Native.rb_pages(handle, sdk_name, json)
      while (items = Native.rb_next_page(pages))
        items.each(&block)
      end
    end
  end
end
