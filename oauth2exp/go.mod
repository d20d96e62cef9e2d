module github.com/jwtexp/jwtexp/oauth2exp

go 1.22

// x/oauth2 v0.19.0 is the oldest release that has all oauth2exp uses and
// brings no other module: RetrieveError.ErrorCode, which go-sdk reads to
// tell invalid_grant from other refresh failures, came in v0.8.0, and
// v0.8.0 to v0.18.0 require google.golang.org/appengine, x/net and protobuf.
// Releases before v0.27.0 have a known vulnerability in package jws, which
// oauth2exp does not import.
require (
	github.com/jwtexp/jwtexp v0.1.0
	golang.org/x/oauth2 v0.19.0
)

// Inside the repository the modules are built from the working tree; a
// module that depends on this one ignores the replace directives here and gets
// the versions required above, which are released together
// (docs/release.md).
replace github.com/jwtexp/jwtexp => ../
