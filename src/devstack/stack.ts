// The local stack: Sigstore (Fulcio, Rekor, TSA), an OIDC issuer speaking
// GitHub Actions' token protocol, and a GitHub-compatible REST API, served by
// one HTTP server on 127.0.0.1. Tests start it on a free port and stop it;
// `sealbox dev up` runs it until Ctrl-C.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DEFAULT_RUN, type RunIdentity } from './identity.ts';
import { WorkflowRunner, SEALBOX_REPOSITORY } from './runner.ts';
import {
  addStackRelease,
  packageVersion,
  releaseFiles,
  revokeStackRelease,
  stackAuthority,
} from './releases.ts';
import type { Release } from '../box/releases.ts';
import { GitHubApi } from './github-api.ts';
import { LoginIssuer } from './login.ts';
import { OidcIssuer } from './oidc.ts';
import {
  startSigstoreServices,
  type HandlerResult,
  type SigstoreServices,
} from './sigstore-services.ts';
import { loadState, type StackState } from './state.ts';

export interface StackOptions {
  /** State directory (keys, trusted root); default sealbox's cache folder. */
  stateDir?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /**
   * The directory the stack reads sealbox's box.yml, action.yml and
   * dist/index.js from, to commit and tag as its own release (default: this
   * package). Read once, at start: what a box then runs is that commit.
   */
  sealboxSource?: string;
}

export interface RunCredentials {
  /** ACTIONS_ID_TOKEN_REQUEST_URL */
  requestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  requestToken: string;
}

export interface Faults {
  /** Rekor answers 400 to every entry. */
  rekorRefuses?: boolean;
  /** Fulcio answers 503 to this many next requests (Infinity: down). */
  fulcioUnavailable?: number;
  /** Fulcio answers this much later (a slow service). */
  fulcioDelayMs?: number;
}

const MAX_BODY = 32 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: HandlerResult): void {
  res.writeHead(r.status, { 'content-type': r.contentType ?? 'text/plain', ...r.headers });
  res.end(r.body);
}

export class DevStack {
  readonly url: string;
  readonly state: StackState;
  readonly issuer: OidcIssuer;
  /** The issuer people log in through (browser or device flow), at loginUrl. */
  readonly login: LoginIssuer;
  readonly github: GitHubApi;
  /** Runs dispatched workflows (the sealbox Action in a child process). */
  runner!: WorkflowRunner;
  readonly faults: Faults;
  /** The stack's own sealbox release: its fake sealbox/sealbox at tag v<version>. */
  release!: Release;
  /** SHA-256 of the stack's CA certificate: its release list speaks for that CA only. */
  readonly authority: string;
  readonly #server: Server;
  readonly #runs = new Map<string, RunIdentity>();

  private constructor(
    url: string,
    state: StackState,
    issuer: OidcIssuer,
    login: LoginIssuer,
    github: GitHubApi,
    faults: Faults,
    server: Server,
    authority: string,
  ) {
    this.authority = authority;
    this.url = url;
    this.state = state;
    this.issuer = issuer;
    this.login = login;
    this.github = github;
    this.faults = faults;
    this.#server = server;
  }

  static async start(options: StackOptions = {}): Promise<DevStack> {
    const state = loadState(options.stateDir);
    const issuer = new OidcIssuer(state.keys.oidc);
    const login = new LoginIssuer(state.keys.login, issuer);
    const existing =
      state.fresh || !existsSync(state.trustedRootPath)
        ? undefined
        : JSON.parse(readFileSync(state.trustedRootPath, 'utf8'));
    const faults: Faults = {};
    const services = await startSigstoreServices(state, issuer, login, existing, faults);
    if (!existing)
      writeFileSync(state.trustedRootPath, JSON.stringify(services.trustedRoot, null, 2) + '\n');
    const github = new GitHubApi();
    const server = createServer((req, res) => {
      // `stack` is set before anyone learns the address, so before any request.
      stack.#route(req, res, services).catch((e: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: String((e as Error).message ?? e) });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const authority = stackAuthority(existing ?? services.trustedRoot);
    const stack = new DevStack(url, state, issuer, login, github, faults, server, authority);
    try {
      github.baseUrl = stack.githubApiUrl;
      github.sigstore = {
        fulcio_url: stack.fulcioUrl,
        rekor_url: stack.rekorUrl,
        tsa_url: stack.tsaUrl,
      };
      stack.release = stack.publishSealbox(
        releaseFiles(options.sealboxSource),
        `v${packageVersion()}`,
      );
      stack.runner = new WorkflowRunner(stack);
      writeFileSync(state.signingConfigPath, JSON.stringify(stack.signingConfig(), null, 2) + '\n');
    } catch (e) {
      // A listening server would keep the process alive behind the error.
      await stack.stop();
      throw e;
    }
    return stack;
  }

  get fulcioUrl() {
    return `${this.url}/fulcio`;
  }
  get rekorUrl() {
    return `${this.url}/rekor`;
  }
  get tsaUrl() {
    return `${this.url}/tsa/api/v1/timestamp`;
  }
  get oidcUrl() {
    return `${this.url}/oidc`;
  }
  /** The login issuer's address (what --oidc-issuer and SEALBOX_OIDC_ISSUER take); its name is LOGIN_ISSUER. */
  get loginUrl() {
    return `${this.url}/login`;
  }
  get githubApiUrl() {
    return `${this.url}/github/api`;
  }
  get githubServerUrl() {
    return `${this.url}/github`;
  }
  get trustedRootPath() {
    return this.state.trustedRootPath;
  }

  /**
   * Commits sealbox's files to the fake sealbox/sealbox (on `main`), tags the
   * commit and records it as a release of this stack. Returns the release.
   */
  publishSealbox(files: Record<string, string>, tag: string): Release {
    const commit = this.github.putFiles(SEALBOX_REPOSITORY, files);
    this.github.setTag(SEALBOX_REPOSITORY, tag, commit);
    addStackRelease(this.state, this.authority, { tag, commit });
    return { tag, commit };
  }

  /** Adds a commit of the fake sealbox/sealbox to this stack's release list under a tag. */
  listRelease(release: Release): void {
    addStackRelease(this.state, this.authority, release);
  }

  /** Revokes one of this stack's releases: boxes of that commit then fail `release`. */
  revokeRelease(release: Release, reason: string): void {
    revokeStackRelease(this.state, this.authority, release, reason);
  }

  /** A SigningConfig (v0.2) naming this stack's endpoints, as sign-bundle's --signing-config takes. */
  signingConfig() {
    const validFor = { start: '2020-01-01T00:00:00Z' };
    const service = (url: string) => ({
      url,
      majorApiVersion: 1,
      validFor,
      operator: 'sealbox-dev',
    });
    return {
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [service(this.fulcioUrl)],
      oidcUrls: [service(this.loginUrl)],
      rekorTlogUrls: [service(this.rekorUrl)],
      tsaUrls: [service(this.tsaUrl)],
      rekorTlogConfig: { selector: 'ANY' },
      tsaConfig: { selector: 'ANY' },
    };
  }

  /** Registers a simulated run: the token endpoint then answers for it. */
  registerRun(run: RunIdentity = DEFAULT_RUN): RunCredentials {
    const requestToken = randomBytes(24).toString('hex');
    this.#runs.set(requestToken, run);
    return { requestUrl: `${this.oidcUrl}/token?api-version=2.0`, requestToken };
  }

  /**
   * The environment a job of this run would see (what `dev up` prints as
   * export lines). Its GITHUB_TOKEN acts as github-actions[bot], as a job's
   * token does, with write access to the run's repository.
   */
  env(run: RunIdentity = DEFAULT_RUN, credentials = this.registerRun(run)): Record<string, string> {
    const token = this.github.jobToken(run.repository);
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: this.githubApiUrl,
      GITHUB_SERVER_URL: this.githubServerUrl,
      GITHUB_REPOSITORY: run.repository,
      GITHUB_REPOSITORY_ID: String(run.repositoryId),
      GITHUB_REPOSITORY_OWNER: run.repository.split('/')[0]!,
      GITHUB_SHA: run.sha,
      GITHUB_REF: run.ref,
      GITHUB_RUN_ID: String(run.runId),
      GITHUB_RUN_ATTEMPT: String(run.runAttempt),
      GITHUB_WORKFLOW_REF: `${run.repository}/${run.workflowPath}@${run.ref}`,
      GITHUB_TOKEN: token,
      RUNNER_ENVIRONMENT: run.runnerEnvironment,
      ACTIONS_ID_TOKEN_REQUEST_URL: credentials.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: credentials.requestToken,
      SEALBOX_FULCIO_URL: this.fulcioUrl,
      SEALBOX_REKOR_URL: this.rekorUrl,
      SEALBOX_TSA_URL: this.tsaUrl,
      // No trusted root: which root to trust is the verifier's decision, made
      // with --trusted-root, never taken silently from the environment.
    };
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #route(
    req: IncomingMessage,
    res: ServerResponse,
    services: SigstoreServices,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    if (path.startsWith('/github/')) return this.github.handle(req, res, url, await readBody(req));
    if (path.startsWith('/login/')) {
      const body = req.method === 'POST' ? await readBody(req) : '';
      return send(
        res,
        await this.login.handle(
          req.method ?? 'GET',
          path.slice('/login'.length),
          url.searchParams,
          body,
          this.loginUrl,
        ),
      );
    }
    if (req.method === 'POST' && path === '/fulcio/api/v2/signingCert') {
      const body = await readBody(req);
      if (this.faults.fulcioDelayMs)
        await new Promise((r) => setTimeout(r, this.faults.fulcioDelayMs));
      if ((this.faults.fulcioUnavailable ?? 0) > 0) {
        this.faults.fulcioUnavailable!--;
        return send(res, {
          status: 503,
          body: JSON.stringify({ message: 'unavailable (fault injected)' }),
          contentType: 'application/json',
        });
      }
      return send(res, await services.fulcio(body));
    }
    if (req.method === 'POST' && path === '/rekor/api/v1/log/entries')
      return send(res, await services.rekor(await readBody(req)));
    if (req.method === 'POST' && path === '/rekor/api/v2/log/entries') {
      return send(res, await services.rekorV2(await readBody(req)));
    }
    if (req.method === 'POST' && path === '/tsa/api/v1/timestamp')
      return send(res, await services.tsa(await readBody(req)));
    if (req.method === 'GET' && path === '/oidc/.well-known/openid-configuration') {
      return send(res, {
        status: 200,
        body: JSON.stringify(this.issuer.discovery(this.oidcUrl)),
        contentType: 'application/json',
      });
    }
    if (req.method === 'GET' && path === '/oidc/.well-known/jwks') {
      return send(res, {
        status: 200,
        body: JSON.stringify(await this.issuer.jwks()),
        contentType: 'application/json',
      });
    }
    if (req.method === 'GET' && path === '/oidc/token')
      return send(res, await this.#actionsToken(req, url));
    send(res, {
      status: 404,
      body: JSON.stringify({ message: 'Not Found' }),
      contentType: 'application/json',
    });
  }

  // GitHub Actions' ID token endpoint: bearer request token, optional audience.
  async #actionsToken(req: IncomingMessage, url: URL): Promise<HandlerResult> {
    const auth = /^bearer (.+)$/i.exec(req.headers.authorization ?? '');
    const run = auth ? this.#runs.get(auth[1]!) : undefined;
    if (!run)
      return {
        status: 401,
        body: JSON.stringify({ message: 'Bad credentials' }),
        contentType: 'application/json',
      };
    const audience = url.searchParams.get('audience') ?? this.githubServerUrl;
    const value = await this.issuer.mint(run, { audience });
    return {
      status: 200,
      body: JSON.stringify({ count: 1, value }),
      contentType: 'application/json',
    };
  }
}
