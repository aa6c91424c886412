// `sealbox trusted-root show|update`.
import { EMBEDDED_ROOT_DATE, EMBEDDED_ROOT_SOURCE } from '../sigstore/embedded-root.ts';
import { INSTANCES, INSTANCE_NAMES } from '../sigstore/instances.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import {
  cachedTrustedRoots,
  selectTrustedRoots,
  updateCommandFor,
  updateTrustedRoot,
} from '../node/trusted-roots.ts';
import { printJson, printNotes, type Format } from './output.ts';

/** Which bundles a root in use verifies. */
const usedFor = (root: LoadedTrustedRoot) =>
  root.instance
    ? `bundles issued by ${INSTANCES[root.instance].title}`
    : 'every bundle (given with --trusted-root)';

function summary(root: LoadedTrustedRoot) {
  const r = root.root;
  const range = (v?: { start?: Date; end?: Date }) =>
    `${v?.start?.toISOString() ?? '?'} .. ${v?.end?.toISOString() ?? 'open'}`;
  return {
    source: root.source,
    instance: root.instance ?? null,
    usedFor: usedFor(root),
    mediaType: r.mediaType,
    certificateAuthorities: r.certificateAuthorities.map((c) => ({
      uri: c.uri,
      validFor: range(c.validFor),
    })),
    tlogs: r.tlogs.map((t) => ({ baseUrl: t.baseUrl, validFor: range(t.publicKey?.validFor) })),
    ctlogs: r.ctlogs.map((t) => ({ baseUrl: t.baseUrl, validFor: range(t.publicKey?.validFor) })),
    timestampAuthorities: r.timestampAuthorities.map((c) => ({
      uri: c.uri,
      validFor: range(c.validFor),
    })),
  };
}

export async function showCommand(o: { trustedRoot?: string; format: Format }): Promise<number> {
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  const embedded = { date: EMBEDDED_ROOT_DATE, source: EMBEDDED_ROOT_SOURCE };
  const cached = cachedTrustedRoots().map((c) => ({
    instance: c.instance,
    repository: c.repository,
    updated: c.updated,
    path: c.path,
    source: c.source,
  }));
  if (o.format === 'json') {
    printJson({
      inUse: roots.map(summary),
      embedded,
      cached,
      roots: roots.map((r) => r.json),
      notes,
    });
    return 0;
  }
  printNotes(notes, o.format);
  const lines = [
    `embedded public-good root: snapshot ${embedded.date} from ${embedded.source}`,
    "cached by 'sealbox trusted-root update':",
  ];
  for (const instance of INSTANCE_NAMES) {
    const c = cached.find((x) => x.instance === instance);
    lines.push(
      c
        ? `  ${instance}: ${c.source} (${c.path})`
        : `  ${instance}: none (run '${updateCommandFor(instance)}' to fetch one)`,
    );
  }
  for (const root of roots) {
    const s = summary(root);
    lines.push(`in use: ${s.source}`, `  for: ${s.usedFor}`, `  media type: ${s.mediaType}`);
    for (const [title, items] of [
      ['certificate authorities', s.certificateAuthorities.map((c) => `${c.uri}  ${c.validFor}`)],
      ['transparency logs', s.tlogs.map((t) => `${t.baseUrl}  ${t.validFor}`)],
      ['CT logs', s.ctlogs.map((t) => `${t.baseUrl}  ${t.validFor}`)],
      ['timestamp authorities', s.timestampAuthorities.map((c) => `${c.uri}  ${c.validFor}`)],
    ] as const) {
      lines.push(`  ${title}:`, ...(items.length ? items.map((i) => `    ${i}`) : ['    (none)']));
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export async function updateCommand(o: {
  instance?: string;
  mirror?: string;
  tufRoot?: string;
  format: Format;
}): Promise<number> {
  const root = await updateTrustedRoot(o);
  const replaces =
    root.instance === 'public-good'
      ? ` instead of the embedded snapshot (${EMBEDDED_ROOT_DATE})`
      : '';
  const message = `updated: ${root.source}. Verifications without --trusted-root now use it for ${usedFor(root)}${replaces}; --trusted-root FILE still wins.`;
  if (o.format === 'json')
    printJson({
      ok: true,
      instance: root.instance,
      repository: root.repository,
      updated: root.updated,
      path: root.path,
      inUse: root.source,
      notes: [message],
    });
  else process.stdout.write(message + '\n');
  return 0;
}
