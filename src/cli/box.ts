// `sealbox box verify BOX_DIR [policy]`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SealboxError } from '../errors.ts';
import { DEFAULT_BOX_SIGNER, verifyBox, type Receipt } from '../box/verify.ts';
import { readJsonFile } from '../node/files.ts';
import { NodeSignatureVerifier } from '../node/sigstore-verifier.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { policyFromFlags } from '../policy/identity.ts';
import type { PolicyOptions } from './options.ts';
import { printJson, printNotes, type Format } from './output.ts';

export interface BoxVerifyCommandOptions extends PolicyOptions {
  receipt?: string;
  allowSelfHostedRunners?: boolean;
  format: Format;
}

async function bytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SealboxError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      `box ${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`,
    );
  }
}

export async function boxVerifyCommand(dir: string, o: BoxVerifyCommandOptions): Promise<number> {
  if (o.repo === undefined && o.owner === undefined) {
    throw new SealboxError(
      'POLICY_MISSING',
      'box verify needs --repo OWNER/REPO (or --owner): whose box it is',
    );
  }
  const policy = policyFromFlags(o, { defaultSigner: DEFAULT_BOX_SIGNER });
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const files = {
    manifest: await bytes(join(dir, 'manifest.json')),
    manifestBundle: await readJsonFile(join(dir, 'manifest.sigstore.json'), 'bundle'),
    result: await bytes(join(dir, 'result.json')),
    resultBundle: await readJsonFile(join(dir, 'result.sigstore.json'), 'bundle'),
  };
  const receipt = o.receipt ? ((await readJsonFile(o.receipt, 'receipt')) as Receipt) : undefined;
  const v = await verifyBox(files, {
    policy,
    trustedRoots: roots,
    verifier: new NodeSignatureVerifier(),
    allowSelfHostedRunners: o.allowSelfHostedRunners,
    receipt,
  });
  const allNotes = [...notes, ...v.notes];
  if (o.format === 'json') {
    printJson({
      ok: v.ok,
      box: dir,
      checks: v.checks,
      claims: v.claims ?? null,
      counts: v.result?.counts ?? null,
      output: v.result?.output ?? null,
      notes: allNotes,
    });
  } else {
    printNotes(
      allNotes.map((n) => `note: ${n}`),
      o.format,
    );
    const failedCheck = v.checks.find((c) => !c.ok);
    process.stdout.write(
      `${v.ok ? `OK: box ${v.manifest?.box_id} in ${dir} verified` : `FAIL: box in ${dir}: ${failedCheck?.reason}`}\n`,
    );
    for (const c of v.checks)
      process.stdout.write(
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.ok ? c.reason : `${c.code}: ${c.reason}`}\n`,
      );
  }
  return v.ok ? 0 : 1;
}
