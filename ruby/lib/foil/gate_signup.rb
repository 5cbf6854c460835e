require "monitor"

module Foil
  # A Gate signup in progress (from client.gate.signup or GateSignup.import):
  #
  #   signup = client.gate.signup("acme", account_name: "my-app")
  #   puts "Approve at #{signup.consent_url}"
  #   outputs = signup.wait(timeout: 600) { |status, seconds_left| ... }
  #   write_env_file(outputs)    # store durably first
  #   signup.ack!                # then acknowledge: the delivery is gone for good
  #
  # The private key, poll token and outputs live in the C core and are wiped when the signup is
  # garbage collected; inspect never shows them.
  #
  # Safe to share between threads: calls take turns (a poll waits for the one in flight),
  # #cancel never waits, and #close from another thread ends a running #wait with
  # Foil::CancelledError; the signup is freed (by the GC) only after that call returns.
  class GateSignup
    class << self
      # Resume a signup saved with #export (after a crash, before the ack).
      def import(client, saved)
        raise TypeError, "client must be a Foil::Client, not #{client.class}" unless client.is_a?(Client)
        raise TypeError, "saved must be a String" unless saved.is_a?(String)

        wrap(Native.gate_session_import(client.__send__(:handle), saved), client)
      end

      private

      def wrap(handle, client)
        signup = allocate
        signup.instance_variable_set(:@handle, handle)
        signup.instance_variable_set(:@client, client)
        # Held across each call that reads or changes what a poll changes and the conversion
        # of its result: another thread's poll would otherwise free the poll data being read.
        # Re-entrant: a trap handler run inside this thread's poll reaches the core, whose rule
        # answers reads, ends the wait on #cancel and refuses changes (Foil::StateError).
        signup.instance_variable_set(:@lock, Monitor.new)
        signup
      end
    end

    private_class_method :new

    def id = Native.gate_session_id(handle)
    def service_id = Native.gate_session_service_id(handle)
    def account_name = Native.gate_session_account_name(handle)
    def consent_url = Native.gate_session_consent_url(handle)
    def expires_at = Native.gate_session_expires_at(handle)
    # The poll token is a credential: never log it.
    def poll_token = Native.gate_session_poll_token(handle)
    # "pending", "approved", "rejected", "expired" or "acknowledged".
    def status = locked { |h| Native.gate_session_status(h) }
    def docs_url = locked { |h| Native.gate_session_docs_url(h) }
    # The latest poll's data (Hash), nil before the first poll.
    def poll_data = locked { |h| Native.gate_session_poll_data(h) }

    # The delivered env vars after approval (both envelopes merged, the env-var policy
    # applied), {"NAME" => "value"}; empty before. The values are secrets.
    def outputs = locked { |h| Native.rb_gate_session_outputs(h) }

    # Delivered keys the policy refused, {"PATH" => "blocked"} (the core's view, as in every
    # binding).
    def refused = locked { |h| Native.rb_gate_session_refused(h) }

    # Poll once; returns the status.
    def poll
      locked do |h|
        transport = fiber_transport
        transport ? transport.gate_poll(h) : Native.rb_gate_session_poll(client_handle, h)
      end
      status
    end

    # Poll until approved and return #outputs. timeout in seconds (default: until the session
    # expires), interval between polls (default 1 s). The block gets (status, seconds_left)
    # after each poll. Transient failures (network, 429, 5xx, an unusable answer) are retried
    # within the deadline, honouring Retry-After. Raises Foil::RejectedError,
    # Foil::ExpiredError, Foil::TimeoutError, Foil::CancelledError (#cancel). Thread#kill,
    # Timeout.timeout and Ctrl-C interrupt it promptly: the GVL is released during each
    # poll, and the pauses between polls are Ruby sleeps. In a fiber under a Fiber scheduler
    # (Async { }) the thread's other fibers run throughout: the pauses sleep with the
    # scheduler and each poll is a request on the client's event loop that the fiber waits for
    # through the scheduler (no thread is involved); Async::Task#stop
    # ends the wait, and so do #cancel and #close from another fiber (within 0.1 s).
    def wait(timeout: nil, interval: nil)
      timeout_ms = timeout.nil? ? 0 : Arguments.milliseconds("timeout", timeout)
      interval_ms = interval.nil? ? 0 : Arguments.milliseconds("interval", interval)
      h = handle
      locked(h) { Native.gate_session_wait_start(h, timeout_ms, interval_ms) }
      @waiter = Thread.current
      loop do
        wait_ms = step(h)
        if block_given?
          yield locked(h) { Native.gate_session_status(h) },
                [locked(h) { Native.gate_session_seconds_left(h) }, 0.0].max
        end
        return locked(h) { Native.rb_gate_session_outputs(h) } if wait_ms.zero?

        pause(wait_ms / 1000.0)
      end
    ensure
      @waiter = nil
    end

    # Acknowledge the delivery (only after storing the outputs durably).
    def ack!
      locked do |h|
        transport = fiber_transport
        transport ? transport.gate_ack(h) : Native.rb_gate_session_ack(client_handle, h)
      end
      nil
    end
    alias ack ack!

    # Make a running #wait raise Foil::CancelledError soon (from another thread); a cancel
    # issued before the wait starts is not lost.
    def cancel
      cancel_wait(handle)
      nil
    end

    # The whole signup, private key included, as a String to store privately (mode 0600).
    def export
      Native.gate_session_export(handle)
    end

    # Release the signup (its key and outputs are wiped once collected). Idempotent. A #wait
    # running on another thread ends with Foil::CancelledError.
    def close
      h = @handle
      @handle = nil
      cancel_wait(h) if h && @waiter
      nil
    end

    def inspect
      return "#<Foil::GateSignup closed>" unless @handle

      # The id comes from the server (the service id from an export): control characters escaped.
      "#<Foil::GateSignup #{id.inspect[1...-1]} #{service_id.inspect[1...-1]} #{status}>"
    end
    alias to_s inspect

    private

    def handle
      @handle or raise StateError.new("this signup is closed", code: "client.closed")
    end

    # yield(h) with the lock held; h (a local) keeps the handle alive while the call runs.
    def locked(h = handle, &block)
      @lock.synchronize { block.call(h) }
    end

    def cancel_wait(h)
      @cancelled = true
      Native.gate_session_cancel(h)
      begin
        @waiter&.wakeup
      rescue ThreadError
        nil
      end
    end

    # One step; a cancel that another thread's interrupt caused on the shared client (not
    # #cancel) is repeated. In a fiber under a scheduler the poll runs on the fiber's loop and
    # looks for #cancel meanwhile.
    def step(h)
      locked(h) do
        transport = fiber_transport
        transport ? transport.gate_step(h) { @cancelled } : Native.rb_gate_session_step(client_handle, h)
      end
    rescue CancelledError
      retry unless @cancelled
      @cancelled = false
      raise
    end

    def client_handle
      @client.__send__(:handle)
    end

    # The pause between polls. A fiber under a scheduler sleeps in slices: a #cancel from
    # another fiber cannot wake it as Thread#wakeup wakes a sleeping thread.
    def pause(seconds)
      return sleep(seconds) unless Fiber.current_scheduler

      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + seconds
      until @cancelled || (left = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)) <= 0
        sleep([left, 0.1].min)
      end
    end

    # The client's FiberTransport in a non-blocking fiber under a Fiber scheduler (the steps
    # run on its loops), else nil (each step blocks its thread with the GVL released).
    def fiber_transport
      @client.__send__(:fiber_transport)
    end
  end
end
