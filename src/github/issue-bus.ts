// The GitHub-issue bus: the box's issue (labelled `sealbox`), its comments
// read completely (per_page=100, every page), through Octokit.
import type { Octokit } from '@octokit/rest';
import {
  announcementText,
  parseAnnouncement,
  resultText,
  type Announcement,
  type BoxBus,
} from '../box/bus.ts';
import type { BusComment } from '../box/submissions.ts';

export const BOX_LABEL = 'sealbox';

export class GitHubIssueBus implements BoxBus {
  readonly #octokit: Octokit;
  readonly #owner: string;
  readonly #repo: string;
  #issue?: number;

  constructor(octokit: Octokit, repository: string, issue?: number) {
    this.#octokit = octokit;
    [this.#owner, this.#repo] = repository.split('/') as [string, string];
    this.#issue = issue;
  }

  get address(): string {
    return `${this.#owner}/${this.#repo}${this.#issue ? `#${this.#issue}` : ''}`;
  }

  get issue(): number | undefined {
    return this.#issue;
  }

  async announce(a: Announcement): Promise<void> {
    const body = announcementText(a);
    if (this.#issue === undefined) {
      const r = await this.#octokit.rest.issues.create({
        owner: this.#owner,
        repo: this.#repo,
        title: `sealbox box ${a.boxId}`,
        body,
        labels: [BOX_LABEL],
      });
      this.#issue = r.data.number;
    } else {
      await this.#octokit.rest.issues.update({
        owner: this.#owner,
        repo: this.#repo,
        issue_number: this.#issue,
        body,
      });
    }
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

  async comments(): Promise<BusComment[]> {
    const all = await this.#octokit.paginate(this.#octokit.rest.issues.listComments, {
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      per_page: 100,
    });
    return all.map((c) => ({
      id: c.id,
      author_id: c.user?.id ?? 0,
      author_login: c.user?.login ?? '',
      created_at: c.created_at,
      updated_at: c.updated_at,
      body: c.body ?? '',
    }));
  }

  async post(body: string): Promise<BusComment> {
    const c = (
      await this.#octokit.rest.issues.createComment({
        owner: this.#owner,
        repo: this.#repo,
        issue_number: this.#issue!,
        body,
      })
    ).data;
    return {
      id: c.id,
      author_id: c.user?.id ?? 0,
      author_login: c.user?.login ?? '',
      created_at: c.created_at,
      updated_at: c.updated_at,
      body: c.body ?? '',
    };
  }

  async publishResult(result: Uint8Array, bundle: unknown): Promise<void> {
    await this.#octokit.rest.issues.createComment({
      owner: this.#owner,
      repo: this.#repo,
      issue_number: this.#issue!,
      body: resultText(result, bundle),
    });
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
