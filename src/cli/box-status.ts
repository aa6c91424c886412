// `sealbox box status BOX`: where a box stands (not yet open, open, closed,
// result posted), from its issue. It verifies nothing: `box verify` does.
import { parseBoxAddress } from '../box/address.ts';
import { issueBusOf, parseAnyManifest } from '../box/manifest.ts';
import { resultCandidates } from '../box/result-comments.ts';
import { findArmour } from '../box/armour.ts';
import { parseResult } from '../box/result.ts';
import { SealboxError } from '../errors.ts';
import { locateBox, readBox } from '../github/box-locator.ts';
import { githubClientFromEnv } from '../node/github-client.ts';
import { sha256Hex } from '../bytes.ts';
import { eventSink, type EventsFormat } from './events.ts';
import { printJson, type Format } from './output.ts';

export async function boxStatusCommand(
  text: string,
  o: { format: Format; events?: EventsFormat },
): Promise<number> {
  const address = parseBoxAddress(text);
  if (address.kind === 'dir')
    throw new SealboxError(
      'USAGE',
      `${text}: box status reads a box on GitHub (OWNER/REPO#ISSUE or a run URL); for files, use box verify`,
    );
  const located = await locateBox(githubClientFromEnv(), address);
  const box = await readBox(located);
  const manifest = parseAnyManifest(box.announcement.manifest);
  // Unverified, as the whole command: the newest result by the box's author that reads.
  const author = issueBusOf(manifest)?.author.id;
  let result;
  for (const candidate of resultCandidates(box.comments, author)) {
    try {
      result = parseResult((await candidate.load()).result, `${located.address} result`);
      break;
    } catch {
      // not a result that reads: try an older one
    }
  }
  const now = Date.now();
  const state = result
    ? `closed: result posted (${result.status}${result.reason ? `: ${result.reason}` : ''})`
    : now < Date.parse(box.announcement.opensAt)
      ? 'not open yet'
      : now < Date.parse(box.announcement.closesAt)
        ? 'open'
        : 'closed: result not posted yet';
  const armoured = box.comments.filter((c) => findArmour(c.body) !== undefined).length;
  const emit = eventSink(o.events);
  if (emit) {
    // Unverified, as the whole command: where the box stands, as one event.
    if (state === 'open' || state === 'not open yet')
      emit({
        event: 'opened',
        box: located.address,
        box_id: manifest.box_id,
        manifest_digest: await sha256Hex(box.announcement.manifest),
        computation: manifest.computation.name,
        opens_at: box.announcement.opensAt,
        closes_at: box.announcement.closesAt,
      });
    else
      emit({
        event: 'closed',
        box: located.address,
        ...(result
          ? {
              status: result.status,
              closed_at: result.closed_at,
              accepted: result.counts.accepted,
              rejected: result.counts.rejected,
            }
          : {}),
        result_posted: Boolean(result),
      });
    return 0;
  }
  if (o.format === 'json') {
    printJson({
      box: located.address,
      box_id: manifest.box_id,
      computation: manifest.computation.name,
      run: manifest.run,
      opens_at: box.announcement.opensAt,
      closes_at: box.announcement.closesAt,
      state,
      armoured_comments: armoured,
      counts: result?.counts ?? null,
      verified: false,
    });
    return 0;
  }
  const lines = [
    `box ${located.address}: ${manifest.box_id} (${manifest.computation.name}), run ${manifest.run.run_id} attempt ${manifest.run.run_attempt}`,
    `  window: ${box.announcement.opensAt} to ${box.announcement.closesAt}`,
    `  state: ${state}`,
    `  armoured comments so far: ${armoured}`,
    ...(result
      ? [`  result: ${result.counts.accepted} accepted, ${result.counts.rejected} rejected`]
      : []),
    `  (not verified: npx sealbox box verify ${located.address} --repo ${manifest.run.repository})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
