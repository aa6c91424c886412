// The guard in box.yml refuses variables that run other code in the box or
// change whom it trusts. Two variables the box's own Action reads are not on
// its denylist: SEALBOX_FULCIO_URL (where the box sends its job's identity
// token to get certificates) and SIGSTORE_ID_TOKEN (the identity token the
// box signs with). A runner environment that sets the first receives the
// box's identity token (audience sigstore), a bearer credential: with it, it
// gets a certificate of box.yml at the release for a key of its own, and can
// attest any result as this box. The second chooses whose identity the box's
// attestations carry.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { sealboxRelease, setRunnerEnvironment } from '../../src/devstack/index.ts';
import { dispatchBox } from '../helpers/box-workflow.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

/** Asks the stack's Fulcio for a certificate for a fresh key of ours with `token`; what it says. */
async function certificateFor(token: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
  };
  const r = await fetch(`${ctx.stack.fulcioUrl}/api/v2/signingCert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      credentials: { oidcIdentityToken: token },
      publicKeyRequest: {
        publicKey: {
          algorithm: 'ECDSA',
          content: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }),
        },
        proofOfPossession: sign('sha256', Buffer.from(claims.sub), privateKey).toString('base64'),
      },
    }),
  });
  const body = (await r.json()) as {
    signedCertificateEmbeddedSct?: { chain: { certificates: string[] } };
  };
  const pem = body.signedCertificateEmbeddedSct?.chain.certificates[0] ?? '';
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const uri = `https://github.com/sealbox/sealbox/.github/workflows/box.yml@refs/tags/${sealboxRelease(ctx.stack).tag}`;
  return `HTTP ${r.status}, ${der.toString('latin1').includes(uri) ? `Build Signer URI ${uri}` : 'not for box.yml'}`;
}

test("a Fulcio URL in the runner's environment never receives the box's identity token", async () => {
  const tokens: string[] = [];
  // A Fulcio in front of the stack's: it keeps each token, and passes the request on.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const token = /"oidcIdentityToken":"([^"]+)"/.exec(body.toString())?.[1];
      if (token) tokens.push(token);
      void fetch(`${ctx.stack.fulcioUrl}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' ? undefined : body,
      }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' });
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  setRunnerEnvironment(ctx.stack, { SEALBOX_FULCIO_URL: `http://127.0.0.1:${port}` });
  try {
    const job = (await dispatchBox(ctx.stack, 'acme/fulcio')).job;
    const minted = tokens.length ? await certificateFor(tokens[0]!) : '';
    assert.deepEqual(
      tokens.length,
      0,
      `job ${job.conclusion ?? ''}: ${tokens.length} identity token(s) of the box reached the runner's Fulcio; with the first, a certificate for a key of its own: ${minted}`,
    );
    assert.equal(job.conclusion, 'failure');
    assert.match(job.log, /step "Refuse variables that inject code" failed/);
  } finally {
    setRunnerEnvironment(ctx.stack, {});
    server.close();
  }
});

test("an identity token in the runner's environment stops the box at the guard", async () => {
  const header = Buffer.from('{"alg":"none"}').toString('base64url');
  const payload = Buffer.from('{"sub":"someone else"}').toString('base64url');
  setRunnerEnvironment(ctx.stack, { SIGSTORE_ID_TOKEN: `${header}.${payload}.x` });
  try {
    const job = (await dispatchBox(ctx.stack, 'acme/token')).job;
    assert.equal(job.conclusion, 'failure');
    // Not later, when the box (its key made, its issue opened) hands that token to Fulcio.
    assert.match(job.log, /step "Refuse variables that inject code" failed/, job.log);
  } finally {
    setRunnerEnvironment(ctx.stack, {});
  }
});
