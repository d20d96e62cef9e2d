module github.com/jwtexp/jwtexp/examples

go 1.26.0

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/jwtexp/jwtexp v0.1.0
	github.com/jwtexp/jwtexp/oauth2exp v0.1.0
	github.com/mark3labs/mcp-go v1.2.1
	github.com/modelcontextprotocol/go-sdk v1.8.0
	github.com/rs/cors v1.11.1
	golang.org/x/oauth2 v0.35.0
)

require (
	github.com/google/jsonschema-go v0.4.3 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.2 // indirect
	github.com/segmentio/asm v1.1.3 // indirect
	github.com/segmentio/encoding v0.5.4 // indirect
	github.com/spf13/cast v1.7.1 // indirect
	github.com/yosida95/uritemplate/v3 v3.0.2 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

// Inside the repository the modules are built from the working tree; a
// module that depends on this one ignores the replace directives here and gets
// the versions required above, which are released together
// (docs/release.md).
replace github.com/jwtexp/jwtexp => ../

replace github.com/jwtexp/jwtexp/oauth2exp => ../oauth2exp
