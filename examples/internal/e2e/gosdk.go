package e2e

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// GoSDKTools returns the sorted names of the tools the server lists to cs.
func GoSDKTools(ctx context.Context, cs *mcp.ClientSession) ([]string, error) {
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		return nil, err
	}
	return sortedNames(res.Tools, func(t *mcp.Tool) string { return t.Name }), nil
}

// GoSDKEcho calls the echo tool with [EchoText]. It returns the call's error,
// or an error when the call succeeds with anything but that one text.
func GoSDKEcho(ctx context.Context, cs *mcp.ClientSession) error {
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": EchoText}})
	if err != nil {
		return err
	}
	if len(res.Content) == 1 {
		if tc, ok := res.Content[0].(*mcp.TextContent); ok && tc.Text == EchoText && !res.IsError {
			return nil
		}
	}
	return fmt.Errorf("echo succeeded with %+v (IsError %v), want one text %q", res.Content, res.IsError, EchoText)
}
