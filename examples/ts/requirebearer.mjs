// An MCP server on the TypeScript SDK (@modelcontextprotocol/sdk, pinned in
// package-lock.json) protected the way the SDK offers: requireBearerAuth in
// front of a stateless streamable HTTP endpoint at /mcp, with the protected
// resource metadata that mcpAuthMetadataRouter serves (RFC 9728) and no CORS
// middleware of its own. test/check.test.mjs runs `jwtexp check` against it;
// docs/check.md quotes the report.
//
// Its verifier accepts HS256 JWTs (RFC 7519, RFC 7515) signed with the key
// it is given, whose aud is the endpoint, and hands their exp and scope to
// requireBearerAuth, which judges them. A test key only: a real server
// verifies its authorization server's tokens.
//
// Run it alone from examples/ts: node requirebearer.mjs (it prints its URL
// and a token that expired an hour ago and lacks the scope).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import {
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthMetadataRouter,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** The one scope the endpoint requires. */
export const SCOPE = 'mcp:tools';

// The only JOSE header sign writes and verify accepts: the algorithm is
// pinned, never taken from the token (RFC 8725 §3.1).
const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');

function mac(key, signingInput) {
  return createHmac('sha256', key).update(signingInput).digest();
}

/** sign returns an HS256 JWT carrying claims, signed with key. */
export function sign(key, claims) {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${mac(key, input).toString('base64url')}`;
}

/**
 * verify returns the claims of token if it is an HS256 JWT signed with key,
 * and throws InvalidTokenError (a 401 from requireBearerAuth) if not.
 */
function verify(key, token) {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) {
    throw new InvalidTokenError('Not an HS256 JWT');
  }
  const sig = Buffer.from(parts[2], 'base64url');
  const want = mac(key, `${parts[0]}.${parts[1]}`);
  if (sig.length !== want.length || !timingSafeEqual(sig, want)) {
    throw new InvalidTokenError('Bad signature');
  }
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    throw new InvalidTokenError('Bad payload');
  }
}

/**
 * startServer listens on 127.0.0.1, on a free port, and resolves to
 * { url, close }: url is the MCP endpoint, close stops the server. With
 * expFirst, the verifier itself refuses an expired token, so that
 * requireBearerAuth answers it 401 invalid_token before it checks scope.
 */
export async function startServer(key, { expFirst = false } = {}) {
  const app = createMcpExpressApp();
  const http = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const base = `http://127.0.0.1:${http.address().port}`;
  const endpoint = new URL('/mcp', base);

  // The SDK's documented pieces. The authorization server is listed and
  // never called: the probe reads no authorization server metadata.
  app.use(
    mcpAuthMetadataRouter({
      oauthMetadata: {
        issuer: `${base}/`,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        response_types_supported: ['code'],
      },
      resourceServerUrl: endpoint,
      scopesSupported: [SCOPE],
    }),
  );
  const auth = requireBearerAuth({
    verifier: {
      async verifyAccessToken(token) {
        const claims = verify(key, token);
        if (claims.aud !== endpoint.href) {
          throw new InvalidTokenError('Token was not issued for this resource');
        }
        if (expFirst && !(claims.exp > Date.now() / 1000)) {
          throw new InvalidTokenError('Token has expired');
        }
        return {
          token,
          clientId: String(claims.sub ?? ''),
          scopes: String(claims.scope ?? '').split(' ').filter(Boolean),
          expiresAt: claims.exp,
        };
      },
    },
    requiredScopes: [SCOPE],
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(endpoint),
  });
  // Stateless: a server and a transport per request, as the SDK's
  // stateless example does.
  app.all('/mcp', auth, async (req, res) => {
    const server = new McpServer({ name: 'checksdk-ts-sdk', version: '0.0.0' });
    server.registerTool('echo', { description: 'Echo the text back.' }, async () => ({
      content: [{ type: 'text', text: 'hello' }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  return {
    url: endpoint.href,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

// Run alone: print the endpoint and a token for jwtexp check -token.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const key = 'requirebearer-test-key';
  const { url } = await startServer(key);
  const now = Math.floor(Date.now() / 1000);
  console.log(url);
  console.log(sign(key, { sub: 'alice', aud: url, iat: now - 7200, exp: now - 3600 }));
}
