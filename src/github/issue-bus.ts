// The GitHub-issue bus: the box's issue (labelled `sealbox`), its comments
// read completely (per_page=100, every page), through Octokit.
import type { Octokit } from '@octokit/rest';
import { findArmour } from '../box/armour.ts';
import {
  announcementText,
  openingText,
  parseAnnouncement,
  resultTexts,
  type Announcement,
  type BoxBus,
  type SigningKey,
} from '../box/bus.ts';
import type { BusComment, EditRecord } from '../box/close-rules.ts';
import { commentEditListing, commentEditRecords } from './edit-record.ts';
import { sshSigningKeys } from './ssh-signing-keys.ts';
import type { GitHubIssueBus as IssueBusFields } from '../box/manifest.ts';
import { SealboxError } from '../errors.ts';
import { sha256Hex } from '../bytes.ts';
import { textSha256Chars } from '../box/packed.ts';
import { packWithheld, unpackWithheld, withheldFacts } from '../box/withheld-record.ts';

export const BOX_LABEL = 'sealbox';

const te = new TextEncoder();

/** A text's UTF-8 form is over `limit` bytes (UTF-8 takes one to three bytes a UTF-16 unit). */
function overLimit(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  return text.length * 3 > limit && te.encode(text).length > limit;
}

export interface IssueBusOptions {
  now?: () => Date;
  /** The status in the issue body is updated at most this often. */
  statusEveryMs?: number;
}

const toComment = (c: {
  id: number;
  user?: { id: number; login: string } | null;
  created_at: string;
  updated_at: string;
  body?: string | null;
}): BusComment => ({
  id: c.id,
  author_id: c.user?.id ?? 0,
  author_login: c.user?.login ?? '',
  created_at: c.created_at,
  // One string where they are equal (most comments; the box keeps many).
  updated_at: c.updated_at === c.created_at ? c.created_at : c.updated_at,
  body: c.body ?? '',
});

export class GitHubIssueBus implements BoxBus {
  readonly #octokit: Octokit;
  readonly #owner: string;
  readonly #repo: string;
  readonly #now: () => Date;
  readonly #statusEveryMs: number;
  #issue?: number;
  // What has been seen: a comment that carries or carried the armour whole
  // (until the box has judged it: then a packed record of its size and
  // digests, box/withheld-record.ts); any other by its id alone (armour appearing in
  // it later is an edit), so junk costs the box no memory for its body. Then,
  // for incremental polling, the newest updated_at and the last ETag.
  readonly #seen = new Map<number, BusComment | string>();
  readonly #plain = new Set<number>();
  #keepUpTo = Number.POSITIVE_INFINITY;
  #since?: string;
  #etag?: string;
  #announced?: Announcement;
  #statusAt = 0;

  constructor(octokit: Octokit, repository: string, issue?: number, options: IssueBusOptions = {}) {
    this.#octokit = octokit;
    [this.#owner, this.#repo] = repository.split('/') as [string, string];
    this.#issue = issue;
    this.#now = options.now ?? (() => new Date());
    this.#statusEveryMs = options.statusEveryMs ?? 60_000;
  }

  get address(): string {
    return `${this.#owner}/${this.#repo}${this.#issue ? `#${this.#issue}` : ''}`;
  }

  get issue(): number | undefined {
    return this.#issue;
  }

  /**
   * Opens the box's issue. Its author is who the job posts as (with the job's
   * GITHUB_TOKEN, github-actions[bot]): learnt from the issue itself, since
   * `GET /user` fails for that token.
   */
  async open(boxId: string): Promise<IssueBusFields> {
    const r = await this.#octokit.rest.issues.create({
      owner: this.#owner,
      repo: this.#repo,
      title: `sealbox box ${boxId}`,
      body: openingText(boxId),
      labels: [BOX_LABEL],
    });
    this.#issue = r.data.number;
    if (!r.data.user)
      throw new SealboxError('SERVICE', `${this.address}: the new issue has no author`);
    return {
      kind: 'github-issue',
      address: this.address,
      repository: `${this.#owner}/${this.#repo}`,
      issue: r.data.number,
      issue_node_id: r.data.node_id,
      author: { id: r.data.user.id, login: r.data.user.login },
    };
  }

  async announce(a: Announcement): Promise<void> {
    this.#announced = a;
    this.#statusAt = this.#now().getTime();
    await this.#octokit.rest.issues.update({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      body: announcementText(a),
    });
  }

  async lock(): Promise<void> {
    await this.#octokit.rest.issues.lock({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      lock_reason: 'resolved',
    });
  }

  async unlock(): Promise<void> {
    await this.#octokit.rest.issues.unlock({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
    });
  }

  async announcement(): Promise<Announcement | undefined> {
    if (this.#issue === undefined) return undefined;
    const r = await this.#octokit.rest.issues.get({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue,
    });
    return parseAnnouncement(r.data.body ?? '');
  }

  /**
   * Cheap polling while the box is open: only comments updated since the last
   * poll, with a conditional request (a 304 costs no rate limit). Returns
   * every comment seen so far that carries or carried the armour.
   */
  async poll(): Promise<BusComment[]> {
    const params = {
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      per_page: 100,
      ...(this.#since ? { since: this.#since } : {}),
    };
    let first;
    try {
      first = await this.#octokit.rest.issues.listComments({
        ...params,
        headers: this.#etag ? { 'if-none-match': this.#etag } : {},
      });
    } catch (e) {
      if ((e as { status?: number }).status === 304) return this.#sorted();
      throw e;
    }
    const more = Boolean(first.headers.link?.includes('rel="next"'));
    // A conditional request only proves "nothing new" when everything fits on
    // the first page: a new comment landing on page 2 leaves page 1's ETag as
    // it was.
    this.#etag = more ? undefined : first.headers.etag;
    // Follow the next links from here rather than start the listing again.
    const rest: (typeof first.data)[number][] = [];
    let next = more ? /<([^>]+)>;\s*rel="next"/.exec(first.headers.link ?? '')?.[1] : undefined;
    while (next) {
      const page = await this.#octokit.request({ method: 'GET', url: next });
      rest.push(...(page.data as typeof first.data));
      next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.link ?? '')?.[1];
    }
    for (const c of [...first.data, ...rest]) {
      const comment = toComment(c);
      await this.#remember(comment);
      if (!this.#since || comment.updated_at > this.#since) this.#since = comment.updated_at;
    }
    return this.#sorted();
  }

  /**
   * Over this many UTF-8 bytes, an armoured comment can only be rejected: the
   * box keeps of it its size and digests, not its body (BusComment.withheld).
   */
  keepBodiesUpTo(maxBytes: number): void {
    this.#keepUpTo = maxBytes;
  }

  /**
   * Records a comment as read now. One that carries or carried the armour is
   * kept and returned, marked when its body differs from one seen before
   * (kept for the final listing too), with the last armour seen in it: a
   * comment whose armour is edited away is still an armoured comment,
   * rejected as edited. Over keepBodiesUpTo's bytes, or once released, it
   * is kept as its size and digests. Any other is kept by its id alone.
   */
  async #remember(c: BusComment): Promise<BusComment | undefined> {
    const stored = this.#seen.get(c.id);
    const armour = findArmour(c.body);
    if (stored === undefined && armour === undefined) {
      this.#plain.add(c.id);
      return undefined;
    }
    // A withheld one: only the facts a new reading is compared with.
    const kept = typeof stored === 'string' ? withheldFacts(stored) : undefined;
    const before = typeof stored === 'string' ? undefined : stored;
    // Once withheld, always (an edit is told by the body's digest; armour
    // edited away survives as its digest); else over the limit.
    const withhold = Boolean(kept) || (armour !== undefined && overLimit(c.body, this.#keepUpTo));
    // What tells an edit: the body itself, or the digest of a withheld one.
    const body = withhold ? await textSha256Chars(c.body) : c.body;
    // First seen with armour after being seen without: it was edited in.
    const edited = kept
      ? kept.edited || kept.bodySha256 !== body
      : before
        ? before.edited || before.body !== body
        : this.#plain.delete(c.id);
    if (withhold) {
      const armourSha256 =
        armour !== undefined ? await sha256Hex(te.encode(armour)) : kept!.armourSha256;
      const comment: BusComment = {
        ...c,
        body: '',
        withheld: { bytes: te.encode(c.body).length, armourSha256 },
      };
      if (edited) comment.edited = true;
      const record = packWithheld(comment, body);
      // The record as it was when nothing changed.
      if (record !== stored) this.#seen.set(c.id, record);
      return comment;
    }
    const armourSeen =
      armour === undefined
        ? (findArmour(before?.body ?? '') ?? before?.armourSeen)
        : before?.armourSeen;
    const comment: BusComment = {
      ...c,
      // One copy of a body read again unchanged (the box's records share it).
      body: before?.body === c.body ? before.body : c.body,
      ...(armourSeen !== undefined ? { armourSeen } : {}),
    };
    if (edited) comment.edited = true;
    this.#seen.set(c.id, comment);
    return comment;
  }

  /**
   * The box has judged this comment: unless its body changed since, keep of
   * it only its size and digests from now on (BusComment.withheld).
   */
  async release(comment: BusComment, armourSha256: string): Promise<void> {
    const kept = this.#seen.get(comment.id);
    if (typeof kept !== 'object' || kept.body !== comment.body) return;
    const withheld: BusComment = {
      ...kept,
      body: '',
      withheld: { bytes: te.encode(kept.body).length, armourSha256 },
    };
    delete withheld.armourSeen;
    this.#seen.set(kept.id, packWithheld(withheld, await textSha256Chars(kept.body)));
  }

  /** Every armoured comment seen, withheld ones as their records tell them. */
  #sorted(): BusComment[] {
    const all: BusComment[] = [];
    for (const [id, kept] of this.#seen)
      all.push(typeof kept === 'string' ? unpackWithheld(id, kept).comment : kept);
    return all.sort((a, b) => a.id - b.id);
  }

  /**
   * Every comment, completely: all pages, each comment once (by id, so a
   * comment that shifts pages while they are read is not counted twice), and
   * at least as many as the issue's own comment count read right after; a
   * listing short of it throws (the box lists again, and aborts if it must).
   */
  async comments(): Promise<BusComment[]> {
    const { comments } = await this.#listAll(true);
    this.#complete(
      comments.size,
      (await this.#octokit.rest.issues.get(this.#params())).data.comments,
    );
    return this.#sortedOf(comments);
  }

  /**
   * The box's final listing: every comment (all REST pages, as comments()
   * reads them) with GitHub's edit record of each (GraphQL, read after),
   * complete as comments() checks it, against the comment count the GraphQL
   * pages carry (no separate request for the issue), and holding every
   * comment those pages name. Returns the comments that carry or carried the
   * armour (the others are counted, not kept).
   */
  async commentsWithEditRecords(): Promise<BusComment[]> {
    const { ids, comments } = await this.#listAll(false);
    const { records, totalCount } = await commentEditListing(
      this.#octokit,
      `${this.#owner}/${this.#repo}`,
      this.#issue!,
    );
    const expected =
      totalCount ?? (await this.#octokit.rest.issues.get(this.#params())).data.comments;
    this.#complete(ids.size, expected);
    for (const id of records.keys())
      if (!ids.has(id))
        throw new SealboxError(
          'SERVICE',
          `${this.address}: comment ${id} has an edit record but is not in the listing`,
        );
    return this.#sortedOf(comments).map((c) => ({ ...c, editRecord: records.get(c.id) }));
  }

  #params() {
    return { owner: this.#owner, repo: this.#repo, issue_number: this.#issue! };
  }

  /**
   * Every page, each comment once by id (one that shifts pages while they
   * are read is not counted twice); page by page, so that only the comments
   * kept outlive their page. `all`: keep every comment, not only the armoured.
   */
  async #listAll(all: boolean): Promise<{ ids: Set<number>; comments: Map<number, BusComment> }> {
    const ids = new Set<number>();
    const comments = new Map<number, BusComment>();
    for await (const page of this.#octokit.paginate.iterator(
      this.#octokit.rest.issues.listComments,
      { ...this.#params(), per_page: 100 },
    )) {
      for (const c of page.data) {
        ids.add(c.id);
        const read = toComment(c);
        const kept = (await this.#remember(read)) ?? (all ? read : undefined);
        if (kept) comments.set(c.id, kept);
      }
    }
    return { ids, comments };
  }

  #complete(listed: number, expected: number): void {
    if (listed < expected)
      throw new SealboxError(
        'SERVICE',
        `${this.address}: the listing has ${listed} comments, the issue counts ${expected}`,
      );
  }

  #sortedOf(all: Map<number, BusComment>): BusComment[] {
    return [...all.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * The box's status (count so far, closing time) in the issue's body, where
   * everyone sees it first, updated in place at most once per interval, the
   * first time one interval after the box opened. Not a comment: it would sit
   * among the submissions and lengthen every listing.
   */
  async status(text: string): Promise<void> {
    const now = this.#now().getTime();
    if (!this.#announced || now - this.#statusAt < this.#statusEveryMs) return;
    await this.#octokit.rest.issues.update({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      body: announcementText(
        this.#announced,
        `${text} (at ${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')})`,
      ),
    });
    this.#statusAt = now;
  }

  /**
   * An author's GitHub SSH signing keys, all pages; none when the login now
   * belongs to another account (logins can be renamed and reused).
   */
  async signingKeys(login: string, authorId: number): Promise<SigningKey[]> {
    const user = await this.#octokit.rest.users.getByUsername({ username: login });
    if (user.data.id !== authorId) return [];
    return sshSigningKeys(this.#octokit, login);
  }

  /** GitHub's own record of each comment's edits (GraphQL), by comment id. */
  async editRecords(): Promise<Map<number, EditRecord>> {
    return commentEditRecords(this.#octokit, `${this.#owner}/${this.#repo}`, this.#issue!);
  }

  async post(body: string): Promise<BusComment> {
    return toComment(
      (
        await this.#octokit.rest.issues.createComment({
          owner: this.#owner,
          repo: this.#repo,
          issue_number: this.#issue!,
          body,
        })
      ).data,
    );
  }

  async publishResult(result: Uint8Array, bundle: unknown): Promise<void> {
    // In order, one comment per part: a large box's result is over GitHub's comment size limit.
    for (const body of await resultTexts(result, bundle)) {
      await this.#octokit.rest.issues.createComment({
        owner: this.#owner,
        repo: this.#repo,
        issue_number: this.#issue!,
        body,
      });
    }
  }

  async close(): Promise<void> {
    await this.#octokit.rest.issues.update({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      state: 'closed',
    });
  }
}
