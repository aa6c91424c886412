// An in-memory bus for tests: participants seal and post as soon as the box
// announces itself, all at opens_at; what the box posts is recorded.
import type { Announcement, BoxBus } from '../../src/box/bus.ts';
import type { BusComment } from '../../src/box/close-rules.ts';
import { parseManifest, publicKeyOf, type Bus } from '../../src/box/manifest.ts';
import { sealSubmission, type Plaintext } from '../../src/box/sealing.ts';
import { sha256Hex } from '../../src/bytes.ts';

export interface MemoryParticipant {
  id: number;
  login: string;
  plaintext: Plaintext;
}

/** Posts more comments when the box announces itself (for adversaries). */
export type Extra = (
  post: (author: { id: number; login: string }, body: string) => void,
  seal: (authorId: number, plaintext: Plaintext) => Promise<string>,
  sealed: string[],
) => Promise<void>;

export class MemoryBus implements BoxBus {
  readonly address: string;
  readonly list: BusComment[] = [];
  /** Incremental reads while the box is open; absent, the box polls with comments(). */
  poll?: () => Promise<BusComment[]>;
  announcement?: Announcement;
  /** Every text the box put on the bus (announcement, results). */
  readonly emitted: { announcement?: Announcement; result?: Uint8Array; bundle?: unknown }[] = [];
  readonly #participants: MemoryParticipant[];
  readonly #extra?: Extra;

  constructor(participants: MemoryParticipant[], address = 'memory', extra?: Extra) {
    this.#participants = participants;
    this.address = address;
    this.#extra = extra;
  }

  /** n participants with ids from `firstId`, bidding 10, 11, ... */
  static bidders(n: number, firstId = 500): MemoryBus {
    return new MemoryBus(
      Array.from({ length: n }, (_, i) => ({
        id: firstId + i,
        login: `p${i}`,
        plaintext: { message: String(10 + i) },
      })),
    );
  }

  async open(): Promise<Bus> {
    return { kind: 'directory', address: this.address };
  }

  async announce(a: Announcement) {
    this.announcement = a;
    this.emitted.push({ announcement: a });
    const m = parseManifest(a.manifest);
    const digest = await sha256Hex(a.manifest);
    const seal = (id: number, plaintext: Plaintext) =>
      sealSubmission(m, digest, publicKeyOf(m), id, plaintext);
    const post = (author: { id: number; login: string }, body: string) =>
      this.list.push({
        id: this.list.length + 1,
        author_id: author.id,
        author_login: author.login,
        created_at: a.opensAt,
        updated_at: a.opensAt,
        body,
      });
    const sealed: string[] = [];
    for (const p of this.#participants) {
      sealed.push(await seal(p.id, p.plaintext));
      post(p, sealed.at(-1)!);
    }
    await this.#extra?.(post, seal, sealed);
  }

  async comments() {
    return this.list;
  }

  async publishResult(result: Uint8Array, bundle: unknown) {
    this.emitted.push({ result, bundle });
  }

  async close() {}
}
