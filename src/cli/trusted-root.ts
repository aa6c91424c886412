// `sealbox trusted-root show|update`.
import { EMBEDDED_ROOT_DATE, EMBEDDED_ROOT_SOURCE } from '../sigstore/embedded-root.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import { selectTrustedRoots, updateTrustedRoot } from '../node/trusted-roots.ts';
import { printJson, printNotes, type Format } from './output.ts';

function summary(root: LoadedTrustedRoot) {
  const r = root.root;
  const range = (v?: { start?: Date; end?: Date }) =>
    `${v?.start?.toISOString() ?? '?'} .. ${v?.end?.toISOString() ?? 'open'}`;
  return {
    source: root.source,
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
  if (o.format === 'json') {
    printJson({ inUse: roots.map(summary), embedded, roots: roots.map((r) => r.json), notes });
    return 0;
  }
  printNotes(notes, o.format);
  const lines = [`embedded public-good root: snapshot ${embedded.date} from ${embedded.source}`];
  for (const root of roots) {
    const s = summary(root);
    lines.push(`in use: ${s.source}`, `  media type: ${s.mediaType}`);
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
  mirror?: string;
  tufRoot?: string;
  format: Format;
}): Promise<number> {
  const root = await updateTrustedRoot(o);
  const message = `updated: ${root.source}. Verifications without --trusted-root now use it instead of the embedded snapshot (${EMBEDDED_ROOT_DATE}); --trusted-root FILE still wins over both.`;
  if (o.format === 'json')
    printJson({
      ok: true,
      updated: root.updated,
      mirror: root.mirror,
      inUse: root.source,
      notes: [message],
    });
  else process.stdout.write(message + '\n');
  return 0;
}
