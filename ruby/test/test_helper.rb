# Shared setup: the installed gem (scripts/test-ruby.sh puts it on GEM_HOME), one embedded
# emulator for the whole run, the official spec fixtures read in place, a canned HTTP server.
require "minitest/autorun"
require "json"
require "socket"
require "foil"
require "foil/testing"

module FoilTest
  SPEC_DIR = ENV.fetch("FOIL_SPEC_DIR") { File.expand_path("../../../shared/foil-spec", __dir__) }

  # One emulator for every test (600 sessions, so iter crosses pages).
  def self.emulator
    @emulator ||= Foil::Testing::Emulator.new(session_count: 600, fingerprint_count: 130)
  end

  Minitest.after_run { @emulator&.stop }

  # A minimal HTTP/1.1 server answering every request with one canned response
  # (Connection: close), for the official fixtures.
  class Canned
    attr_reader :base_url, :requests

    def initialize
      @server = TCPServer.new("127.0.0.1", 0)
      @base_url = "http://127.0.0.1:#{@server.addr[1]}"
      @routes = []
      @requests = Queue.new
      @thread = Thread.new { serve }
    end

    def route(method, path_regex, status, body)
      @routes = [[method, Regexp.new("\\A#{path_regex}\\z"), status, body]]
      self
    end

    def stop
      @thread.kill
      @server.close
    end

    private

    def serve
      loop do
        sock = @server.accept
        begin
          answer(sock)
        ensure
          sock.close
        end
      end
    end

    def answer(sock)
      line = sock.gets or return
      method, target = line.split(" ")
      length = 0
      while (h = sock.gets) && h != "\r\n"
        length = h.split(":", 2)[1].to_i if h.downcase.start_with?("content-length:")
      end
      body_in = length.positive? ? sock.read(length) : nil
      @requests << [method, target, body_in]
      path = target.split("?").first
      _m, _p, status, body = @routes.find { |m, p, _s, _b| m == method && p.match?(path) }
      status ||= 599
      head = +"HTTP/1.1 #{status} X\r\nx-request-id: req_0123456789abcdef0123456789abcdef\r\n"
      head << "Content-Type: application/json\r\n" if body
      head << "Content-Length: #{body ? body.bytesize : 0}\r\nConnection: close\r\n\r\n"
      sock.write(head, body || "")
    end
  end

  module Helpers
    def emulator = FoilTest.emulator

    def client
      @client ||= emulator.client
    end

    def fixture_path(relative)
      path = File.join(SPEC_DIR, "fixtures", relative)
      skip "foil-spec fixture #{relative} not found under #{SPEC_DIR} (set FOIL_SPEC_DIR)" unless File.file?(path)
      path
    end

    def fixture(relative)
      JSON.parse(File.read(fixture_path(relative)), symbolize_names: true)
    end

    def monotonic = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end
end

class Minitest::Test
  include FoilTest::Helpers
end
