// An OpenSSH public key line ("TYPE BASE64 [comment]"), checked as GitHub
// checks the keys users add: a known type, canonical base64, and a blob whose
// first string names the same type. Returns "TYPE BASE64" (GitHub keeps no
// comment) or undefined.

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-rsa',
]);

const MAX_KEY_LINE = 16 * 1024;

export function canonicalSshPublicKey(line: string): string | undefined {
  if (line.length > MAX_KEY_LINE) return undefined;
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [^\n]*)?$/.exec(line.trim());
  if (!match) return undefined;
  const [, type, base64] = match as unknown as [string, string, string];
  if (!KEY_TYPES.has(type)) return undefined;
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64') !== base64 || blob.length < 4) return undefined;
  const nameLength = blob.readUInt32BE(0);
  if (4 + nameLength > blob.length) return undefined;
  if (blob.subarray(4, 4 + nameLength).toString('latin1') !== type) return undefined;
  return `${type} ${base64}`;
}
