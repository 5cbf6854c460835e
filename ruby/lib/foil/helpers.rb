module Foil
  GATE_DELIVERY_VERSION = 1
  GATE_DELIVERY_ALGORITHM = "x25519-hkdf-sha256/aes-256-gcm".freeze
  GATE_AGENT_TOKEN_ENV_SUFFIX = "_GATE_AGENT_TOKEN".freeze
  WEBHOOK_TIMESTAMP_HEADER = "X-Foil-Timestamp".freeze
  WEBHOOK_SIGNATURE_HEADER = "X-Foil-Signature".freeze
  WEBHOOK_TOLERANCE_SECONDS = 300

  # A delivery private key (X25519) held in the C core's locked memory; wiped when collected.
  class DeliveryPrivateKey
    def initialize(handle)
      @handle = handle
    end

    def public_key = Native.delivery_key_pair_public_key(@handle)
    def key_id = Native.delivery_key_pair_key_id(@handle)

    # The `delivery` request object for this key ({version:, algorithm:, key_id:, public_key:}).
    def delivery
      JSON.parse(Native.delivery_key_pair_request_json(@handle), symbolize_names: true)
    end

    # PKCS#8 DER, base64url: a secret, store it safely.
    def export_pkcs8 = Native.delivery_key_pair_export_pkcs8(@handle)

    def inspect = "#<Foil::DeliveryPrivateKey key_id=#{key_id}>"
    alias to_s inspect

    attr_reader :handle
    protected :handle
  end

  module_function

  # Verify a sealed token from the browser SDK (versions 1 and 2) with secret (a secret key or
  # its SHA-256 hex; default FOIL_SECRET_KEY). Returns the payload as a Hash with symbol keys;
  # raises Foil::TokenVerificationError (or Foil::ConfigurationError without a secret).
  def verify_foil_token(sealed_token, secret_key = nil)
    secret = resolve_secret(secret_key)
    raise TypeError, "sealed_token must be a String" unless sealed_token.is_a?(String)

    Native.document_root(Native.sealed_token_verify(sealed_token, secret))
  end

  # {ok: true, data: payload} or {ok: false, error: Foil::TokenVerificationError}.
  def safe_verify_foil_token(sealed_token, secret_key = nil)
    { ok: true, data: verify_foil_token(sealed_token, secret_key) }
  rescue ConfigurationError, TokenVerificationError => e
    { ok: false, error: e }
  end

  # true when signature is HMAC-SHA256(secret, "<timestamp>.<raw_body>") and the timestamp is
  # within max_age_seconds of now_seconds (default: the current time); false otherwise.
  def verify_webhook_signature(secret:, timestamp:, raw_body:, signature:, max_age_seconds: WEBHOOK_TOLERANCE_SECONDS,
                               now_seconds: nil)
    webhook_args!(secret, timestamp, raw_body, signature)
    max_age = Arguments.c_integer("max_age_seconds", max_age_seconds, bits: 64)
    now = now_seconds.nil? ? 0 : Arguments.c_integer("now_seconds", now_seconds, bits: 64).nonzero? || -1
    Native.rb_webhook_signature_verify(secret, timestamp.to_s, raw_body, signature, max_age, now)
    true
  rescue SignatureError
    false # a bad signature or timestamp; an empty secret (InvalidArgumentError) is raised
  end

  # The official gem's name for the same check (Gate webhooks are signed the same way).
  def verify_gate_webhook_signature(**kwargs) = verify_webhook_signature(**kwargs)

  # Parse a verified webhook event envelope (Hash with symbol keys); Foil::ValidationError when
  # malformed.
  def parse_webhook_event(raw_body)
    raw_body = Arguments.json("raw_body", raw_body) if raw_body.is_a?(Hash)
    raise TypeError, "raw_body must be a String or Hash" unless raw_body.is_a?(String)

    Native.document_root(Native.webhook_event_parse(raw_body))
  end

  # Verify the signature (Foil::SignatureError when it does not match), then parse.
  def verify_and_parse_webhook_event(secret:, timestamp:, raw_body:, signature:,
                                     max_age_seconds: WEBHOOK_TOLERANCE_SECONDS, now_seconds: nil)
    unless verify_webhook_signature(secret: secret, timestamp: timestamp, raw_body: raw_body, signature: signature,
                                    max_age_seconds: max_age_seconds, now_seconds: now_seconds)
      raise SignatureError.new("Invalid Foil webhook signature", code: "webhook.invalid_signature")
    end

    parse_webhook_event(raw_body)
  end

  # A fresh X25519 key pair: {delivery: {version:, algorithm:, key_id:, public_key:},
  # private_key: Foil::DeliveryPrivateKey}.
  def create_delivery_key_pair
    key = DeliveryPrivateKey.new(Native.delivery_key_pair_new)
    { delivery: key.delivery, private_key: key }
  end

  def export_delivery_private_key_pkcs8(private_key)
    private_key(private_key).export_pkcs8
  end

  def import_delivery_private_key_pkcs8(value)
    raise TypeError, "value must be a String" unless value.is_a?(String)

    DeliveryPrivateKey.new(Native.delivery_key_pair_import_pkcs8(value))
  end

  # Check a delivery request; returns it normalised (Foil::ValidationError names the field).
  def validate_gate_delivery_request(value)
    text = json_object(value, "delivery")
    Native.gate_delivery_request_validate(text)
    JSON.parse(text, symbolize_names: true, max_nesting: false).slice(:version, :algorithm, :key_id, :public_key)
  end

  # base64url(SHA-256(raw public key)): the key_id of a raw 32-byte X25519 public key.
  def key_id_for_raw_x25519_public_key(raw_public_key)
    raise TypeError, "raw_public_key must be a String" unless raw_public_key.is_a?(String)
    raise ArgumentError, "X25519 public key must be 32 bytes" unless raw_public_key.bytesize == 32

    Native.gate_delivery_key_id([raw_public_key].pack("m0").tr("+/", "-_").delete("="))
  end

  # Check an encrypted delivery envelope's shape (version, algorithm, field lengths): the
  # core's checks (foil_gate_delivery_envelope_validate). Returns it as a Hash;
  # Foil::ValidationError names the field.
  def validate_encrypted_gate_delivery_envelope(value)
    text = json_object(value, "envelope")
    Native.gate_delivery_envelope_validate(text)
    JSON.parse(text, symbolize_names: true, max_nesting: false)
  end

  # Encrypt payload ({version: 1, outputs: {...}, ack_token?:}) to delivery; the envelope Hash.
  def encrypt_gate_delivery_payload(delivery, payload)
    envelope = Native.gate_delivery_encrypt(json_object(delivery, "delivery"), json_object(payload, "payload"))
    JSON.parse(envelope, symbolize_names: true)
  end

  # A decrypted delivery: the payload Hash, whose inspect hides the outputs and the ack token.
  class DeliveryPayload < Hash
    def inspect = Record.redact(to_h).inspect
    alias to_s inspect

    # Marshal would write the outputs and the ack token as they are (into a cache, a job
    # queue, ...): refused; to_h is a plain Hash for a caller who means it.
    def marshal_dump
      raise TypeError, "Foil::DeliveryPayload holds delivered secrets: not marshalled (to_h gives a plain Hash)"
    end

    def pretty_print(pp)
      pp.text(inspect)
    end
  end

  # Decrypt and check an envelope; the payload Hash ({version:, outputs: {NAME: "value"}, ...}).
  def decrypt_gate_delivery_envelope(private_key, envelope)
    payload = Native.gate_delivery_decrypt(private_key(private_key).__send__(:handle),
                                           json_object(envelope, "envelope"))
    DeliveryPayload[Native.delivery_payload_json(payload)]
  end

  # {encrypted_delivery: envelope} for input {delivery:, outputs:} (the integrator's webhook reply).
  def create_encrypted_delivery_response(input)
    raise TypeError, "input must be a Hash" unless input.is_a?(Hash)

    delivery, outputs = %i[delivery outputs].map do |name|
      input.fetch(name) { input.fetch(name.to_s) { raise ArgumentError, "input lacks #{name}" } }
    end
    text = Native.gate_approved_webhook_response(json_object(delivery, "delivery"), json_object(outputs, "outputs"))
    JSON.parse(text, symbolize_names: true)
  end

  def create_gate_approved_webhook_response(input) = create_encrypted_delivery_response(input)

  # Check a gate.session.approved payload; returns it (Foil::ValidationError names the field).
  def validate_gate_approved_webhook_payload(value)
    text = json_object(value, "payload")
    Native.gate_approved_webhook_payload_validate(text)
    JSON.parse(text, symbolize_names: true, max_nesting: false)
  end

  # "<SERVICE>_GATE_AGENT_TOKEN" for a service id.
  def derive_gate_agent_token_env_key(service_id)
    raise TypeError, "service_id must be a String" unless service_id.is_a?(String)

    Native.gate_agent_token_env_key(service_id)
  end

  # key: a String or Symbol.
  def is_blocked_gate_env_var_key(key) = Native.env_key_is_blocked(Arguments.text("key", key)) == 1 # rubocop:disable Naming/PredicateName
  def is_gate_managed_env_var_key(key) = Native.env_key_is_gate_managed(Arguments.text("key", key)) == 1 # rubocop:disable Naming/PredicateName

  def resolve_secret(secret_key)
    secret = secret_key || ENV["FOIL_SECRET_KEY"]
    raise TypeError, "secret_key must be a String" unless secret.nil? || secret.is_a?(String)
    if secret.nil? || secret.empty?
      raise ConfigurationError.new("Missing Foil secret key. Pass secret_key explicitly or set FOIL_SECRET_KEY.",
                                   code: "config.missing_secret_key")
    end

    secret
  end
  private_class_method :resolve_secret

  def webhook_args!(secret, timestamp, raw_body, signature)
    { secret: secret, raw_body: raw_body, signature: signature }.each do |name, value|
      raise TypeError, "#{name} must be a String, not #{value.class}" unless value.is_a?(String)
    end
    raise TypeError, "timestamp must be a String or Integer" unless timestamp.is_a?(String) || timestamp.is_a?(Integer)
  end
  private_class_method :webhook_args!

  def json_object(value, what)
    value = value.to_h if value.is_a?(Record)
    return value if value.is_a?(String)
    raise TypeError, "#{what} must be a Hash or JSON String, not #{value.class}" unless value.is_a?(Hash)

    Arguments.json(what, value)
  end
  private_class_method :json_object

  def private_key(value)
    return value if value.is_a?(DeliveryPrivateKey)
    return import_delivery_private_key_pkcs8(value) if value.is_a?(String)

    raise TypeError, "private_key must be a Foil::DeliveryPrivateKey or a PKCS#8 base64url String"
  end
  private_class_method :private_key
end
