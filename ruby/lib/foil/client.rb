module Foil
  # The core's operation table (foil_operation_sdk_name / foil_operation_params): for each SDK
  # name ("gate.sessions.poll"), its positional parameters (path ids, in path order), its
  # keyword parameters (query, body and token parameters; a trailing "!" marks required ones)
  # and whether it is a paginated list. Every call goes through Native.call (foil_call).
  OPERATIONS = Array.new(Native.operation_count) do |i|
    params = JSON.parse(Native.operation_params(i))
    positional = params.select { |p| p["in"] == "path" }.map { |p| p["name"] }
    keywords = params.reject { |p| p["in"] == "path" }.map { |p| p["required"] ? "#{p['name']}!" : p["name"] }
    [Native.operation_sdk_name(i), [positional, keywords, Native.operation_paginated(i) == 1].freeze]
  end.to_h.freeze

  # Base of the namespaces (client.sessions, client.gate.registry, ...), which are built
  # from OPERATIONS below: one class per namespace path, one method per operation.
  class Resource
    def initialize(client)
      @client = client
      self.class.children.each { |name, klass| instance_variable_set(:"@#{name}", klass.new(client)) }
    end

    def inspect
      "#<#{self.class.name}>"
    end

    # Child namespaces: { "api_keys" => OrganizationsApiKeysResource }.
    def self.children
      @children ||= {}
    end

    # The class of a namespace path (["gate", "login_sessions"] -> GateLoginSessionsResource),
    # defined on first use, with a reader for it on its parent.
    def self.namespace(parent, path)
      name = "#{path.map { |part| part.split('_').map(&:capitalize).join }.join}Resource"
      return Foil.const_get(name, false) if Foil.const_defined?(name, false)

      klass = Foil.const_set(name, Class.new(Resource))
      parent.children[path.last] = klass
      parent.__send__(:attr_reader, path.last)
      klass
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
        params.each do |k, v|
          next unless v.is_a?(String)

          # UTF-8 first: a UTF-16 String cannot even be searched for "\0".
          text = params[k] = Arguments.text(k.to_s, v)
          raise ArgumentError, "#{k} contains a NUL character" if text.include?("\0")
        end
        json = Arguments.json("", params)
        walk ? @client.__send__(:walk, block, sdk_name, json) : @client.__send__(:call, sdk_name, json)
      end
    end
  end

  # The namespaces the client exposes (client.sessions, client.gate, ...).
  class RootResource < Resource; end
  private_constant :RootResource

  # One method per operation ("organizations.api_keys.create" ->
  # client.organizations.api_keys.create), and for a paginated list a walk of every item:
  # list -> iter, list_events -> iter_events.
  OPERATIONS.each do |sdk_name, (_positional, _keywords, paginated)|
    *path, method = sdk_name.split(".")
    klass = (1..path.size).reduce(RootResource) { |parent, n| Resource.namespace(parent, path.first(n)) }
    klass.operation(method.to_sym, sdk_name)
    klass.operation(method.sub(/\Alist/, "iter").to_sym, sdk_name, walk: true) if paginated
  end

  # Sessions (client.sessions): the operations, and the two spellings of sessions.update.
  class SessionsResource < Resource
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

  # Foil Gate (client.gate): the operations' namespaces, and signup for a whole signup.
  class GateResource < Resource
    # Start a signup: a fresh delivery key pair and a Gate session. Show signup.consent_url,
    # signup.wait for the approval, store signup.outputs durably, then signup.ack!.
    # account_name defaults to the current directory's name.
    def signup(service_id, account_name: nil, metadata: nil)
      raise TypeError, "service_id must be a String" unless service_id.is_a?(String)

      service_id = Arguments.text("service_id", service_id)
      account_name ||= File.basename(Dir.pwd).then { |n| n.empty? || n == "/" ? "project" : n }
      account_name = Arguments.text("account_name", account_name)
      raise TypeError, "metadata must be a Hash or nil" unless metadata.nil? || metadata.is_a?(Hash)

      meta = metadata && Arguments.json("metadata", metadata)
      client_handle = @client.__send__(:handle)
      transport = @client.__send__(:fiber_transport)
      handle = if transport
                 transport.gate_create(service_id, account_name, meta)
               else
                 Native.rb_gate_session_create(client_handle, service_id, account_name, meta)
               end
      GateSignup.__send__(:wrap, handle, @client)
    end
  end

  # A Foil API client (the official gem's Foil::Server::Client). One client may be shared by
  # any number of threads; requests run with the GVL released and keep connections alive. In
  # a non-blocking fiber under a Fiber scheduler (Async { }) requests wait through the
  # scheduler instead (FiberTransport), so other fibers run meanwhile.
  class Client
    DEFAULT_BASE_URL = "https://api.usefoil.com".freeze
    DEFAULT_TIMEOUT = 30

    attr_reader :timeout

    RootResource.children.each_key do |name|
      define_method(name) { @namespaces.__send__(name) }
    end

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

      options = { secret_key: secret_key.nil? || secret_key.empty? ? nil : secret_key,
                  base_url: base_url || DEFAULT_BASE_URL, timeout_ms: timeout_ms,
                  connect_timeout_ms: connect_timeout_ms, user_agent: user_agent, max_retries: max_retries,
                  ca_bundle: ca_bundle, proxy: proxy, prefetch: prefetch,
                  client_suffix: "libfoil-ruby/#{VERSION} ruby/#{RUBY_VERSION}" }
      h = Native.client_new
      Native.client_configure(h, Arguments.json("", options.compact))
      @handle = h
      @timeout = timeout
      @fiber_lock = Mutex.new
      @namespaces = RootResource.new(self)
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
      @fiber_transport = nil
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
      raise ArgumentError, "#{name} contains a NUL character" if value && Arguments.text(name.to_s, value).include?("\0")
    end

    # Every request of the client goes through here, #each_item or GateSignup's steps, which
    # ask this: in a non-blocking fiber under a Fiber scheduler, the FiberTransport (the
    # fiber waits through the scheduler); elsewhere nil (the call blocks its thread, with the
    # GVL released).
    def fiber_transport
      return nil unless Fiber.current_scheduler

      h = handle
      @fiber_lock.synchronize { @fiber_transport ||= FiberTransport.new(h) }
    end

    # One operation (params as JSON text): the response's data, or a ListResult for a page of
    # a paginated list (Native.call's typemap reads both from the core's result).
    def call(sdk_name, params)
      transport = fiber_transport
      transport ? transport.call(sdk_name, params) : Native.call(handle, sdk_name, params)
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
      if (transport = fiber_transport)
        return transport.each_page(sdk_name, json) { |items| items.each(&block) }
      end

      walk = Native.call_iter(handle, sdk_name, json)
      while (items = Native.rb_next_page(walk))
        items.each(&block)
      end
    end
  end
end
