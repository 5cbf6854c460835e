package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import "encoding/json"

// VerifyToken verifies a sealed token with a secret key (or its SHA-256 hex) and
// returns its JSON payload. A bad token is an *Error with Kind "token_verification"
// and Code "token.<reason>".
func VerifyToken(token, secret string) (json.RawMessage, error) {
	ct, cs := cstr(token), cstr(secret)
	defer free(ct)
	defer free(cs)
	var doc *C.foil_document_t
	if err := lockedCall(func() C.foil_status_t { return C.foil_sealed_token_verify(ct, cs, &doc) }); err != nil {
		return nil, err
	}
	defer C.foil_document_free(doc)
	return jsonText(C.foil_document_root(doc))
}
