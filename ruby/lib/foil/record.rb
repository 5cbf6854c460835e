module Foil
  # A result object: a read-only, lazy view of the JSON the API sent, read like the official
  # gem's Hash with symbol keys (`[]`, `dig`, `fetch`, `key?`, `each`, `==` against a Hash) plus
  # readers (`session.id`). `to_h` gives a real deep Hash. Nested objects are records too.
  # The C class is defined by the extension; these are its Ruby-level conveniences.
  class Record
    SECRET_KEYS = /secret|token|revealed_key|password|private/i

    def to_json(*args)
      to_h.to_json(*args)
    end

    def as_json(*)
      to_h
    end

    def inspect
      "#<Foil::Record #{Record.redact(to_h).inspect}>"
    end
    alias to_s inspect

    def pretty_print(pp)
      pp.text(inspect)
    end

    def respond_to_missing?(name, include_private = false)
      key?(name) || super
    end

    def method_missing(name, *args)
      return self[name] if args.empty? && key?(name)

      super
    end

    # A copy of a deep Hash with secret-looking values hidden (for inspect). A decrypted
    # delivery's `outputs` (env var => value) are secrets whatever their names.
    def self.redact(value)
      case value
      when Hash then value.to_h { |k, v| [k, secret?(k, v) ? "[REDACTED]" : redact(v)] }
      when Array then value.map { |v| redact(v) }
      else value
      end
    end

    def self.secret?(key, value)
      (key.to_s.match?(SECRET_KEYS) && value.is_a?(String)) || (key.to_s == "outputs" && value.is_a?(Hash))
    end
    private_class_method :secret?
  end

  # One page of a list (the official gem's Struct): items, limit, has_more, next_cursor.
  ListResult = Struct.new(:items, :limit, :has_more, :next_cursor, keyword_init: true)
end
