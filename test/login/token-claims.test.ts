// An identity token whose claims are not text (from --identity-token or an
// issuer) is bad input named as such: one line, exit 2, nothing written;
// never a library's TypeError.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-token-claims-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const jwt = (claims: Record<string, unknown>) =>
  [{ alg: 'RS256' }, claims]
    .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
    .join('.') + '.c2ln';

for (const [name, claims, why] of [
  [
    'an email claim that is an object',
    { iss: 'https://oauth2.sigstore.dev/auth', sub: 's', email: { a: 1 }, email_verified: true },
    'its email claim is not text',
  ],
  [
    'a subject that is a number',
    { iss: 'https://example.com', sub: 7 },
    'its sub claim is not text',
  ],
] as const) {
  test(`a token with ${name} is refused before any service is asked`, async () => {
    const input = writeUnsignedEnvelope(join(dir, 'in.json'));
    const out = join(dir, 'out.json');
    const r = await sealbox(
      ['envelope', 'sign', input, '--keyless', '-o', out, '--identity-token', jwt(claims)],
      {
        SEALBOX_FULCIO_URL: 'http://127.0.0.1:9/fulcio',
        SEALBOX_REKOR_URL: 'http://127.0.0.1:9/rekor',
      },
    );
    assert.equal(r.status, 2, r.stderr);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, new RegExp(`the identity token: ${why}`));
    assert.equal(existsSync(out), false);
  });
}
