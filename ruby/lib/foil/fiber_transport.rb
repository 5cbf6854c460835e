require "io/wait"

module Foil
  # A client's calls made from a non-blocking fiber under a Fiber scheduler (Ruby 3.1's
  # Fiber.set_scheduler: Async { } of the async gem, among others). Each call runs on an
  # event loop of the C core (Native::FiberLoop) that the calling fiber drives: the loop runs
  # what is ready without blocking, and the fiber waits for the loop's socket with IO#wait and
  # for its timer with the timeout of that wait, both through the scheduler, so the thread's
  # other fibers run meanwhile. Results and errors are those of the blocking path.
  #
  # A loop carries one call at a time, so its fiber owns every descriptor it names. Loops
  # are pooled per client (50 concurrent fibers use 50, as 50 threads would use 50
  # connections) and shared by the client's threads; the connections themselves live in the
  # client's cache, which the blocking path shares, so every later call reuses them.
  #
  # A Gate signup's steps (create, each poll of a wait, ack) run on the loops too: the
  # session prepares each request, the loop sends it, and its raw answer is fed back to the
  # session (the core's signup without I/O), so no thread is involved.
  #
  # An exception raised into the waiting fiber (Async::Task#stop, Thread#raise) ends its
  # call at once (the loop cancels the transfer, closing that connection), and the loop goes
  # back to the pool; other calls are untouched.
  class FiberTransport
    # Idle loops kept per client (each holds a libcurl multi handle and an easy handle with
    # its buffers); more are freed once idle.
    MAX_IDLE = 16
    # How often a signup's poll in flight looks for a #cancel from another fiber (seconds).
    CANCEL_CHECK = 0.1

    def initialize(client_handle)
      @client_handle = client_handle
      @idle = []
      @lock = Mutex.new
      @pid = Process.pid
    end

    # Native.call's result for one operation (params as JSON text).
    def call(sdk_name, params)
      with_loop do |fiber_loop|
        Native.rb_loop_start(fiber_loop.native, sdk_name, params)
        fiber_loop.finish { Native.rb_loop_result(fiber_loop.native) }
      end
    end

    # Yields each page's items (an Array of records) of the paginated list, page after page.
    def each_page(sdk_name, params)
      with_loop do |fiber_loop|
        native = fiber_loop.native
        Native.rb_loop_walk_start(native, @client_handle, sdk_name, params)
        loop do
          yield fiber_loop.finish { Native.rb_loop_walk_page(native) }
          break unless Native.rb_loop_walk_continue(native)
        end
      end
    end

    # A Gate signup's session (Native.rb_loop_gate_create), created on a loop.
    def gate_create(service_id, account_name, metadata)
      with_loop do |fiber_loop|
        native = fiber_loop.native
        session = Native.rb_loop_gate_create(native, @client_handle, service_id, account_name, metadata)
        fiber_loop.finish { Native.rb_loop_gate_feed(native, session) }
        session
      end
    end

    # One step of a signup's wait (gate_session_wait_start first): the poll due, if any,
    # sent and its answer fed to the session. Returns the milliseconds to pause (0:
    # approved); terminal states raise, as Native.rb_gate_session_step. While the poll is in
    # flight, the block is asked every CANCEL_CHECK seconds whether the wait was cancelled
    # (#cancel from another fiber cannot interrupt the waiting fiber): the poll then ends
    # as cancelled, as a blocking step's poll does.
    def gate_step(session, &cancelled)
      with_loop do |fiber_loop|
        native = fiber_loop.native
        pause = Native.rb_loop_gate_next(native, session)
        next pause unless pause == true

        fiber_loop.finish(cancelled) { Native.rb_loop_gate_feed(native, session) }
      end
    end

    # One poll of a signup (not a step of a wait), as Native.rb_gate_session_poll.
    def gate_poll(session)
      with_loop do |fiber_loop|
        native = fiber_loop.native
        fiber_loop.finish { Native.rb_loop_gate_feed(native, session) } if Native.rb_loop_gate_poll(native, session)
      end
      nil
    end

    # Acknowledge a signup's delivery.
    def gate_ack(session)
      with_loop do |fiber_loop|
        native = fiber_loop.native
        Native.rb_loop_gate_ack(native, session)
        fiber_loop.finish { Native.rb_loop_gate_feed(native, session) }
      end
      nil
    end

    private

    # A loop taken from the pool (or a new one) for the block; back to the pool afterwards,
    # whatever happened (a call still in flight is cancelled first).
    def with_loop
      fiber_loop = take
      begin
        yield fiber_loop
      ensure
        Native.rb_loop_cancel(fiber_loop.native)
        give(fiber_loop)
      end
    end

    def take
      @lock.synchronize do
        unless @pid == Process.pid # a forked child never reuses its parent's connections
          @idle.clear
          @pid = Process.pid
        end
        @idle.pop
      end || Loop.new(Native.rb_loop_new(@client_handle))
    end

    def give(fiber_loop)
      @lock.synchronize { @idle.push(fiber_loop) if @pid == Process.pid && @idle.size < MAX_IDLE }
    end

    # One Native::FiberLoop and the IO objects of its descriptors.
    class Loop
      attr_reader :native

      def initialize(native)
        @native = native
        @ios = {}
      end

      # Drive the call in flight until it is done, waiting through the scheduler, then
      # return the block's value (its result). An exception raised meanwhile (Async::Stop)
      # propagates; the caller cancels the call. With `cancelled` (a Proc), the wait looks
      # at it every CANCEL_CHECK seconds and, once it is true, ends the call as cancelled.
      def finish(cancelled = nil)
        until (wait = Native.rb_loop_advance(@native)) == true
          fd, events, timeout = wait
          if cancelled
            next Native.rb_loop_interrupt(@native) if cancelled.call

            timeout = CANCEL_CHECK if timeout.nil? || timeout > CANCEL_CHECK
          end
          if fd.negative?
            sleep(timeout)
          else
            io(fd).wait(events, timeout)
          end
        end
        yield
      end

      private

      # An IO over the loop's descriptor that never closes it (the loop owns it). A
      # descriptor number the loop closed and reuses wraps the same way, so IOs are cached.
      def io(fd)
        @ios.clear if @ios.size > 16
        @ios[fd] ||= IO.for_fd(fd, autoclose: false)
      end
    end
    private_constant :Loop
  end
  private_constant :FiberTransport
end
