// Package bench holds the comparison benchmarks and the differential test of
// jwtexp against peer JWT libraries. It is a separate module so that the
// third-party libraries it compares against never become dependencies of
// jwtexp itself, which imports only the standard library.
//
// Everything here is test code; this file exists so that the package has a
// non-test file and carries the go:generate directive that rebuilds the
// benchmark token in testdata.
package bench

//go:generate go test -run ^TestAccessToken$ -update .
