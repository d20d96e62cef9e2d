// `jwtexp check` (cmd/jwtexp, built here with go build) against an MCP
// server protected by the TypeScript SDK's requireBearerAuth
// (requirebearer.mjs): with the self-minted token it passes with warnings,
// and with a real expired token that lacks the scope it fails, because the
// SDK checks scope before exp and answers 403. Checking exp in the verifier
// fixes that. The reports in docs/check.md must show the statuses measured
// here.
//
// Run from examples/ts: npm ci && node --test

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SCOPE, sign, startServer } from '../requirebearer.mjs';

const repoDir = fileURLToPath(new URL('../../..', import.meta.url));
const KEY = 'check-test-key';

let binDir;
let jwtexpBin;

before(() => {
  binDir = mkdtempSync(join(tmpdir(), 'jwtexp-check-'));
  jwtexpBin = join(binDir, 'jwtexp');
  execFileSync('go', ['build', '-o', jwtexpBin, './cmd/jwtexp'], { cwd: repoDir, stdio: 'inherit' });
});

after(() => {
  rmSync(binDir, { recursive: true, force: true });
});

/**
 * Runs `jwtexp check ...args` with input on stdin, without blocking the
 * event loop (the server under test runs in this process), and resolves to
 * its exit status and output.
 */
function jwtexpCheck(args, input = '') {
  return new Promise((resolve, reject) => {
    const proc = spawn(jwtexpBin, ['check', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.once('error', reject);
    const timer = setTimeout(() => proc.kill(), 60_000);
    proc.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    proc.stdin.end(input);
  });
}

/** statusOf maps each check ID of a -json report to its status. */
function statusOf(stdout) {
  return Object.fromEntries(JSON.parse(stdout).results.map((r) => [r.id, r.status]));
}

/** textStatusOf does the same for a text report: "status  id  detail" lines. */
function textStatusOf(stdout) {
  const lines = stdout.split('\n').map((l) => /^(pass|fail|warn|skip) +(\S+)/.exec(l)).filter(Boolean);
  return Object.fromEntries(lines.map((m) => [m[2], m[1]]));
}

/**
 * docStatuses reads the index-th code block under "### heading" in the
 * Reports of docs/check.md, as textStatusOf does, so that the docs show the
 * statuses this test measures.
 */
function docStatuses(heading, index) {
  const md = readFileSync(join(repoDir, 'docs', 'check.md'), 'utf8');
  const reports = md.slice(md.indexOf('\n## Reports\n'));
  const section = reports.split('\n### ').find((s) => s.startsWith(`${heading}\n`));
  assert.ok(section, `docs/check.md: no ### ${heading} in ## Reports`);
  const block = section.split('\n```').filter((_, i) => i % 2 === 1)[index];
  assert.ok(block, `docs/check.md: no code block ${index} under ### ${heading}`);
  return textStatusOf(block);
}

/** The heading of this server's reports in docs/check.md. */
const DOC_HEADING = 'TypeScript SDK 1.32.2 `requireBearerAuth`';

/** Every check, in report order, with status pass unless others says. */
function statuses(others) {
  const ids = [
    'no-token-401',
    'prm-discovery',
    'prm-valid',
    'expired-401',
    'expired-invalid-token',
    'expired-every-method',
    'malformed-401',
    'no-token-no-error',
    'challenge-resource-metadata',
    'cors-preflight',
    'cors-expose',
  ];
  return Object.fromEntries(ids.map((id) => [id, others[id] ?? 'pass']));
}

/** A token for aud with the given scope claim, expiring expIn seconds from now. */
function token(aud, scope, expIn) {
  const now = Math.floor(Date.now() / 1000);
  return sign(KEY, { sub: 'alice', aud, scope, iat: now - 7200, exp: now + expIn });
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'check-test', version: '0' } },
});

// Every expired token gets 401 invalid_token; the advisory checks warn: the
// no-token challenge carries error="invalid_token" (RFC 6750 §3.1), the
// preflight gets the 401 of a request without a token, and no 401 has
// Access-Control-Allow-Origin.
const selfMinted = statuses({
  'no-token-no-error': 'warn',
  'cors-preflight': 'warn',
  'cors-expose': 'warn',
});

describe('jwtexp check against the TypeScript SDK requireBearerAuth', () => {
  let server;
  before(async () => {
    server = await startServer(KEY);
  });
  after(() => server?.close());

  // The verifier verifies, and the scope is required: without this, a
  // server that refused every token would pass the probe below too.
  test('a live token is served, and needs the scope', async () => {
    const post = (tok) =>
      fetch(server.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tok}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: initialize,
      });
    const ok = await post(token(server.url, SCOPE, 600));
    assert.equal(ok.status, 200, await ok.text());
    const forbidden = await post(token(server.url, '', 600));
    assert.equal(forbidden.status, 403, await forbidden.text());
  });


  test('self-minted token: exit 0 with warnings', async () => {
    const text = await jwtexpCheck([server.url]);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.deepEqual(textStatusOf(text.stdout), selfMinted);
    const json = await jwtexpCheck(['-json', server.url]);
    assert.equal(json.code, 0, json.stdout + json.stderr);
    assert.deepEqual(statusOf(json.stdout), selfMinted);
    assert.deepEqual(docStatuses(DOC_HEADING, 0), selfMinted);
  });

  // requireBearerAuth checks the scope before exp: an expired token
  // without it gets 403 insufficient_scope, on every method.
  test('expired token without the scope: expired-401 fails, exit 1', async () => {
    const want = statuses({
      'expired-401': 'fail',
      'expired-invalid-token': 'skip',
      'expired-every-method': 'fail',
      'no-token-no-error': 'warn',
      'cors-preflight': 'warn',
      'cors-expose': 'warn',
    });
    const expired = token(server.url, '', -3600);
    const text = await jwtexpCheck(['-token', '-', server.url], expired);
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.deepEqual(textStatusOf(text.stdout), want);
    const json = await jwtexpCheck(['-json', '-token', '-', server.url], expired);
    assert.equal(json.code, 1, json.stdout + json.stderr);
    assert.deepEqual(statusOf(json.stdout), want);
    assert.deepEqual(docStatuses(DOC_HEADING, 1), want);
  });
});

// The fix docs/check.md gives for the 403: refuse an expired token in the
// verifier, which requireBearerAuth calls before it checks scope.
describe('jwtexp check against requireBearerAuth with exp checked in the verifier', () => {
  let server;
  before(async () => {
    server = await startServer(KEY, { expFirst: true });
  });
  after(() => server?.close());

  test('expired token without the scope: exit 0', async () => {
    const expired = token(server.url, '', -3600);
    const json = await jwtexpCheck(['-json', '-token', '-', server.url], expired);
    assert.equal(json.code, 0, json.stdout + json.stderr);
    assert.deepEqual(statusOf(json.stdout), selfMinted);
  });
});
