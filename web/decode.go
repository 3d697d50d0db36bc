package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"policydesk"
)

// decodeJSON reads a JSON request body strictly: the right content type, a
// size limit, valid UTF-8 (encoding/json would silently replace bad bytes),
// one object of the expected shape.
func decodeJSON(r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return policydesk.Errorf(policydesk.EUnsupported, "Send the request body as application/json.")
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyReadError(err)
	}
	if !utf8.Valid(data) {
		return policydesk.Errorf(policydesk.EBadRequest, "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			if typeErr.Field == "" {
				return policydesk.Errorf(policydesk.EInvalid, "The request body must be a JSON object, not %s.", jsonValue(typeErr.Value))
			}
			// Speak JSON, not Go: the caller wrote "title", not Title or *int.
			return policydesk.Errorf(policydesk.EInvalid, "Field %q must be %s, not %s.", strings.ToLower(typeErr.Field), jsonKind(typeErr.Type), jsonValue(typeErr.Value))
		}
		if msg := err.Error(); len(msg) > 20 && msg[:20] == "json: unknown field " {
			return policydesk.Errorf(policydesk.EInvalid, "Unknown field %s.", msg[20:])
		}
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return policydesk.Errorf(policydesk.EBadRequest, "The request body is not valid JSON: it breaks off or goes wrong at byte %d.", syntaxErr.Offset)
		}
		return policydesk.Errorf(policydesk.EBadRequest, "The request body is not valid JSON.")
	}
	if dec.More() {
		return policydesk.Errorf(policydesk.EBadRequest, "The request body holds more than one JSON value.")
	}
	return nil
}

func bodyReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return policydesk.Errorf(policydesk.ETooLarge, "The request is larger than %d MiB.", tooBig.Limit>>20)
	}
	return policydesk.Errorf(policydesk.EBadRequest, "The request body could not be read.")
}

// jsonKind names a Go type the way a JSON caller knows it.
func jsonKind(t reflect.Type) policydesk.Words {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return policydesk.Say("a string")
	case reflect.Bool:
		return policydesk.Say("true or false")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return policydesk.Say("a whole number")
	case reflect.Float32, reflect.Float64:
		return policydesk.Say("a number")
	case reflect.Slice, reflect.Array:
		return policydesk.Say("an array")
	default:
		return policydesk.Say("an object")
	}
}

// jsonValue names a JSON value's type as encoding/json's UnmarshalTypeError
// gives it ("string", "number", "bool", "array", "object").
func jsonValue(v string) policydesk.Words {
	switch {
	case v == "string":
		return policydesk.Say("a string")
	case v == "bool":
		return policydesk.Say("true or false")
	case v == "array":
		return policydesk.Say("an array")
	case v == "object":
		return policydesk.Say("an object")
	case strings.HasPrefix(v, "number"):
		return policydesk.Say("a number")
	}
	return policydesk.Say("another kind of value")
}
