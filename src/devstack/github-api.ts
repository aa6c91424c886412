// A GitHub-compatible REST API: the subset sealbox uses, with the behaviours
// that matter to a client under load (pagination with Link headers, `since`,
// ETag and 304, rate-limit headers, secondary limits and 5xx on demand) and an
// injectable clock; GitHub's permission model where sealbox relies on it
// (github-access.ts), issue locks, the edit record of issues and comments
// (read through the GraphQL subset in github-graphql.ts) and users' SSH
// signing keys. Shapes follow GitHub's OpenAPI description; the tests check
// them against @octokit/openapi.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import snappy from 'snappyjs';
import {
  ACTIONS_BOT,
  DENIED,
  LOCK_REASONS,
  LOCKING_DOCS,
  REPOSITORY_ROLES,
  atLeast,
  mayChangeComment,
  mayEditIssue,
  sameRepository,
  type GitHubUser,
  type LockReason,
  type Principal,
  type RepositoryRole,
} from './github-access.ts';
import { GraphqlEndpoint } from './github-graphql.ts';
import { GitHubJson } from './github-json.ts';
import { canonicalSshPublicKey } from './ssh-public-key.ts';
import { sourceArchive } from './tarball.ts';

import {
  NEVER_EDITED,
  recordEdit,
  type CommentRecord,
  type IssueRecord,
  type ListingPage,
  type PageHook,
  type SshSigningKey,
} from './github-records.ts';

export type { GitHubUser, LockReason, RepositoryRole } from './github-access.ts';
export type {
  CommentRecord,
  ContentEdit,
  EditRecord,
  IssueRecord,
  ListingPage,
  PageHook,
  SshSigningKey,
} from './github-records.ts';

interface Attestation {
  id: number;
  repo: string;
  bundle: unknown;
  digests: string[];
}

export interface WorkflowRun {
  id: number;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | null;
  run_attempt: number;
  created_at: string;
  updated_at: string;
  /** The commit the run checked out (the head of ref when dispatched). */
  head_sha?: string;
  /** The workflow's run-name, evaluated (GitHub shows it as the run's title). */
  display_title?: string;
  /** Who dispatched it. */
  actor?: GitHubUser;
}

/** A commit of a repository's files, as the contents API serves them. */
export interface Commit {
  repo: string;
  sha: string;
  branch: string;
  files: Map<string, string>;
}

/** A fault the next matching request gets instead of its answer (or, with delayMs alone, before it). */
export interface Fault {
  status?: 429 | 403 | 500 | 502 | 503;
  /** Answer this much later (a slow response); with no status, the answer itself is normal. */
  delayMs?: number;
  /** Retry-After seconds (secondary rate limits send it). */
  retryAfter?: number;
  /** A secondary rate limit (403 with GitHub's message). */
  secondary?: boolean;
  /** Only requests whose path contains this. */
  pathIncludes?: string;
  /** Drop the connection instead of answering. */
  drop?: boolean;
}

const RATE_LIMIT = 5000;
/** A login from a URL path segment, lower-cased ('' for a malformed escape, which names no one). */
function loginSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return '';
  }
}

type Json = Record<string, unknown>;

export class HttpError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  /** GitHub's `errors` array of a 422. */
  readonly errors?: unknown[];
  constructor(
    status: number,
    message: string,
    options: { documentationUrl?: string; errors?: unknown[] } = {},
  ) {
    super(message);
    this.status = status;
    this.documentationUrl = options.documentationUrl ?? 'https://docs.github.com/rest';
    this.errors = options.errors;
  }
}

/** The CORS headers api.github.com sends on every answer, and on a preflight. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
};
const CORS_PREFLIGHT = {
  'access-control-allow-headers':
    'Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, Accept-Encoding, X-GitHub-OTP, X-Requested-With, User-Agent, GraphQL-Features, X-Github-Next-Global-ID, X-GitHub-Api-Version',
  'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE',
  'access-control-max-age': '86400',
};

export class GitHubApi {
  /** Set by the stack once it listens: http://HOST/github/api */
  baseUrl = 'http://127.0.0.1/github/api';
  /**
   * The instance's Sigstore, served in GET /meta (member `sigstore`): where
   * a job on this instance signs (github.com's is public-good, asked of no one).
   */
  sigstore?: { fulcio_url: string; rekor_url: string; tsa_url?: string };
  /** The server's clock, for created_at/updated_at; tests may replace it. */
  now: () => Date = () => new Date();
  /** Serve attestations with a `bundle_url` (snappy-compressed JSON) as GitHub now does. */
  attestationBundleUrls = false;
  /**
   * A fault: comment edits leave no record in GraphQL's edit history (what a
   * box cannot rule out offline: GitHub failing to record an edit).
   */
  forgetCommentEdits = false;
  readonly faults: Fault[] = [];
  /**
   * Called on every workflow dispatch and re-run, before the run is listed;
   * it may refuse the dispatch by throwing an HttpError (422, as GitHub does
   * for inputs the workflow does not declare). The stack's runner runs the job.
   */
  onDispatch?: (run: WorkflowRun) => void;
  readonly commits: Commit[] = [];

  /** Hooks into comment listings in flight (see PageHook); run-once ones are removed when run. */
  readonly pageHooks: PageHook[] = [];
  /** Every GraphQL document received, for checking them against GitHub's schema. */
  readonly graphqlDocuments = new Set<string>();

  #nextId = 1000;
  readonly #users = new Map<string, GitHubUser>([[ACTIONS_BOT.login, { ...ACTIONS_BOT }]]);
  readonly #repoIds = new Map<string, number>();
  readonly #tokens = new Map<string, { login: string; installationRepository?: string }>();
  readonly #roles = new Map<string, Map<string, RepositoryRole>>();
  readonly #sshSigningKeys = new Map<string, SshSigningKey[]>();
  readonly #issues: IssueRecord[] = [];
  readonly #comments: CommentRecord[] = [];
  readonly #attestations: Attestation[] = [];
  readonly #tags = new Map<string, Map<string, string>>();
  /** A fork (lower-cased) -> its network's root repository (lower-cased). */
  readonly #forks = new Map<string, string>();
  readonly #json = new GitHubJson({
    baseUrl: () => this.baseUrl,
    association: (repo, u) => this.#association(repo, u),
    commentCount: (repo, issue) =>
      this.#comments.filter((c) => c.repo === repo && c.issue === issue).length,
    repositoryId: (full) => this.#repoId(full),
    user: (login) => this.user(login),
  });
  readonly #graphql = new GraphqlEndpoint({
    issue: (repository, number) =>
      this.#issues.find((i) => i.repo === repository && i.number === number),
    issueById: (id) => this.#issues.find((i) => i.id === id),
    comments: (repository, number) =>
      this.#comments
        .filter((c) => c.repo === repository && c.issue === number)
        .sort((a, b) => a.id - b.id),
    commentById: (id) => this.#comments.find((c) => c.id === id),
    userById: (id) => [...this.#users.values()].find((u) => u.id === id),
    repositoryId: (repository) => this.#repoId(repository),
    beforePage: (page) => this.#runPageHooks(page),
  });
  readonly runs: WorkflowRun[] = [];
  #remaining = RATE_LIMIT;
  #resetAt = 0;
  /** Requests answered (304s included), for tests of polling cost. */
  requests = 0;
  /** Every request with its answer's status, for accounting (benchmarks). */
  readonly log: { method: string; path: string; status: number }[] = [];
  /** Called before each API request is answered (tests: comments added mid-pagination). */
  beforeRequest?: (method: string, path: string, query: URLSearchParams) => void;

  /** A personal access token that authenticates as this user (created if new). */
  tokenFor(login: string, id?: number): string {
    if (login.toLowerCase() === ACTIONS_BOT.login)
      throw new Error(
        `${ACTIONS_BOT.login} acts only through a job's token: use jobToken(repository)`,
      );
    const user = this.user(login, id);
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    this.#tokens.set(token, { login: user.login });
    return token;
  }

  /**
   * A job's GITHUB_TOKEN for a workflow run in `repository`: an installation
   * token acting as github-actions[bot], with write access to that
   * repository's issues and read access elsewhere; GET /user refuses it.
   */
  jobToken(repository: string): string {
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    this.#tokens.set(token, { login: ACTIONS_BOT.login, installationRepository: repository });
    return token;
  }

  /** The user with this login (created, with this id or the next free one, if new). */
  user(login: string, id?: number): GitHubUser {
    let u = this.#users.get(login.toLowerCase());
    if (!u) {
      u = { login, id: id ?? this.#nextId++ };
      this.#users.set(login.toLowerCase(), u);
    }
    return u;
  }

  /** Gives a user a role on a repository (null takes it away). The owner is always admin. */
  setRole(repository: string, login: string, role: RepositoryRole | null): void {
    if (role !== null && !REPOSITORY_ROLES.includes(role))
      throw new Error(`unknown repository role ${String(role)}`);
    const key = repository.toLowerCase();
    const roles = this.#roles.get(key) ?? new Map<string, RepositoryRole>();
    if (role === null) roles.delete(login.toLowerCase());
    else roles.set(login.toLowerCase(), role);
    this.#roles.set(key, roles);
  }

  /** A user's role on a repository: admin for its owner, a collaborator's role, else read. */
  roleOf(repository: string, login: string): RepositoryRole {
    if (repository.split('/')[0]!.toLowerCase() === login.toLowerCase()) return 'admin';
    return this.#roles.get(repository.toLowerCase())?.get(login.toLowerCase()) ?? 'read';
  }

  /** Locks an issue's conversation (with a reason or none), or unlocks it (`false`). */
  setLock(repository: string, issueNumber: number, lock: LockReason | null | false): void {
    const issue = this.#issue(repository, issueNumber);
    issue.locked = lock !== false;
    issue.active_lock_reason = lock === false ? null : lock;
    issue.updated_at = this.#stamp();
  }

  lockState(
    repository: string,
    issueNumber: number,
  ): { locked: boolean; reason: LockReason | null } {
    const issue = this.#issue(repository, issueNumber);
    return { locked: issue.locked, reason: issue.active_lock_reason };
  }

  /** Replaces a user's SSH signing keys (OpenSSH public key lines); returns them as GitHub lists them. */
  setSshSigningKeys(
    login: string,
    keys: (string | { key: string; title?: string })[],
  ): SshSigningKey[] {
    const user = this.user(login);
    const records = keys.map((k, n) => {
      const { key, title } = typeof k === 'string' ? { key: k, title: undefined } : k;
      const canonical = canonicalSshPublicKey(key);
      if (!canonical) throw new Error(`key ${n + 1} of ${login} is not an OpenSSH public key`);
      return {
        id: this.#nextId++,
        key: canonical,
        title: title ?? `key ${n + 1}`,
        created_at: this.#stamp(),
      };
    });
    this.#sshSigningKeys.set(user.login.toLowerCase(), records);
    return records.map((r) => ({ ...r }));
  }

  /** Serves GitHub's time from `at` (frozen), or from the real clock again (no argument). */
  setClock(at?: Date | string | (() => Date)): void {
    if (at === undefined) this.now = () => new Date();
    else if (typeof at === 'function') this.now = at;
    else {
      const frozen = new Date(at);
      if (Number.isNaN(frozen.getTime())) throw new Error(`not a time: ${String(at)}`);
      this.now = () => new Date(frozen);
    }
  }

  /** Moves a frozen clock on (or freezes the clock this far ahead). */
  advanceClock(seconds: number): void {
    this.setClock(new Date(this.now().getTime() + seconds * 1000));
  }

  /** Adds a hook into comment listings in flight. */
  betweenPages(hook: PageHook): void {
    this.pageHooks.push(hook);
  }

  /**
   * Adds comments straight to the store (floods and fixtures: 10,000 comments
   * through HTTP would test the client's patience, not the server).
   */
  seedComments(
    repository: string,
    issueNumber: number,
    author: GitHubUser,
    bodies: string[],
  ): void {
    this.#issue(repository, issueNumber);
    const now = this.#stamp();
    for (const body of bodies) {
      this.#comments.push({
        id: this.#nextId++,
        repo: repository,
        issue: issueNumber,
        body,
        user: author,
        created_at: now,
        updated_at: now,
        ...NEVER_EDITED(),
      });
    }
  }

  /** Commits files to a repository's branch (a new commit on top of the last); returns its sha. */
  putFiles(repository: string, files: Record<string, string>, branch = 'main'): string {
    const parent = this.commitAt(repository, branch);
    const merged = new Map(parent?.files ?? []);
    for (const [path, text] of Object.entries(files)) merged.set(path, text);
    const sha = createHash('sha1')
      .update(`${repository}\0${branch}\0${parent?.sha ?? ''}\0${JSON.stringify([...merged])}`)
      .digest('hex');
    this.commits.push({ repo: repository, sha, branch, files: merged });
    return sha;
  }

  /** Points a tag of the repository at a commit of it (moving the tag if it exists). */
  setTag(repository: string, tag: string, sha: string): void {
    if (!this.commitAt(repository, sha))
      throw new Error(`${repository} has no commit ${sha} to tag ${tag}`);
    const tags = this.#tags.get(repository.toLowerCase()) ?? new Map<string, string>();
    tags.set(tag, sha);
    this.#tags.set(repository.toLowerCase(), tags);
  }

  /**
   * Makes `fork` a fork of `parent`: they share one network, in which GitHub
   * resolves any commit by its sha from either repository ("impostor commits").
   */
  fork(parent: string, fork: string): void {
    this.#forks.set(fork.toLowerCase(), this.#networkOf(parent));
  }

  #networkOf(repository: string): string {
    return this.#forks.get(repository.toLowerCase()) ?? repository.toLowerCase();
  }

  /**
   * The commit a ref names, as GitHub resolves a ref in `uses:`, the contents
   * API and archives: a full sha (from anywhere in the repository's fork
   * network), refs/tags/T or refs/heads/B, or a short name (a tag first, then
   * a branch). `ref` comes back fully qualified, as job_workflow_ref says it.
   */
  resolveRef(repository: string, ref: string): { commit: Commit; ref: string } | undefined {
    if (/^[0-9a-f]{40}$/.test(ref)) {
      const network = this.#networkOf(repository);
      const commit = this.commits.find((c) => c.sha === ref && this.#networkOf(c.repo) === network);
      return commit && { commit, ref };
    }
    const tags = this.#tags.get(repository.toLowerCase());
    const tagged = (name: string) => {
      const sha = tags?.get(name);
      const commit = sha ? this.commits.find((c) => c.sha === sha) : undefined;
      return commit && { commit, ref: `refs/tags/${name}` };
    };
    const branch = (name: string) => {
      const commit = this.commits
        .filter((c) => c.repo.toLowerCase() === repository.toLowerCase() && c.branch === name)
        .pop();
      return commit && { commit, ref: `refs/heads/${name}` };
    };
    if (ref.startsWith('refs/tags/')) return tagged(ref.slice('refs/tags/'.length));
    if (ref.startsWith('refs/heads/')) return branch(ref.slice('refs/heads/'.length));
    return tagged(ref) ?? branch(ref);
  }

  /** The commit a ref names: a sha, a tag, a branch (the last commit on it), or refs/heads/BRANCH. */
  commitAt(repository: string, ref: string): Commit | undefined {
    return this.resolveRef(repository, ref)?.commit;
  }

  /** Sets the remaining core rate limit (0 makes the next requests fail until reset). */
  setRateLimit(remaining: number, resetInSeconds = 60): void {
    this.#remaining = remaining;
    this.#resetAt = Math.floor(this.now().getTime() / 1000) + resetInSeconds;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    // Browsers may call the API from any page, as GitHub allows (CORS).
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_PREFLIGHT).end();
      return;
    }
    this.requests++;
    const path = url.pathname;
    if (path.startsWith('/github/bundles/')) return this.#serveBundle(res, path);
    const archive = /^\/github\/([^/]+\/[^/]+)\/archive\/(.+)\.tar\.gz$/.exec(path);
    if (archive && !path.startsWith('/github/api/')) return this.#serveArchive(res, archive);
    const apiPath = path.replace(/^\/github\/api/, '');
    this.beforeRequest?.(req.method ?? 'GET', apiPath, url.searchParams);
    const fault = this.#takeFault(`${apiPath}${url.search}`);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) {
      res.socket?.destroy();
      return;
    }
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (this.#resetAt <= nowSeconds) {
      this.#remaining = RATE_LIMIT;
      this.#resetAt = nowSeconds + 3600;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-reset': String(this.#resetAt),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
    };
    const reply = (status: number, json: unknown, extra: Record<string, string> = {}) => {
      this.log.push({ method: req.method ?? 'GET', path: `${apiPath}${url.search}`, status });
      headers['x-ratelimit-remaining'] = String(this.#remaining);
      headers['x-ratelimit-used'] = String(RATE_LIMIT - this.#remaining);
      res.writeHead(status, { ...headers, ...extra });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    if (fault?.status) {
      const extra: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      const message = fault.secondary
        ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
        : fault.status === 429
          ? 'Too Many Requests'
          : 'Server Error';
      return reply(
        fault.status,
        { message, documentation_url: 'https://docs.github.com/rest' },
        extra,
      );
    }
    if (this.#remaining <= 0) {
      return reply(403, {
        message: 'API rate limit exceeded',
        documentation_url: 'https://docs.github.com/rest/rate-limit',
      });
    }
    try {
      const who = this.#authenticate(req);
      if (apiPath === '/graphql' && req.method === 'POST') {
        headers['x-ratelimit-resource'] = 'graphql';
        if (!who)
          throw new HttpError(401, 'This endpoint requires you to be authenticated.', {
            documentationUrl:
              'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
          });
        const answer = await this.#graphql.answer(body, who, (document) =>
          this.graphqlDocuments.add(document),
        );
        this.#remaining--;
        return reply(answer.status, answer.json);
      }
      const listing = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(apiPath);
      if (listing && req.method === 'GET') {
        await this.#runPageHooks({
          via: 'rest',
          repository: listing[1]!,
          issue: Number(listing[2]),
          page: Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1),
        });
      }
      const result = this.#dispatch(req.method ?? 'GET', apiPath, url.searchParams, body, who);
      if (result.status === 204) {
        this.#remaining--;
        return reply(204, undefined);
      }
      const text = JSON.stringify(result.json);
      const etag = `W/"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;
      if (req.method === 'GET' && req.headers['if-none-match'] === etag) {
        // A conditional request answered 304 does not count against the limit.
        return reply(304, undefined, { etag });
      }
      this.#remaining--;
      const extra: Record<string, string> = req.method === 'GET' ? { etag } : {};
      if (result.link) extra.link = result.link;
      reply(result.status, result.json, extra);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      this.#remaining--;
      reply(e.status, {
        message: e.message,
        ...(e.errors ? { errors: e.errors } : {}),
        documentation_url: e.documentationUrl,
        status: String(e.status),
      });
    }
  }

  async #runPageHooks(page: ListingPage): Promise<void> {
    const matching = this.pageHooks.filter(
      (h) =>
        (h.repository === undefined || sameRepository(h.repository, page.repository)) &&
        (h.issue === undefined || h.issue === page.issue) &&
        (h.page ?? 2) === page.page &&
        (h.via === undefined || h.via === page.via),
    );
    for (const hook of matching) {
      if (!hook.every) this.pageHooks.splice(this.pageHooks.indexOf(hook), 1);
      await hook.act(page);
    }
  }

  #takeFault(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.pathIncludes || path.includes(f.pathIncludes));
    return i === -1 ? undefined : this.faults.splice(i, 1)[0];
  }

  #authenticate(req: IncomingMessage): Principal | undefined {
    const m = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const token = this.#tokens.get(m[1]!);
    if (!token) throw new HttpError(401, 'Bad credentials');
    return {
      user: this.#users.get(token.login.toLowerCase())!,
      installationRepository: token.installationRepository,
    };
  }

  /** A principal's role on a repository: a job's token writes to its own repository only. */
  #role(repo: string, who: Principal): RepositoryRole {
    if (who.installationRepository !== undefined)
      return sameRepository(who.installationRepository, repo) ? 'write' : 'read';
    return this.roleOf(repo, who.user.login);
  }

  #deny(who: Principal): never {
    throw new HttpError(
      403,
      who.installationRepository !== undefined ? DENIED.integration : DENIED.user,
    );
  }

  #serveBundle(res: ServerResponse, path: string): void {
    const id = Number(path.split('/').pop());
    const att = this.#attestations.find((a) => a.id === id);
    if (!att) {
      res.writeHead(404).end();
      return;
    }
    const compressed = snappy.compress(new TextEncoder().encode(JSON.stringify(att.bundle)));
    res.writeHead(200, { 'content-type': 'application/x-snappy' });
    res.end(Buffer.from(compressed));
  }

  #dispatch(
    method: string,
    path: string,
    q: URLSearchParams,
    body: string,
    who: Principal | undefined,
  ) {
    const parse = (): Json => {
      try {
        return body ? (JSON.parse(body) as Json) : {};
      } catch {
        throw new HttpError(400, 'Problems parsing JSON');
      }
    };
    const needUser = (): Principal => {
      if (!who) throw new HttpError(401, 'Requires authentication');
      return who;
    };
    // What a job's token (an installation token) cannot do: act as a user.
    const needPerson = (): Principal => {
      const principal = needUser();
      if (principal.installationRepository !== undefined)
        throw new HttpError(403, DENIED.integration, {
          documentationUrl: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        });
      return principal;
    };
    let m: RegExpExecArray | null;
    const ok = (json: unknown, status = 200, link?: string) => ({ status, json, link });
    const noContent = () => ({ status: 204, json: undefined, link: undefined });

    if (method === 'GET' && path === '/meta')
      return ok({
        verifiable_password_authentication: false,
        ...(this.sigstore ? { sigstore: this.sigstore } : {}),
      });
    if (method === 'GET' && path === '/user')
      return ok(this.#json.publicUserJson(needPerson().user));
    if (method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(path))) {
      const u = this.#users.get(loginSegment(m[1]!));
      if (!u) throw new HttpError(404, 'Not Found');
      return ok(this.#json.publicUserJson(u));
    }
    if ((m = /^\/users\/([^/]+)\/ssh_signing_keys$/.exec(path)) && method === 'GET') {
      const u = this.#users.get(loginSegment(m[1]!));
      if (!u) throw new HttpError(404, 'Not Found');
      return this.#page(this.#sshSigningKeys.get(u.login.toLowerCase()) ?? [], q, path);
    }
    if (path === '/user/ssh_signing_keys') {
      const me = needPerson().user;
      const keys = this.#sshSigningKeys.get(me.login.toLowerCase()) ?? [];
      if (method === 'GET') return this.#page(keys, q, path);
      if (method === 'POST') {
        const input = parse();
        const invalid = (message: string) =>
          new HttpError(422, 'Validation Failed', {
            errors: [{ resource: 'SshSigningKey', code: 'custom', field: 'key', message }],
          });
        const key = typeof input.key === 'string' ? canonicalSshPublicKey(input.key) : undefined;
        if (!key)
          throw invalid('key is invalid. You must supply a key in OpenSSH public key format');
        if ([...this.#sshSigningKeys.values()].flat().some((k) => k.key === key))
          throw invalid('key is already in use');
        const record: SshSigningKey = {
          id: this.#nextId++,
          key,
          title: typeof input.title === 'string' ? input.title : '',
          created_at: this.#stamp(),
        };
        this.#sshSigningKeys.set(me.login.toLowerCase(), [...keys, record]);
        return ok(record, 201);
      }
    }
    if ((m = /^\/user\/ssh_signing_keys\/(\d+)$/.exec(path))) {
      const me = needPerson().user;
      const keys = this.#sshSigningKeys.get(me.login.toLowerCase()) ?? [];
      const key = keys.find((k) => k.id === Number(m![1]));
      if (!key) throw new HttpError(404, 'Not Found');
      if (method === 'GET') return ok(key);
      if (method === 'DELETE') {
        this.#sshSigningKeys.set(
          me.login.toLowerCase(),
          keys.filter((k) => k !== key),
        );
        return noContent();
      }
    }
    if (!(m = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(path))) throw new HttpError(404, 'Not Found');
    const repo = m[1]!;
    const rest = m[2] ?? '';
    // A job's token reads public repositories but writes to its own only.
    if (
      method !== 'GET' &&
      who?.installationRepository !== undefined &&
      !sameRepository(who.installationRepository, repo)
    )
      throw new HttpError(403, DENIED.integration);
    if (method === 'GET' && rest === '')
      return ok({ ...this.#json.repoJson(repo), default_branch: 'main', visibility: 'public' });

    if (method === 'GET' && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const u = this.#users.get(loginSegment(m[1]!));
      if (!u) throw new HttpError(404, 'Not Found');
      const role = this.roleOf(repo, u.login);
      // The legacy base role: maintain counts as write, triage as read.
      const permission = atLeast(role, 'admin')
        ? 'admin'
        : atLeast(role, 'write')
          ? 'write'
          : 'read';
      return ok({ permission, role_name: role, user: this.#json.collaboratorJson(u, role) });
    }

    if (method === 'POST' && rest === '/issues') {
      const author = needUser();
      const input = parse();
      if (typeof input.title !== 'string' || !input.title)
        throw new HttpError(422, 'Validation Failed: title');
      const now = this.#stamp();
      const issue: IssueRecord = {
        id: this.#nextId++,
        number: this.#issues.filter((i) => i.repo === repo).length + 1,
        repo,
        title: input.title,
        body: typeof input.body === 'string' ? input.body : null,
        state: 'open',
        // Without push access, labels on a new issue are silently dropped.
        labels:
          Array.isArray(input.labels) && atLeast(this.#role(repo, author), 'write')
            ? input.labels.map(String)
            : [],
        user: author.user,
        created_at: now,
        updated_at: now,
        closed_at: null,
        locked: false,
        active_lock_reason: null,
        ...NEVER_EDITED(),
      };
      this.#issues.push(issue);
      return ok(this.#json.issueJson(issue), 201);
    }
    if (method === 'GET' && rest === '/issues') {
      const state = q.get('state') ?? 'open';
      const labels = q.get('labels')?.split(',').filter(Boolean) ?? [];
      const since = q.get('since') ? Date.parse(q.get('since')!) : undefined;
      if (Number.isNaN(since)) throw new HttpError(422, 'Validation Failed: since');
      const items = this.#issues
        .filter(
          (i) =>
            i.repo === repo &&
            (state === 'all' || i.state === state) &&
            labels.every((l) => i.labels.includes(l)) &&
            (since === undefined || Date.parse(i.updated_at) >= since),
        )
        .sort((a, b) => b.number - a.number);
      return this.#page(
        items.map((i) => this.#json.issueJson(i)),
        q,
        `/repos/${repo}${rest}`,
      );
    }
    if ((m = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = this.#issue(repo, Number(m[1]));
      if (method === 'GET') return ok(this.#json.issueJson(issue));
      if (method === 'PATCH') {
        const editor = needUser();
        const role = this.#role(repo, editor);
        const input = parse();
        const changesIssue =
          typeof input.title === 'string' ||
          typeof input.body === 'string' ||
          input.state === 'open' ||
          input.state === 'closed';
        if (changesIssue && !mayEditIssue(role, editor, issue.user)) this.#deny(editor);
        const now = this.#stamp();
        if (typeof input.title === 'string') issue.title = input.title;
        if (typeof input.body === 'string' && input.body !== issue.body) {
          recordEdit(issue, editor.user, now);
          issue.body = input.body;
        }
        if (input.state === 'open' || input.state === 'closed') {
          issue.closed_at = input.state === 'closed' ? now : null;
          issue.state = input.state;
        }
        // Label changes without triage access are silently dropped, as on GitHub.
        if (Array.isArray(input.labels) && atLeast(role, 'triage'))
          issue.labels = input.labels.map(String);
        issue.updated_at = now;
        return ok(this.#json.issueJson(issue));
      }
    }
    if ((m = /^\/issues\/(\d+)\/lock$/.exec(rest))) {
      const issue = this.#issue(repo, Number(m[1]));
      const locker = needUser();
      if (!atLeast(this.#role(repo, locker), 'write')) this.#deny(locker);
      if (method === 'PUT') {
        const input = parse();
        const reason = input.lock_reason;
        if (reason !== undefined && !LOCK_REASONS.includes(reason as LockReason))
          throw new HttpError(422, 'Validation Failed', {
            errors: [{ resource: 'Issue', code: 'invalid', field: 'lock_reason' }],
          });
        this.setLock(repo, issue.number, (reason as LockReason | undefined) ?? null);
        return noContent();
      }
      if (method === 'DELETE') {
        this.setLock(repo, issue.number, false);
        return noContent();
      }
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = this.#issue(repo, Number(m[1]));
      if (method === 'GET') {
        const since = q.get('since');
        const sinceMs = since ? Date.parse(since) : undefined;
        if (since && Number.isNaN(sinceMs)) throw new HttpError(422, 'Validation Failed: since');
        const items = this.#comments
          .filter(
            (c) =>
              c.repo === repo &&
              c.issue === issue.number &&
              (sinceMs === undefined || Date.parse(c.updated_at) >= sinceMs),
          )
          .sort((a, b) => a.id - b.id);
        return this.#page(
          items.map((c) => this.#json.commentJson(c)),
          q,
          `/repos/${repo}${rest}`,
        );
      }
      if (method === 'POST') {
        const author = needUser();
        if (issue.locked && !atLeast(this.#role(repo, author), 'write'))
          throw new HttpError(403, DENIED.lockedCreate, { documentationUrl: LOCKING_DOCS });
        const input = parse();
        if (typeof input.body !== 'string' || !input.body)
          throw new HttpError(422, 'Validation Failed: body');
        if (input.body.length > 65536)
          throw new HttpError(
            422,
            'Validation Failed: body is too long (maximum is 65536 characters)',
          );
        const now = this.#stamp();
        const comment: CommentRecord = {
          id: this.#nextId++,
          repo,
          issue: issue.number,
          body: input.body,
          user: author.user,
          created_at: now,
          updated_at: now,
          ...NEVER_EDITED(),
        };
        this.#comments.push(comment);
        return ok(this.#json.commentJson(comment), 201);
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const id = Number(m[1]);
      const index = this.#comments.findIndex((c) => c.id === id && c.repo === repo);
      if (index === -1) throw new HttpError(404, 'Not Found');
      const comment = this.#comments[index]!;
      if (method === 'GET') return ok(this.#json.commentJson(comment));
      if (method === 'PATCH' || method === 'DELETE') {
        const actor = needUser();
        const issue = this.#issue(repo, comment.issue);
        const may = mayChangeComment(this.#role(repo, actor), actor, comment.user, issue.locked);
        if (may === 'denied') this.#deny(actor);
        if (may === 'locked')
          throw new HttpError(403, method === 'PATCH' ? DENIED.lockedUpdate : DENIED.lockedDelete, {
            documentationUrl: LOCKING_DOCS,
          });
      }
      if (method === 'PATCH') {
        const input = parse();
        if (typeof input.body !== 'string' || !input.body)
          throw new HttpError(422, 'Validation Failed: body');
        if (input.body !== comment.body) {
          const now = this.#stamp();
          if (!this.forgetCommentEdits) recordEdit(comment, who!.user, now);
          comment.body = input.body;
          comment.updated_at = now;
        }
        return ok(this.#json.commentJson(comment));
      }
      if (method === 'DELETE') {
        this.#comments.splice(index, 1);
        return noContent();
      }
    }
    if (method === 'POST' && rest === '/attestations') {
      needUser();
      const input = parse();
      const bundle = input.bundle as { dsseEnvelope?: { payload?: string } } | undefined;
      const payload = bundle?.dsseEnvelope?.payload;
      if (!payload)
        throw new HttpError(422, 'Validation Failed: bundle must carry a DSSE envelope');
      let digests: string[];
      try {
        const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as {
          subject: { digest: Record<string, string> }[];
        };
        digests = statement.subject.flatMap((s) =>
          Object.entries(s.digest).map(([alg, hex]) => `${alg}:${hex}`),
        );
      } catch {
        throw new HttpError(422, 'Validation Failed: the DSSE payload is not an in-toto statement');
      }
      const att: Attestation = { id: this.#nextId++, repo, bundle, digests };
      this.#attestations.push(att);
      return ok({ id: att.id }, 201);
    }
    if (method === 'GET' && (m = /^\/attestations\/([^/]+)$/.exec(rest))) {
      const digest = decodeURIComponent(m[1]!);
      const found = this.#attestations.filter((a) => a.repo === repo && a.digests.includes(digest));
      const server = this.baseUrl.replace(/\/api$/, '');
      return this.#page(
        found.map((a) => ({
          repository_id: 0,
          bundle: this.attestationBundleUrls ? undefined : a.bundle,
          bundle_url: this.attestationBundleUrls ? `${server}/bundles/${a.id}` : undefined,
        })),
        q,
        `/repos/${repo}${rest}`,
        (items) => ({ attestations: items }),
      );
    }
    if (method === 'POST' && (m = /^\/actions\/workflows\/([^/]+)\/dispatches$/.exec(rest))) {
      needUser();
      const input = parse();
      if (typeof input.ref !== 'string') throw new HttpError(422, 'Validation Failed: ref');
      const workflow = decodeURIComponent(m[1]!);
      const hasFiles = this.commits.some((c) => c.repo.toLowerCase() === repo.toLowerCase());
      if (hasFiles) {
        // GitHub dispatches only workflows that exist on the default branch;
        // the run then uses the file as it is at ref.
        if (!this.commitAt(repo, 'main')?.files.has(`.github/workflows/${workflow}`))
          throw new HttpError(404, 'Not Found');
        if (!this.commitAt(repo, input.ref))
          throw new HttpError(422, `No ref found for: ${input.ref}`);
      }
      const now = this.#stamp();
      const run: WorkflowRun = {
        id: this.#nextId++,
        repo,
        workflow,
        ref: input.ref,
        inputs: (input.inputs as Record<string, string>) ?? {},
        status: 'queued',
        conclusion: null,
        run_attempt: 1,
        created_at: now,
        updated_at: now,
        head_sha: this.commitAt(repo, input.ref)?.sha,
        actor: needUser().user,
      };
      this.onDispatch?.(run);
      this.runs.push(run);
      return { status: 204, json: undefined, link: undefined };
    }
    if (
      method === 'GET' &&
      (rest === '/actions/runs' || (m = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest)))
    ) {
      const workflow = rest === '/actions/runs' ? undefined : decodeURIComponent(m![1]!);
      const event = q.get('event');
      const items = this.runs
        .filter(
          (r) =>
            r.repo === repo &&
            (!workflow || r.workflow === workflow) &&
            (!event || event === 'workflow_dispatch'),
        )
        .sort((a, b) => b.id - a.id);
      return this.#page(
        items.map((r) => this.#json.runJson(r)),
        q,
        `/repos/${repo}${rest}`,
        (runs, total) => ({ total_count: total, workflow_runs: runs }),
      );
    }
    if (method === 'GET' && (m = /^\/actions\/runs\/(\d+)$/.exec(rest))) {
      const run = this.runs.find((r) => r.repo === repo && r.id === Number(m![1]));
      if (!run) throw new HttpError(404, 'Not Found');
      return ok(this.#json.runJson(run));
    }
    if (method === 'POST' && (m = /^\/actions\/runs\/(\d+)\/rerun$/.exec(rest))) {
      needUser();
      const run = this.runs.find((r) => r.repo === repo && r.id === Number(m![1]));
      if (!run) throw new HttpError(404, 'Not Found');
      if (run.status !== 'completed') throw new HttpError(403, 'This workflow is already running');
      run.run_attempt++;
      run.status = 'queued';
      run.conclusion = null;
      run.updated_at = this.#stamp();
      this.onDispatch?.(run);
      return ok({}, 201);
    }
    if (method === 'GET' && (m = /^\/contents\/(.+)$/.exec(rest))) {
      const path = decodeURIComponent(m[1]!);
      const commit = this.commitAt(repo, q.get('ref') ?? 'main');
      const text = commit?.files.get(path);
      if (text === undefined) throw new HttpError(404, 'Not Found');
      const bytes = Buffer.from(text, 'utf8');
      return ok({
        type: 'file',
        encoding: 'base64',
        size: bytes.length,
        name: path.split('/').pop(),
        path,
        content: bytes.toString('base64'),
        sha: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
        url: `${this.baseUrl}/repos/${repo}/contents/${path}`,
        git_url: null,
        html_url: null,
        download_url: null,
        _links: { self: `${this.baseUrl}/repos/${repo}/contents/${path}`, git: null, html: null },
      });
    }
    throw new HttpError(404, 'Not Found');
  }

  // github.com/OWNER/REPO/archive/REF.tar.gz: public source, no credentials.
  #serveArchive(res: ServerResponse, m: RegExpExecArray): void {
    const repo = decodeURIComponent(m[1]!);
    const found = this.resolveRef(repo, decodeURIComponent(m[2]!));
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const body = sourceArchive(`${repo.split('/')[1]}-${found.commit.sha}`, found.commit.files);
    res.writeHead(200, { 'content-type': 'application/x-gzip', 'content-length': body.length });
    res.end(body);
  }

  // GitHub's timestamps have whole seconds: 2026-01-02T03:04:05Z.
  #stamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  #issue(repo: string, number: number): IssueRecord {
    const issue = this.#issues.find((i) => i.repo === repo && i.number === number);
    if (!issue) throw new HttpError(404, 'Not Found');
    return issue;
  }

  // per_page (default 30, at most 100) and page, with RFC 5988 Link headers as GitHub sends them.
  #page(
    items: unknown[],
    q: URLSearchParams,
    path: string,
    wrap: (page: unknown[], total: number) => unknown = (p) => p,
  ) {
    const perPage = Math.min(Math.max(Number(q.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const params = new URLSearchParams(q);
      params.set('per_page', String(perPage));
      params.set('page', String(p));
      return `<${this.baseUrl}${path}?${params}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    return {
      status: 200,
      json: wrap(slice, items.length),
      link: links.length ? links.join(', ') : undefined,
    };
  }

  #repoId(full: string): number {
    let id = this.#repoIds.get(full.toLowerCase());
    if (id === undefined) this.#repoIds.set(full.toLowerCase(), (id = this.#nextId++));
    return id;
  }

  // OWNER for the repository's owner, COLLABORATOR for a user given a role, else NONE.
  #association(repo: string, u: GitHubUser): 'OWNER' | 'COLLABORATOR' | 'NONE' {
    if (repo.split('/')[0]!.toLowerCase() === u.login.toLowerCase()) return 'OWNER';
    return this.#roles.get(repo.toLowerCase())?.has(u.login.toLowerCase())
      ? 'COLLABORATOR'
      : 'NONE';
  }
}
