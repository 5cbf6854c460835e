module Foil
  # Checks of arguments on their way to the C core, so that a bad value raises TypeError,
  # ArgumentError or a Foil::Error (the core's own checks: ranges, seconds, required fields,
  # JSON types), never another class (JSON::GeneratorError, FloatDomainError, SWIG's RangeError),
  # and nothing is turned into text with to_s behind the caller's back.
  module Arguments
    # The core's JSON nesting limit (FOIL_JSON_NESTING_LIMIT).
    MAX_DEPTH = 1000

    module_function

    # A number of seconds (Integer, Float or Rational) as milliseconds: the range and its
    # error (Foil::InvalidArgumentError) are the core's (foil_seconds_to_ms).
    def milliseconds(name, seconds)
      unless seconds.is_a?(Numeric) && seconds.real?
        raise TypeError, "#{name} must be a number of seconds, not #{seconds.class}"
      end

      Native.seconds_to_ms(name, seconds.to_f)
    end

    # An Integer that fits the C type the core takes (bits wide; unsigned: >= 0); the core
    # checks the range that makes sense for it.
    def c_integer(name, value, bits: 32, unsigned: false)
      raise TypeError, "#{name} must be an Integer, not #{value.class}" unless value.is_a?(Integer)
      raise ArgumentError, "#{name} must be >= 0" if unsigned && value.negative?
      raise ArgumentError, "#{name} is out of range" unless value.bit_length < (unsigned ? bits + 1 : bits)

      value
    end

    # A String (or Symbol: its name) as UTF-8 text; ArgumentError when its bytes are not
    # valid UTF-8.
    def text(name, value)
      value = value.name if value.is_a?(Symbol)
      raise TypeError, "#{name} must be a String, not #{value.class}" unless value.is_a?(String)

      utf8(name, value)
    end

    # value as JSON text for the core. JSON values are nil, true, false, Integer, finite
    # Float, String (valid UTF-8), Symbol (its name), Array, Hash with String or Symbol keys
    # (each once) and Foil::Record; anything else is a TypeError naming where it sits.
    def json(name, value)
      JSON.generate(plain(name.to_s, value, 0), max_nesting: false)
    end

    def plain(path, value, depth)
      raise ArgumentError, "#{path} is nested deeper than #{MAX_DEPTH}" if depth > MAX_DEPTH

      case value
      when nil, true, false, Integer then value
      when Float
        raise ArgumentError, "#{path} must be a finite number, not #{value}" unless value.finite?

        value
      when String, Symbol then text(path, value)
      when Array then value.each_with_index.map { |v, i| plain("#{path}[#{i}]", v, depth + 1) }
      when Hash, Record then plain_object(path, value.to_h, depth)
      else raise TypeError, "#{path} must be a JSON value (String, Integer, Float, true, false, nil, Array, Hash), " \
                            "not #{value.class}"
      end
    end

    def plain_object(path, hash, depth)
      hash.each_with_object({}) do |(k, v), out|
        unless k.is_a?(String) || k.is_a?(Symbol)
          raise TypeError, "#{path} keys must be Strings or Symbols, not #{k.class}"
        end

        key = text(path.empty? ? "a key" : "a key of #{path}", k)
        raise ArgumentError, "#{path}.#{key} is given twice" if out.key?(key)

        out[key] = plain(path.empty? ? key : "#{path}.#{key}", v, depth + 1)
      end
    end

    def utf8(name, value)
      return value if value.encoding == Encoding::UTF_8 && value.valid_encoding?

      copy = value.encoding == Encoding::BINARY ? value.dup.force_encoding(Encoding::UTF_8) : value.encode(Encoding::UTF_8)
      raise ArgumentError, "#{name} is not valid UTF-8" unless copy.valid_encoding?

      copy
    rescue EncodingError
      raise ArgumentError, "#{name} is not valid UTF-8 (nor convertible to it)"
    end
    private_class_method :plain, :plain_object, :utf8
  end
  private_constant :Arguments
end
