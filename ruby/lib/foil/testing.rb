require "foil"

module Foil
  # Test helpers for your own tests.
  module Testing
    # A Foil API emulator running on loopback inside this process (compiled into the gem's
    # extension; no network, real Gate crypto):
    #
    #   Foil::Testing::Emulator.start do |emu|
    #     client = Foil::Client.new(base_url: emu.base_url, secret_key: emu.secret_key)
    #     signup = client.gate.signup("foil")
    #     emu.approve(signup.id)
    #     signup.wait(timeout: 10)
    #   end
    #
    # Zero means the documented default for every number: session_count (250 seeded sessions),
    # fingerprint_count (120), gate_ttl_seconds (900), threads (4). auto_approve_ms > 0
    # approves Gate signups that long after creation; rate_limit: true enables rate limits.
    class Emulator
      FAULT_KINDS = %w[status delay reset truncate corrupt content_type oversized].freeze

      # Start an emulator; with a block, yield it and stop it afterwards.
      def self.start(**options)
        emu = new(**options)
        return emu unless block_given?

        begin
          yield emu
        ensure
          emu.stop
        end
      end

      def initialize(port: 0, seed: 0, session_count: 0, fingerprint_count: 0, gate_ttl_seconds: 0,
                     auto_approve_ms: 0, rate_limit: false, threads: 0)
        { port: 32, seed: 64, session_count: 64, fingerprint_count: 64, gate_ttl_seconds: 32,
          auto_approve_ms: 32, threads: 32 }.each do |name, bits|
          Arguments.c_integer(name, binding.local_variable_get(name), bits: bits, unsigned: true)
        end
        @emu = Native.binding_emulator_start(port, seed, session_count, fingerprint_count, gate_ttl_seconds,
                                             auto_approve_ms, rate_limit ? 1 : 0, threads)
      end

      # "http://127.0.0.1:<port>".
      def base_url = Native.emulator_base_url(h)
      def port = Native.emulator_port(h)
      # The demo organization's secret key (every scope).
      def secret_key = Native.emulator_secret_key(h)
      def organization_id = Native.emulator_organization_id(h)
      # HTTP requests answered so far.
      def requests = Native.binding_emulator_requests(h)

      # A Foil::Client pointed at this emulator with its secret key.
      def client(**options)
        Foil::Client.new(**{ secret_key: secret_key, base_url: base_url }.merge(options))
      end

      # A new secret key with comma-separated scopes ("sessions:list,sessions:read").
      def add_secret_key(scopes = "*") = Native.emulator_add_secret_key(h, scopes)

      # Register a Gate service delivering outputs (or asking webhook_url).
      def add_service(id, name: nil, outputs: nil, webhook_url: nil, webhook_secret: nil, dashboard_login_url: nil,
                      hidden: false)
        Native.binding_emulator_add_service(h, id, name, outputs && JSON.generate(outputs), webhook_url, webhook_secret,
                                            dashboard_login_url, hidden ? 1 : 0)
        nil
      end

      # Approve a pending Gate signup (encrypts both envelopes) / reject it. A service with a
      # webhook_url is called with the signed gate.session.approved event first; the GVL is
      # released meanwhile, so that webhook may be served by this process.
      def approve(gate_session_id) = Native.rb_emulator_approve(h, gate_session_id)
      def deny(gate_session_id) = Native.emulator_deny(h, gate_session_id)
      # Approve a dashboard login session; returns its one-time code.
      def approve_login(login_session_id) = Native.emulator_approve_login(h, login_session_id)

      # Make the next count matching requests fail: kind is one of FAULT_KINDS; path a prefix
      # such as "/v1/sessions".
      def inject_fault(kind, method: nil, path: nil, count: 1, status: 0, delay_ms: 0)
        unless (kind.is_a?(String) || kind.is_a?(Symbol)) && FAULT_KINDS.include?(kind.to_s)
          raise ArgumentError, "kind must be one of #{FAULT_KINDS.join(', ')}"
        end
        { count: count, status: status, delay_ms: delay_ms }.each do |name, value|
          Arguments.c_integer(name, value, unsigned: true)
        end
        Native.emulator_inject_fault(h, method, path, count, Native.emulator_fault_kind_from_name(kind.to_s),
                                     status, delay_ms)
      end

      def clear_faults = Native.emulator_clear_faults(h)

      # Inject faults inside the block; every fault is cleared afterwards.
      def faults
        yield self
      ensure
        clear_faults if @emu
      end

      # A sealed token for a seeded session, sealed with #secret_key.
      def mint_sealed_token(session_id, version: 1)
        Native.emulator_mint_sealed_token(h, session_id, Arguments.c_integer("version", version))
      end

      # Id of the seeded session at index (0 = newest).
      def session_id(index = 0) = Native.emulator_session_id(h, Arguments.c_integer("index", index, bits: 64, unsigned: true))

      # Stop serving now (joins the emulator's threads). Idempotent.
      def stop
        emu = @emu
        @emu = nil
        Native.rb_dispose(emu) if emu
        nil
      end

      def stopped? = @emu.nil?

      def inspect = @emu ? "#<Foil::Testing::Emulator #{base_url}>" : "#<Foil::Testing::Emulator stopped>"
      alias to_s inspect

      private

      def h
        @emu or raise StateError.new("this emulator is stopped", code: "client.closed")
      end
    end
  end
end
