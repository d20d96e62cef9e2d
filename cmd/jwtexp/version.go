package main

import "runtime/debug"

// version returns the version of the module the binary was built from, as
// the go command recorded it in the binary (runtime/debug.ReadBuildInfo):
// the tag installed, such as "v0.1.0" after "go install
// github.com/jwtexp/jwtexp/cmd/jwtexp@v0.1.0";
// "(devel)" or a pseudo-version when built in a checkout, depending on
// -buildvcs (a test binary reports "(devel)"); "unknown" in a binary
// without build information, one not built by the go command.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "unknown"
	}
	return bi.Main.Version
}
