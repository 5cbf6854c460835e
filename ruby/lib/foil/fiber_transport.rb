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
  # An exception raised into the waiting fiber (Async::Task#stop, Thread#raise) ends its
  # call at once (the loop cancels the transfer, closing that connection), and the loop goes
  # back to the pool; other calls are untouched.
  class FiberTransport
    # Idle loops kept per client (each holds a libcurl multi handle and an easy handle with
    # its buffers); more are freed once idle.
    MAX_IDLE = 16

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

    # A blocking native call (the Gate signup's steps, which the event-loop transport does
    # not carry) made from a fiber: it runs on a helper thread (its GVL-free request blocks
    # that thread only) while the fiber waits for it through the scheduler (Thread#value).
    # An exception raised into the waiting fiber kills the helper, whose interrupt cancels
    # the request, as for a blocked thread.
    def self.offload(&block)
      worker = Thread.new(&block)
      worker.report_on_exception = false
      worker.value
    ensure
      worker&.kill
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
      # propagates; the caller cancels the call.
      def finish
        until (wait = Native.rb_loop_advance(@native)) == true
          fd, events, timeout = wait
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
