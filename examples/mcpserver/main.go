// Command mcpserver is a demo MCP server on the official go-sdk (streamable
// HTTP) with jwtexp in front of auth.RequireBearerToken, and a dev OAuth
// authorization server in the same process that issues short-lived tokens
// (one minute by default), so that an MCP client such as MCP Inspector runs
// the whole loop: authorize, call, token expires, 401 with
// error="invalid_token", re-authorize. At start it also prints curl commands
// with a fresh and an expired token: paste them and see a 200 and a 401 with
// WWW-Authenticate: Bearer error="invalid_token". See docs/demo.md.
//
// From the repository root:
//
//	cd examples && go run ./mcpserver
//
// Stop it with Ctrl-C. Do not stop a go run by its PID: go run does not
// pass SIGTERM on, and the demo keeps listening (measured with Go 1.26). To
// stop it by PID, from a script say, run the built binary:
//
//	cd examples && go build -o /tmp/mcpserver ./mcpserver && /tmp/mcpserver
//
// Flags:
//
//	-addr 127.0.0.1:8080  listen address; port 0 picks a free port
//	-jsonrpc-error=true   jwtexp.WithJSONRPCError: a rejected JSON-RPC POST
//	                      gets a JSON-RPC error body, so go-sdk clients keep
//	                      their session
//	-stateless=false      serve every client without sessions (default:
//	                      MCP 2025-11-25 clients get sessions, MCP
//	                      2026-07-28 clients never do)
//	-auth-server=true     run the dev authorization server
//	-token-ttl 1m         lifetime of the access tokens it issues
//	-refresh-tokens=false issue refresh tokens too; without them every
//	                      expiry forces a full re-authorization
//	-expires-in=true      put expires_in in token responses; false leaves
//	                      it out, as some providers do: a client learns
//	                      of the expiry from the 401 alone, unless it
//	                      reads the token's exp (docs/client.md)
//
// DEV ONLY: it accepts HS256 tokens signed with a published key
// (devjwt.DevKey), and its authorization server approves every request at
// once. Do not expose it beyond your machine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mcpserver:", err)
		os.Exit(1)
	}
}

// statelessUsage is the one wording of -stateless: in -h, in the package
// comment and in docs/demo.md (TestStatelessWording). Without the flag, the
// demo routes each request by its MCP-Protocol-Version (byProtocolVersion).
const statelessUsage = "serve every client without sessions (default: MCP 2025-11-25 clients get sessions, MCP 2026-07-28 clients never do)"

// run parses args, listens, prints the quick start to out and serves until
// ctx is done. Flag errors and usage go to errOut.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("mcpserver", flag.ContinueOnError)
	fs.SetOutput(errOut)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` on the loopback interface; port 0 picks a free port")
	jsonRPCError := fs.Bool("jsonrpc-error", true, "answer a rejected JSON-RPC POST with a JSON-RPC error body (jwtexp.WithJSONRPCError)")
	stateless := fs.Bool("stateless", false, statelessUsage)
	authServer := fs.Bool("auth-server", true, "run the dev OAuth authorization server (DEV ONLY: it approves every request at once)")
	tokenTTL := fs.Duration("token-ttl", time.Minute, "lifetime of the access tokens the authorization server issues")
	refreshTokens := fs.Bool("refresh-tokens", false, "issue refresh tokens (off: every expiry forces a full re-authorization)")
	expiresIn := fs.Bool("expires-in", true, "put expires_in in token responses (false: leave it out, as some providers do)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *tokenTTL < time.Second {
		return fmt.Errorf("-token-ttl %v: want at least 1s (exp is in whole seconds)", *tokenTTL)
	}

	// The dev authorization server approves anyone, and the tokens are
	// signed with a published key: this machine only.
	if host, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("-addr %q: %v", *addr, err)
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %q: the demo is DEV ONLY and listens on a loopback address only, such as 127.0.0.1:8080", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	cfg := config{
		baseURL:       baseURL(ln.Addr()),
		key:           devjwt.DevKey,
		jsonRPCError:  *jsonRPCError,
		stateless:     *stateless,
		authServer:    *authServer,
		tokenTTL:      *tokenTTL,
		refreshTokens: *refreshTokens,
		expiresIn:     *expiresIn,
		oauthLog:      out,
	}
	handler, _, closeSessions := newHandler(cfg)
	defer closeSessions()
	srv := newHTTPServer(handler)

	now := time.Now()
	fresh, err := mintToken(cfg.key, cfg.resource(), "demo-user", now, now.Add(time.Hour))
	if err != nil {
		ln.Close()
		return err
	}
	expired, err := mintToken(cfg.key, cfg.resource(), "demo-user", now.Add(-2*time.Hour), now.Add(-time.Hour))
	if err != nil {
		ln.Close()
		return err
	}
	// The listener is already open, so the printed commands work as soon as
	// they are on screen.
	printQuickStart(out, cfg, fresh, expired)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// A client's standalone SSE stream may hang on; cut it.
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Timeouts of the demo's http.Server. A client that trickles its headers or
// body is cut off; a connection that sits idle between requests is closed.
// ReadTimeout ends with the request body: net/http clears the read deadline
// once the handler has read it, so a long response is not cut by it.
// There is deliberately no WriteTimeout: it bounds the whole response, and
// an MCP SSE stream (a GET /mcp, or a POST answered as a stream) lives as long
// as the session, so any WriteTimeout would cut it.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

// newHTTPServer returns the demo's http.Server for handler.
func newHTTPServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		// No WriteTimeout: see above.
	}
}

// baseURL is the URL clients should use for a listener on addr.
func baseURL(addr net.Addr) string { return "http://" + addr.String() }

// initializeBody is an MCP initialize request, the first POST of every
// session.
const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}`

// printQuickStart writes copy-paste curl commands for cfg's server.
func printQuickStart(w io.Writer, cfg config, fresh, expired string) {
	curl := func(token string) string {
		return fmt.Sprintf("curl -i %s \\\n"+
			"  -H 'Authorization: Bearer %s' \\\n"+
			"  -H 'Content-Type: application/json' \\\n"+
			"  -H 'Accept: application/json, text/event-stream' \\\n"+
			"  -d '%s'\n", cfg.resource(), token, initializeBody)
	}
	fmt.Fprintf(w, "jwtexp demo MCP server on %s\n", cfg.resource())
	fmt.Fprintf(w, "DEV ONLY: tokens are HS256-signed with a published key.\n\n")
	if cfg.authServer {
		printAuthServer(w, cfg)
	}
	fmt.Fprintf(w, "# A fresh token (valid for 1h) gets 200 and an initialize result:\n%s\n", curl(fresh))
	fmt.Fprintf(w, "# An expired token gets 401 and WWW-Authenticate: Bearer error=\"invalid_token\", ...:\n%s\n", curl(expired))
	fmt.Fprintf(w, "# The protected resource metadata (RFC 9728) the challenge points to:\ncurl -i %s\n\n", cfg.metadataURL())
	fmt.Fprintf(w, "Listening; Ctrl-C stops.\n")
}

// printAuthServer tells how to run the OAuth loop against the dev
// authorization server with MCP Inspector, and what happens at expiry.
func printAuthServer(w io.Writer, cfg config) {
	refresh := "no refresh tokens (-refresh-tokens=false), so every expiry forces a full re-authorization"
	if cfg.refreshTokens {
		refresh = "refresh tokens on (-refresh-tokens), so a client may refresh instead of re-authorizing"
	}
	fmt.Fprintf(w, "DEV ONLY: a dev OAuth authorization server runs here too (issuer %s).\n", cfg.baseURL)
	fmt.Fprintf(w, "It approves every authorization request at once, as %q, without a login.\n", devUser)
	fmt.Fprintf(w, "Access tokens live %v (-token-ttl); %s.\n", cfg.tokenTTL, refresh)
	if cfg.expiresIn {
		fmt.Fprintf(w, "Token responses carry expires_in (-expires-in=false leaves it out, as some providers do).\n\n")
	} else {
		fmt.Fprintf(w, "Token responses leave out expires_in (-expires-in=false), as some providers do:\n")
		fmt.Fprintf(w, "a client learns of the expiry from jwtexp's 401 alone, unless it reads the token's exp (docs/client.md).\n\n")
	}
	fmt.Fprintf(w, "# Connect MCP Inspector 2.x (checked with 2.12.0; 0.15.0 does not work, see docs/demo.md):\n")
	fmt.Fprintf(w, "#   npx @modelcontextprotocol/inspector@latest --web --transport http --server-url %s\n", cfg.resource())
	fmt.Fprintf(w, "# Flip the server card's switch. It gets a 401, discovers this authorization server,\n")
	fmt.Fprintf(w, "# registers, is approved at once and connects; Tools lists echo and whoami.\n")
	fmt.Fprintf(w, "# After %v the token expires. The next request (e.g. Execute Tool on whoami) gets\n", cfg.tokenTTL)
	fmt.Fprintf(w, "#   401 WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\", ...\n")
	fmt.Fprintf(w, "# from jwtexp, and Inspector runs the OAuth flow again by itself but drops that\n")
	fmt.Fprintf(w, "# request: click again. With -refresh-tokens it refreshes and replays it. Each\n")
	fmt.Fprintf(w, "# authorization and token is logged here as an \"oauth:\" line.\n\n")
}
