// The local stack's state directory: its keys, trusted root and signing
// config, created on first use and reused after, so separate runs (and
// separate processes) share one root.
//
//   STATE/keys/{ca,ctlog,rekor,tsa,oidc,login}.pem   private keys (PKCS#8, mode 0600)
//   STATE/trusted_root.json                    what verifiers trust for this stack
//   STATE/signing_config.json                  the endpoints of the stack last started
import {
  generateKeyPairSync,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../node/cache-dir.ts';
import { SealboxError, describe } from '../errors.ts';

export const STATE_KEYS = ['ca', 'ctlog', 'rekor', 'tsa', 'oidc', 'login'] as const;
export type StateKey = (typeof STATE_KEYS)[number];

export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

export interface StackState {
  dir: string;
  keys: Record<StateKey, KeyPair>;
  trustedRootPath: string;
  signingConfigPath: string;
  /** True when this call created the keys (the trusted root must then be written). */
  fresh: boolean;
}

export function defaultStateDir(): string {
  return join(cacheDir(), 'devstack');
}

export function loadState(dir: string = defaultStateDir()): StackState {
  const keyDir = join(dir, 'keys');
  const trustedRootPath = join(dir, 'trusted_root.json');
  const signingConfigPath = join(dir, 'signing_config.json');
  try {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const fresh = !existsSync(trustedRootPath);
    const keys = {} as Record<StateKey, KeyPair>;
    for (const name of STATE_KEYS) {
      const path = join(keyDir, `${name}.pem`);
      // A half-made state (keys without a root) is made again whole.
      if (fresh || !existsSync(path)) {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      }
      const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
      keys[name] = { privateKey, publicKey: createPublicKey(privateKey) };
    }
    return { dir, keys, trustedRootPath, signingConfigPath, fresh };
  } catch (e) {
    throw new SealboxError('INPUT_UNREADABLE', `stack state ${dir}: ${describe(e)}`, { cause: e });
  }
}
