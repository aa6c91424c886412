// A GitHub user's SSH signing keys (GET /users/{username}/ssh_signing_keys,
// public, paginated): the keys a signed submission may be signed with.
import type { Octokit } from '@octokit/rest';
import * as z from 'zod/mini';
import { SealboxError, describe } from '../errors.ts';

export interface SshSigningKey {
  id: number;
  /** The OpenSSH public key line, "TYPE BASE64". */
  key: string;
  title: string;
}

// zod/mini, as the core's other schemas: the classic API would load all of zod.
const Keys = z.array(
  z.object({ id: z.int(), key: z.string(), title: z.optional(z.nullable(z.string())) }),
);

/** Every SSH signing key of `login`, all pages. A user GitHub does not know is INPUT_NOT_FOUND. */
export async function sshSigningKeys(octokit: Octokit, login: string): Promise<SshSigningKey[]> {
  let answer: unknown;
  try {
    answer = await octokit.paginate('GET /users/{username}/ssh_signing_keys', {
      username: login,
      per_page: 100,
    });
  } catch (e) {
    if ((e as { status?: number }).status === 404)
      throw new SealboxError('INPUT_NOT_FOUND', `GitHub user ${login}: not found`, { cause: e });
    throw new SealboxError('SERVICE', `${login}'s SSH signing keys: ${describe(e)}`, { cause: e });
  }
  const parsed = Keys.safeParse(answer);
  if (!parsed.success)
    throw new SealboxError('SERVICE', `${login}'s SSH signing keys: an unexpected answer`);
  return parsed.data.map((k) => ({ id: k.id, key: k.key, title: k.title ?? '' }));
}
