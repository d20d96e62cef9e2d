// The OAuth loop end to end with the MCP TypeScript SDK client
// (@modelcontextprotocol/sdk, pinned in package-lock.json) against the
// jwtexp demo server (examples/mcpserver) and its dev authorization server,
// with two-second tokens: connect (401 → discovery → registration →
// authorization → token), call, wait past exp, call again (jwtexp's 401
// invalid_token), and see what the SDK does about it.
//
// Run from examples/ts: npm ci && node --test

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const examplesDir = fileURLToPath(new URL('../..', import.meta.url));
const TTL = '2s';
// Where the client says it wants the code. Nothing listens there: the
// provider reads the code from the authorization endpoint's redirect.
const REDIRECT_URI = 'http://127.0.0.1:1/callback';

let binDir;
let serverBin;

before(() => {
  // One build for all tests; go run would compile once per server.
  binDir = mkdtempSync(join(tmpdir(), 'jwtexp-demo-'));
  serverBin = join(binDir, 'mcpserver');
  execFileSync('go', ['build', '-o', serverBin, './mcpserver'], { cwd: examplesDir, stdio: 'inherit' });
});

after(() => {
  rmSync(binDir, { recursive: true, force: true });
});

/**
 * Starts the demo server on a free loopback port and resolves once it
 * listens. The server prints its URL on its first line; every later line is
 * kept, so that tests can count the "oauth:" lines its authorization server
 * logs for each authorization and token.
 */
async function startServer(extraArgs) {
  const proc = spawn(serverBin, ['-addr', '127.0.0.1:0', '-token-ttl', TTL, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let mcpUrl;
    proc.once('error', reject);
    exited.then((code) => reject(new Error(`demo server exited (${code}) before it listened`)));
    // Never hang the run on a server that neither listens nor exits.
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error('demo server did not listen within 30 s'));
    }, 30_000);
    timer.unref();
    createInterface({ input: proc.stdout }).on('line', (line) => {
      lines.push(line);
      const m = /^jwtexp demo MCP server on (http:\/\/127\.0\.0\.1:\d+\/mcp)$/.exec(line);
      if (m) mcpUrl = m[1];
      if (line.startsWith('Listening') && mcpUrl) {
        clearTimeout(timer);
        resolve(mcpUrl);
      }
    });
  });
  return {
    url: new URL(url),
    count: (prefix) => lines.filter((l) => l.startsWith(prefix)).length,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * An OAuthClientProvider for a client without a browser: it keeps
 * everything in memory, and "redirects" the user by fetching the
 * authorization URL without following the redirect. The dev authorization
 * server approves at once, so the code is in the Location header;
 * lastCode() hands it to transport.finishAuth, as a redirect handler would.
 */
class DevProvider {
  #client;
  #tokens;
  #verifier;
  #code;
  redirects = 0; // how often the SDK sent the user to authorize

  get redirectUrl() {
    return REDIRECT_URI;
  }
  get clientMetadata() {
    return {
      client_name: 'e2e-ts-sdk',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens) {
    this.#tokens = tokens;
  }
  saveCodeVerifier(verifier) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
  async redirectToAuthorization(authorizationUrl) {
    this.redirects++;
    const res = await fetch(authorizationUrl, { redirect: 'manual' });
    assert.equal(res.status, 302, `authorization endpoint answered ${res.status}: ${await res.text()}`);
    const location = new URL(res.headers.get('location'));
    assert.equal(location.origin + location.pathname, REDIRECT_URI);
    this.#code = location.searchParams.get('code');
    assert.ok(this.#code, `no code in ${location}`);
  }
  lastCode() {
    return this.#code;
  }
  /** The exp of the current access token, in milliseconds. */
  accessTokenExp() {
    const payload = this.#tokens.access_token.split('.')[1];
    return JSON.parse(Buffer.from(payload, 'base64url').toString()).exp * 1000;
  }
}

/**
 * A fetch that records, for every POST to the MCP endpoint, its status and
 * the error of its WWW-Authenticate challenge: "POST 200",
 * "POST 401 invalid_token".
 */
function recordingFetch(mcpUrl, wire) {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (url === mcpUrl.href && method === 'POST') {
      const m = /error="([^"]*)"/.exec(res.headers.get('www-authenticate') ?? '');
      wire.push(`POST ${res.status}${m ? ' ' + m[1] : ''}`);
    }
    return res;
  };
}

/**
 * Connects a new Client the way the SDK's own OAuth example does: the first
 * connect throws UnauthorizedError after redirecting the user; finishAuth
 * exchanges the code; a new transport connects with the token.
 */
async function connect(server, provider, wire) {
  const newTransport = () =>
    new StreamableHTTPClientTransport(server.url, { authProvider: provider, fetch: recordingFetch(server.url, wire) });
  const first = newTransport();
  await assert.rejects(new Client({ name: 'e2e-ts-sdk', version: '0' }).connect(first), UnauthorizedError);
  assert.equal(provider.redirects, 1);
  await first.finishAuth(provider.lastCode());
  const transport = newTransport();
  const client = new Client({ name: 'e2e-ts-sdk', version: '0' });
  await client.connect(transport);
  // No token yet: a 401 without an error code. Then initialize and
  // notifications/initialized with the token.
  assert.deepEqual(wire, ['POST 401', 'POST 200', 'POST 202']);
  return { client, transport };
}

async function sleepPastExp(provider) {
  await sleep(Math.max(0, provider.accessTokenExp() - Date.now()) + 100);
}

async function toolNames(client) {
  const { tools } = await client.listTools();
  return tools.map((t) => t.name).sort();
}

describe('TypeScript SDK, no refresh tokens', () => {
  let server;
  before(async () => {
    server = await startServer([]);
  });
  after(() => server?.stop());

  // Measured: on jwtexp's 401 invalid_token in the middle of a session, the
  // SDK runs auth() by itself (discovery, then a new authorization request,
  // since it has no refresh token) and calls redirectToAuthorization, but
  // the call then rejects with UnauthorizedError: the application must call
  // transport.finishAuth(code) and retry. The same Client and the same
  // session work again after that.
  test('mid-session expiry: UnauthorizedError, finishAuth, retry on the same session', async () => {
    const wire = [];
    const provider = new DevProvider();
    const { client, transport } = await connect(server, provider, wire);
    assert.deepEqual(await toolNames(client), ['echo', 'whoami']);
    const session = transport.sessionId;
    assert.ok(session, 'the stateful demo gives a session id');
    const firstExp = provider.accessTokenExp();

    await sleepPastExp(provider);
    wire.length = 0;
    await assert.rejects(client.listTools(), UnauthorizedError);
    assert.deepEqual(wire, ['POST 401 invalid_token'], "jwtexp's 401 is on the wire");
    assert.equal(provider.redirects, 2, 'the SDK started a new authorization by itself');

    await transport.finishAuth(provider.lastCode());
    assert.ok(provider.accessTokenExp() > firstExp, 'a new token');
    wire.length = 0;
    assert.deepEqual(await toolNames(client), ['echo', 'whoami']);
    assert.deepEqual(wire, ['POST 200']);
    assert.equal(transport.sessionId, session, 'the same session');
    const res = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    assert.deepEqual(res.content, [{ type: 'text', text: 'hello' }]);

    assert.equal(server.count('oauth: authorize:'), 2, 'authorizations at the server');
    assert.equal(server.count('oauth: token: authorization_code'), 2, 'code grants at the server');
    assert.equal(server.count('oauth: token: refresh_token'), 0);
    await client.close();
  });
});

describe('TypeScript SDK, -refresh-tokens', () => {
  let server;
  before(async () => {
    server = await startServer(['-refresh-tokens']);
  });
  after(() => server?.stop());

  // Measured: with a refresh token, the SDK answers jwtexp's 401 with a
  // refresh and retries the call by itself; the caller sees nothing.
  test('expiry: the SDK refreshes and retries by itself', async () => {
    const wire = [];
    const provider = new DevProvider();
    const { client, transport } = await connect(server, provider, wire);
    const session = transport.sessionId;
    const firstExp = provider.accessTokenExp();

    await sleepPastExp(provider);
    wire.length = 0;
    assert.deepEqual(await toolNames(client), ['echo', 'whoami']);
    assert.deepEqual(wire, ['POST 401 invalid_token', 'POST 200']);
    assert.ok(provider.accessTokenExp() > firstExp, 'a new token');
    assert.equal(transport.sessionId, session, 'the same session');
    assert.equal(provider.redirects, 1, 'no new authorization');

    assert.equal(server.count('oauth: authorize:'), 1, 'authorizations at the server');
    assert.equal(server.count('oauth: token: refresh_token'), 1, 'refresh grants at the server');
    await client.close();
  });
});
