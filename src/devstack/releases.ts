// The local stack's own sealbox releases. A stack commits this package's
// box.yml, action.yml and Action bundle into its fake sealbox/sealbox
// repository, tags the commit v<version>, and records tag -> commit in
// STATE/releases.json, a release list (docs/spec/sealed-box-v1.1.md, section
// 9) that names the stack's CA: verifiers apply it only to certificates of
// that CA (src/node/releases.ts), so the demo's boxes verify with no escape
// flag while the public-good root never trusts a stack's release.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SealboxError, describe } from '../errors.ts';
import {
  BOX_WORKFLOW_HOME,
  RELEASE_LIST_FORMAT,
  parseReleaseList,
  type Release,
  type ReleaseList,
} from '../box/releases.ts';
import type { StackState } from './state.ts';

/** What a release of sealbox holds that a box runs: the workflow, the Action and its bundle. */
export const RELEASE_FILES = ['.github/workflows/box.yml', 'action.yml', 'dist/index.js'] as const;

/** The package's root: from src/devstack, lib/devstack or build/chunks alike. */
export const PACKAGE_ROOT = new URL('../../', import.meta.url);

/** The files a box runs, read from `source` (a directory; default this package). */
export function releaseFiles(source: string = PACKAGE_ROOT.pathname): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of RELEASE_FILES) {
    const where = join(source, path);
    try {
      files[path] = readFileSync(where, 'utf8');
    } catch (e) {
      throw new SealboxError(
        'INPUT_NOT_FOUND',
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${where}: sealbox's own ${path} is missing: this installation of sealbox is incomplete; reinstall it`
          : `${where}: ${describe(e)}`,
        { cause: e },
      );
    }
  }
  return files;
}

/** This package's version, as its releases are tagged (v0.1.0). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** SHA-256 (hex) of the DER of the stack's CA certificate, from its trusted root JSON. */
export function stackAuthority(trustedRoot: unknown): string {
  const raw = (
    trustedRoot as {
      certificateAuthorities?: { certChain?: { certificates?: { rawBytes?: string }[] } }[];
    }
  ).certificateAuthorities?.[0]?.certChain?.certificates?.[0]?.rawBytes;
  if (!raw) throw new Error("the stack's trusted root names no certificate authority");
  return createHash('sha256').update(Buffer.from(raw, 'base64')).digest('hex');
}

const pathOf = (state: StackState) => join(state.dir, 'releases.json');

/** The stack's release list for its CA; a list of another CA (an earlier state's) starts again. */
export function readStackReleases(state: StackState, authority: string): ReleaseList {
  const path = pathOf(state);
  const empty: ReleaseList = {
    format: RELEASE_LIST_FORMAT,
    repository: BOX_WORKFLOW_HOME,
    certificate_authority: authority,
    releases: [],
    revoked: [],
  };
  if (!existsSync(path)) return empty;
  let list: ReleaseList;
  try {
    list = parseReleaseList(JSON.parse(readFileSync(path, 'utf8')), path);
  } catch (e) {
    throw new SealboxError('INPUT_INVALID', `stack state ${path}: ${describe(e)}`, { cause: e });
  }
  return list.certificate_authority === authority ? list : empty;
}

function write(state: StackState, list: ReleaseList): void {
  // Beside its place and renamed into it: a reader never sees half a list.
  const path = pathOf(state);
  writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(list, null, 2) + '\n');
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/**
 * Records a release of the stack's sealbox. A tag names one commit: a tag
 * published again at another commit (the stack moves its git tag too, as a
 * newer sealbox's demo does in a state kept from an older one) names the new one.
 */
export function addStackRelease(state: StackState, authority: string, release: Release): void {
  const list = readStackReleases(state, authority);
  list.releases = list.releases.filter((r) => r.tag !== release.tag);
  list.releases.push({ tag: release.tag, commit: release.commit });
  write(state, list);
}

/** Revokes a release of the stack's sealbox: boxes of that commit then fail `release`. */
export function revokeStackRelease(
  state: StackState,
  authority: string,
  release: Release,
  reason: string,
): void {
  const list = readStackReleases(state, authority);
  if (!list.revoked.some((r) => r.commit === release.commit))
    list.revoked.push({ tag: release.tag, commit: release.commit, reason });
  write(state, list);
}
