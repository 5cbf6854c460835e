-- A delivery key pair has the shape it has in the Python and Ruby SDKs (issue 19):
-- `.delivery` (the request table) and `.private_key` are values, so code ported from them
-- sends `kp.delivery` as JSON and decrypts with `kp.private_key`.
return function(t)
   local foil = require "foil"
   local env = require "env"

   t.test("delivery and private_key are values", function()
      local kp = foil.create_delivery_key_pair()
      t.eq(type(kp.delivery), "table")
      t.eq(kp.delivery.version, 1)
      t.eq(kp.delivery.algorithm, "x25519-hkdf-sha256/aes-256-gcm")
      t.eq(kp.delivery.key_id, kp.key_id)
      t.eq(kp.delivery.public_key, kp.public_key)
      t.ok(foil.validate_gate_delivery_request(kp.delivery))
      t.eq(kp.private_key, kp, "the key to decrypt with")
      t.eq(kp.private_key:export_pkcs8(), kp:export_pkcs8())
      local fields = {}
      for k in pairs(kp.delivery) do fields[#fields + 1] = k end
      table.sort(fields)
      t.eq(table.concat(fields, ","), "algorithm,key_id,public_key,version")
      -- JSON of the request, as cjson.encode or foil.json_encode would send it
      t.same(foil.json_decode(foil.json_encode(kp.delivery)), kp.delivery)
      -- an imported key has the same shape
      local again = assert(foil.import_delivery_private_key_pkcs8(kp:export_pkcs8()))
      t.same(again.delivery, kp.delivery)
      t.eq(again.private_key, again)
   end)

   t.test("code ported from the other SDKs runs: create, approve, decrypt, webhook reply", function()
      local c = env.client()
      local emu = env.emulator()
      local kp = foil.create_delivery_key_pair()
      local created = assert(c.gate.sessions:create{ service_id = "foil", account_name = "ported",
                                                     delivery = kp.delivery })
      emu:approve(created.id)
      local polled = assert(c.gate.sessions:poll(created.id, { poll_token = created.poll_token }))
      local payload = assert(foil.decrypt_gate_delivery_envelope(kp.private_key, polled.delivery_bundle.integrator))
      t.ok(payload.outputs.FOIL_SECRET_KEY)
      local reply = assert(foil.create_gate_approved_webhook_response{ delivery = kp.delivery,
                                                                       outputs = { API_KEY = "v" } })
      t.eq(reply.encrypted_delivery.key_id, kp.key_id)
      t.eq(assert(foil.decrypt_gate_delivery_envelope(kp.private_key, reply.encrypted_delivery)).outputs.API_KEY, "v")
   end)

   t.test("no secret in tostring, and close", function()
      local kp = foil.create_delivery_key_pair()
      local secret = kp:export_pkcs8()
      for _, shown in ipairs{ tostring(kp), tostring(kp.private_key) } do
         t.ok(not shown:find(secret, 1, true), "tostring shows no private key")
         t.ok(shown:find(kp.key_id, 1, true), shown)
      end
      local delivery = kp.delivery
      kp:close()
      t.eq(tostring(kp), "foil.DeliveryKeyPair(closed)")
      t.same(kp.delivery, delivery, "the public request stays readable")
      t.raises(function() return kp.private_key:export_pkcs8() end, "state")
      t.raises(function() return foil.decrypt_gate_delivery_envelope(kp.private_key, { version = 1 }) end, "state")
   end)
end
