// An unsigned InferenceBench-style result body for signing tests, written
// with a number lexeme (1842.0) that JSON.stringify would lose, to check it
// survives signing.
import { writeFileSync } from 'node:fs';

export const RESULT_BODY = {
  envelope_version: 'v1',
  suite_id: 'llm.test',
  suite_version: '1.0.0',
  model: { id: 'org/model' },
  engine: { name: 'vllm', version: '0.21.0' },
  metrics: { tps: 1842.0 },
};

export function writeUnsignedEnvelope(path: string, extra: object = {}): string {
  writeFileSync(
    path,
    JSON.stringify({ ...RESULT_BODY, ...extra }, null, 2).replace('"tps": 1842', '"tps": 1842.0'),
  );
  return path;
}
