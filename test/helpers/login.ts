// A person logging in on the local stack, for tests: sealbox started in the
// background, its prompt read from standard error as it comes, and the
// person's part played over HTTP (consent page, device page) as a browser
// would, without a browser.
import { spawn } from 'node:child_process';
import type { DevStack } from '../../src/devstack/stack.ts';
import { REPO_ROOT, type CliResult } from './cli.ts';

export interface RunningSealbox {
  /** Resolves with the first match of `pattern` in standard error so far or to come. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  done: Promise<CliResult>;
}

/** The environment of a person's shell on the stack: no job token, no browser to open. */
/**
 * A person's terminal with no token at hand, no browser to open, and no
 * Sigstore to reach (127.0.0.1:9): for logins against an issuer a test
 * serves itself, which must end before anything is signed.
 */
export function loginOnlyEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    SIGSTORE_ID_TOKEN: '',
    ACTIONS_ID_TOKEN_REQUEST_URL: '',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: '',
    GITHUB_TOKEN: '',
    SEALBOX_OIDC_ISSUER: '',
    SEALBOX_FULCIO_URL: 'http://127.0.0.1:9/fulcio',
    SEALBOX_REKOR_URL: 'http://127.0.0.1:9/rekor',
    BROWSER: '',
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    ...extra,
  };
}

export function personEnv(stack: DevStack, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    SEALBOX_OIDC_ISSUER: stack.loginUrl,
    SEALBOX_FULCIO_URL: stack.fulcioUrl,
    SEALBOX_REKOR_URL: stack.rekorUrl,
    SIGSTORE_ID_TOKEN: '',
    ACTIONS_ID_TOKEN_REQUEST_URL: '',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: '',
    GITHUB_TOKEN: '',
    GITHUB_REPOSITORY: '',
    BROWSER: '',
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    ...extra,
  };
}

export function startSealbox(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): RunningSealbox {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, ...args], {
    env: { ...process.env, ...env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiting]) {
      const m = w.pattern.exec(stderr);
      if (m) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    check();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  return {
    done,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        waiting.push({ pattern, resolve });
        check();
        void done.then((r) =>
          reject(new Error(`sealbox ended (${r.status}) before ${pattern}:\n${r.stderr}`)),
        );
      });
    },
  };
}

/** The login address sealbox printed (browser flow). */
export const LOGIN_URL = /^sealbox: {3}(http\S+\/auth\?\S+)$/m;
/** The device page and code sealbox printed (device flow). */
export const DEVICE_PROMPT = /open (\S+) and enter the code (\S+)$/m;

export interface Account {
  email?: string;
  connector?: string;
}

/**
 * Opens the consent page at `authorizeUrl` and allows or denies, as a browser
 * would; returns where the issuer sends the browser next (the redirect).
 */
export async function consent(
  authorizeUrl: string,
  action: 'allow' | 'deny',
  account: Account = {},
): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!request) throw new Error(`no consent form (${page.status}): ${html}`);
  const answer = await fetch(new URL('approve', authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      request,
      action,
      email: account.email ?? 'alice@example.com',
      connector: account.connector ?? 'https://github.com/login/oauth',
    }),
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location)
    throw new Error(`consent answered ${answer.status}: ${await answer.text()}`);
  return location;
}

/** Enters the code on the device page and allows or denies. */
export async function approveDevice(
  pageUrl: string,
  userCode: string,
  action: 'allow' | 'deny',
  account: Account = {},
): Promise<Response> {
  return fetch(pageUrl, {
    method: 'POST',
    body: new URLSearchParams({
      user_code: userCode,
      action,
      email: account.email ?? 'alice@example.com',
      connector: account.connector ?? 'https://github.com/login/oauth',
    }),
  });
}
