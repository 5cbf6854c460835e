module Foil
  # Base class of every error libfoil raises. Attributes (nil / empty when unknown): status
  # (HTTP status, 0 when no response arrived), code ("auth.invalid_api_key",
  # "client.invalid_argument", ...), request_id, field_errors ([{name:, issue:, expected:,
  # received:}], as the API sent them), docs_url, body (the parsed error body), retry_after (seconds), details,
  # next_action, allowed_values. `message` includes the request id.
  class Error < StandardError
    attr_reader :status, :code, :request_id, :field_errors, :docs_url, :retry_after, :details,
                :next_action, :allowed_values

    # Both spellings work: Foil::Error.new("text") and the official
    # Foil::ApiError.new(status:, code:, message:, request_id:, field_errors:, docs_url:, body:).
    def initialize(msg = nil, message: nil, status: 0, code: nil, request_id: nil, field_errors: [],
                   docs_url: nil, body: nil, retryable: false, retry_after: nil, details: nil,
                   next_action: nil, allowed_values: [])
      text = message || msg || self.class.name
      super(text)
      @text = text
      @status = status
      @code = code
      @request_id = request_id
      @field_errors = field_errors || []
      @docs_url = docs_url
      @body = body
      @retryable = retryable
      @retry_after = retry_after
      @details = details
      @next_action = next_action
      @allowed_values = allowed_values || []
    end

    # The status kind this class stands for ("not_found"); "error" for Foil::Error.
    def self.kind
      @kind || "error"
    end

    def retryable?
      @retryable ? true : false
    end

    # The error body as the API sent it: a Hash with symbol keys when it is JSON, else the text.
    def body
      return @body unless @body.is_a?(String)

      JSON.parse(@body, symbolize_names: true)
    rescue JSON::ParserError
      @body
    end

    def to_s
      request_id ? "#{@text} (request id: #{request_id})" : @text
    end

    def inspect
      "#<#{self.class.name} status=#{status.inspect} code=#{code.inspect} message=#{@text.inspect} " \
        "request_id=#{request_id.inspect}>"
    end

    class << self
      # The exception for a failed C call (called by the extension with the error record).
      def from_native(info)
        klass = Foil::Error.class_for_kind(info[:kind])
        klass.new(info[:message], status: info[:status] || 0, code: info[:code],
                                  request_id: info[:request_id], field_errors: info[:field_errors] || [],
                                  docs_url: info[:docs_url], body: info[:body], retryable: info[:retryable],
                                  retry_after: info[:retry_after], details: info[:details],
                                  next_action: info[:next_action], allowed_values: info[:allowed_values] || [])
      end

      def class_for_kind(kind)
        KINDS.fetch(kind.to_s, Foil::Error)
      end
    end
  end

  # The Foil API answered with an error (the official gem's ApiError).
  class ApiError < Error; end

  # One class per row of the core's status table (FOIL_STATUS_TABLE): kind "not_found" ->
  # Foil::NotFoundError, placed under its parent kind's class; roots under Foil::Error.
  Error::KINDS = { "error" => Error, "api" => ApiError }
  Error.instance_variable_set(:@kind, "error")
  ApiError.instance_variable_set(:@kind, "api")
  kinds = Array.new(Native.status_count) { |i| Native.status_kind(Native.status_at(i)) } - ["ok"]
  parent_of = Array.new(Native.status_count) { |i| Native.status_at(i) }
                   .to_h { |value| [Native.status_kind(value), Native.status_parent(value)] }
  define = lambda do |kind|
    Error::KINDS[kind] ||= begin
      parent = parent_of[kind] ? define.call(parent_of[kind]) : Error
      name = "#{kind.split('_').map(&:capitalize).join}Error"
      klass = const_defined?(name, false) ? const_get(name, false) : const_set(name, Class.new(parent))
      klass.instance_variable_set(:@kind, kind)
      klass
    end
  end
  kinds.each { |kind| define.call(kind) }
  Error::KINDS.freeze
end
