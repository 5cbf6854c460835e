package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import "encoding/json"

// VerifyToken verifies a sealed token with a secret key (or its SHA-256 hex) and
// returns its JSON payload. A bad token is an *Error with Kind "token_verification"
// and Code "token.<reason>". foil_sealed_token_safe_verify hands the reason back
// through an out-parameter (a static string), so nothing thread-local is read.
func VerifyToken(token, secret string) (json.RawMessage, error) {
	if err := checkText("token", token); err != nil {
		return nil, err
	}
	if err := checkText("secret", secret); err != nil {
		return nil, err
	}
	ct, cs := cstr(token), cstr(secret)
	defer free(ct)
	defer free(cs)
	var doc *C.foil_document_t
	var ok C.int
	var code *C.char
	if st := C.foil_sealed_token_safe_verify(ct, cs, &ok, &code, &doc); st != C.FOIL_OK {
		return nil, statusError(st)
	}
	if ok == 0 {
		e := statusError(C.FOIL_E_TOKEN)
		e.Code = goString(code)
		return nil, e
	}
	defer C.foil_document_free(doc)
	return jsonText(C.foil_document_root(doc))
}
