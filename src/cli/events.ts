// `--events jsonl`: a box command's progress for programs, one JSON object
// per line on stdout ({event, time, ...}), instead of its usual output.
// `--format json` stays one document; the two do not mix.
import { Option, type Command } from 'commander';
import type { BoxEvent, EmitEvent } from '../box/events.ts';

export type EventsFormat = 'jsonl';

export function addEventsOption(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--events <format>',
      'print events as they happen instead, one JSON object per line (opened, submitted, closed, verified, reply)',
    ).choices(['jsonl']),
  );
}

/** The sink for `--events`, or undefined when events were not asked for. */
export function eventSink(format: EventsFormat | undefined): EmitEvent | undefined {
  if (format !== 'jsonl') return undefined;
  return (e: BoxEvent) => {
    const { event, ...rest } = e;
    process.stdout.write(`${JSON.stringify({ event, time: new Date().toISOString(), ...rest })}\n`);
  };
}
