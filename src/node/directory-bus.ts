// A box bus in a directory, for local use and tests: the announcement and the
// result as files, comments as one JSON file each. Times come from the bus's
// own clock, to the second, as GitHub's do.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  announcementText,
  parseAnnouncement,
  resultText,
  type Announcement,
  type BoxBus,
} from '../box/bus.ts';
import type { BusComment } from '../box/close-rules.ts';
import type { Bus } from '../box/manifest.ts';

const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class DirectoryBus implements BoxBus {
  readonly address: string;
  readonly #now: () => Date;

  constructor(dir: string, now: () => Date = () => new Date()) {
    this.address = dir;
    this.#now = now;
    mkdirSync(join(dir, 'comments'), { recursive: true });
  }

  async open(): Promise<Bus> {
    return { kind: 'directory', address: this.address };
  }

  async announce(a: Announcement): Promise<void> {
    writeFileSync(join(this.address, 'announcement.md'), announcementText(a));
  }

  announcement(): Announcement | undefined {
    try {
      return parseAnnouncement(readFileSync(join(this.address, 'announcement.md'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  async comments(): Promise<BusComment[]> {
    return readdirSync(join(this.address, 'comments'))
      .filter((n) => n.endsWith('.json'))
      .map((n) => JSON.parse(readFileSync(join(this.address, 'comments', n), 'utf8')) as BusComment)
      .sort((a, b) => a.id - b.id);
  }

  /** A participant posts: the bus stamps the time and the id. */
  async post(author: { id: number; login: string }, body: string): Promise<BusComment> {
    const id = readdirSync(join(this.address, 'comments')).length + 1;
    const at = stamp(this.#now());
    const c: BusComment = {
      id,
      author_id: author.id,
      author_login: author.login,
      created_at: at,
      updated_at: at,
      body,
    };
    writeFileSync(
      join(this.address, 'comments', `${String(id).padStart(6, '0')}.json`),
      JSON.stringify(c, null, 2),
      { flag: 'wx' },
    );
    return c;
  }

  async publishResult(result: Uint8Array, bundle: unknown): Promise<void> {
    writeFileSync(join(this.address, 'result.md'), resultText(result, bundle));
  }

  async close(): Promise<void> {
    writeFileSync(join(this.address, 'closed'), stamp(this.#now()));
  }
}
