# A client used on both sides of Process.fork: each process gets the answers to its own
# requests. A child sending on a connection it inherited would share one TCP stream with its
# parent, and each would read whichever answer came first: a child's get(a) coming back as the
# parent's session b, or failing. Every request asks for a different session and checks the id.
require_relative "test_helper"

class TestFork < Minitest::Test
  def ask(client, ids)
    crossed = errors = 0
    ids.each do |sid|
      crossed += 1 unless client.sessions.get(sid)[:id] == sid
    rescue Foil::Error
      errors += 1
    end
    [crossed, errors]
  end

  # The child reports through a pipe and exits only when told to, after the parent's
  # requests: its SIGCHLD would otherwise land as an interrupt on the main thread mid-request.
  def fork_round(client, parent_ids, child_ids)
    reader, writer = IO.pipe
    go_read, go_write = IO.pipe
    pid = Process.fork do
      reader.close
      go_write.close
      Process.setrlimit(:CPU, 60) # a spinning child ends; a blocked one is killed below
      writer.write(ask(client, child_ids).pack("l2"))
      writer.close
      go_read.read
      exit!(0) # no at_exit: minitest must not run again in the child
    end
    writer.close
    go_read.close
    parent = ask(client, parent_ids)
    report = reader.wait_readable(60) && reader.read
    go_write.close
    waiter = Thread.new { Process.wait(pid); $? }
    status = waiter.join(60)&.value
    unless status && report
      Process.kill(:KILL, pid)
      waiter.join
      flunk "the child hung"
    end
    reader.close
    assert status.success?, "child exited with #{status.inspect}"
    assert_equal 8, report.bytesize
    parent + report.unpack("l2")
  end

  def test_parent_and_child_get_their_own_answers
    shared = emulator.client
    ids = shared.sessions.iter(limit: 200).map { |s| s[:id] }.first(400)
    assert_equal 400, ids.size
    totals = [0, 0, 0, 0]
    4.times do |round|
      ask(shared, ids.first(8)) # pooled connections for the child to inherit
      stop = false
      busy = Array.new(round.odd? ? 2 : 0) do # parent threads mid-request at the fork
        Thread.new { shared.sessions.get(ids[0]) until stop }
      end
      counts = fork_round(shared, ids.each_slice(2).map(&:first).first(200), ids.each_slice(2).map(&:last).first(200))
      stop = true
      busy.each(&:join)
      totals = totals.zip(counts).map(&:sum)
    end
    assert_equal [0, 0, 0, 0], totals, "parent crossed/errors, child crossed/errors"
  end
end
