// Package jwtexp reads the exp claim of a JWT bearer token without verifying
// it, so that a server can reject an expired token early; the result must
// never be used to accept one.
//
// # Security
//
// Nothing is verified: not the signature, the issuer or the audience, and
// anyone can mint a token with any exp. Use [UnverifiedExp], [Expired] and
// [ExpiredAt] only to turn a request away before the real verifier runs.
// [Middleware] only ever rejects.
//
// # Middleware
//
// The recommended setup puts [Middleware] in front of the MCP server's own
// verifier (verify here), naming the protected resource metadata:
//
//	rejectExpired := jwtexp.Middleware(
//		jwtexp.WithResourceMetadata("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
//		jwtexp.WithJSONRPCError(),
//	)
//	mux.Handle("/mcp", rejectExpired(verify(mcpHandler)))
//
// An expired token then gets 401 with error="invalid_token" on every method.
//
// # Semantics
//
// Only the payload of a compact JWS (RFC 7515 §7.1) is decoded, so every
// alg, "none" included, is treated alike. exp is a NumericDate (RFC 7519
// §2, §4.1.4), taken at its exact decimal value and floored to the
// nanosecond, with no float rounding.
//
// # Cost
//
// [UnverifiedExp], [Expired] and [ExpiredAt] take time linear in the
// token's length, a fixed amount of stack and no heap allocation, whatever
// the input: a 1 MiB token, 100 000 dots or JSON nested 10 000 deep.
package jwtexp
