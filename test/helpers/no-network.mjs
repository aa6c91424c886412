// Preloaded by tests (NODE_OPTIONS=--import) to prove a command opens no
// network connection: any attempt fails the process loudly.
import net from 'node:net';
import dns from 'node:dns';

const refuse = () => {
  process.stderr.write('sealbox: TEST FAILURE: network access attempted\n');
  process.exit(99);
};
net.Socket.prototype.connect = refuse;
dns.lookup = refuse;
dns.promises.lookup = refuse;
