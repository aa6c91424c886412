// A small TUF repository served on 127.0.0.1, holding one target
// (trusted_root.json), signed with one Ed25519 key for every role: enough for
// `sealbox trusted-root update --mirror` to run its whole path offline.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  Metadata,
  MetaFile,
  Root,
  Signature,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from '@tufjs/models';

export interface TufRepo {
  url: string;
  /** The initial root.json a client must be given (--tuf-root). */
  rootJson: string;
  /** The paths asked for, in order. */
  requests: string[];
  /** Replace the bytes served for the target, keeping the signed metadata (a tampering mirror). */
  tamperTarget(bytes: string): void;
  close(): Promise<void>;
}

/**
 * `rootVersion`: the version of the repository's root.json, also served as
 * `/N.root.json` (as a repository serves each root version), so that a client
 * trusting an older root of another repository asks for it and must refuse it.
 */
export async function startTufRepo(
  trustedRoot: unknown,
  { rootVersion = 1 }: { rootVersion?: number } = {},
): Promise<TufRepo> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;
  const keyVal = { public: Buffer.from(raw, 'base64url').toString('hex') };
  const keyID = createHash('sha256')
    .update(JSON.stringify({ keytype: 'ed25519', keyval: keyVal, scheme: 'ed25519' }))
    .digest('hex');
  const signer = (data: Buffer) =>
    new Signature({ keyID, sig: sign(null, data, privateKey).toString('hex') });
  const expires = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const base = { version: 1, specVersion: '1.0.31', expires };
  const role = { keyids: [keyID], threshold: 1 };

  let target = JSON.stringify(trustedRoot);
  const targetFile = new TargetFile({
    length: Buffer.byteLength(target),
    path: 'trusted_root.json',
    hashes: { sha256: createHash('sha256').update(target).digest('hex') },
  });
  const signed = (s: Root | Targets | Snapshot | Timestamp) => {
    const md = new Metadata(s);
    md.sign(signer);
    return JSON.stringify(md.toJSON());
  };
  // Root.fromJSON: the models package exports no Role or Key builders for roots.
  const root = signed(
    Root.fromJSON({
      _type: 'root',
      spec_version: base.specVersion,
      version: rootVersion,
      expires,
      consistent_snapshot: false,
      keys: { [keyID]: { keytype: 'ed25519', scheme: 'ed25519', keyval: keyVal } },
      roles: { root: role, targets: role, snapshot: role, timestamp: role },
    }),
  );
  const targets = signed(new Targets({ ...base, targets: { 'trusted_root.json': targetFile } }));
  const snapshot = signed(
    new Snapshot({ ...base, meta: { 'targets.json': new MetaFile({ version: 1 }) } }),
  );
  const timestamp = signed(new Timestamp({ ...base, snapshotMeta: new MetaFile({ version: 1 }) }));
  const files: Record<string, () => string> = {
    [`/${rootVersion}.root.json`]: () => root,
    '/timestamp.json': () => timestamp,
    '/snapshot.json': () => snapshot,
    '/targets.json': () => targets,
    '/targets/trusted_root.json': () => target,
  };
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[req.url ?? '']?.();
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    rootJson: root,
    requests,
    tamperTarget: (bytes) => (target = bytes),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
