// Preloaded (NODE_OPTIONS=--import) into npm and the installed sealbox by the
// package tests: a connection to anything but this machine's loopback ends
// the process loudly, so a test that passes touched no network.
import net from 'node:net';
import dns from 'node:dns';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const refuse = (what) => {
  process.stderr.write(`TEST FAILURE: network access attempted (${what})\n`);
  process.exit(99);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect passes its normalized arguments as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options =
    typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  if (options.path === undefined && !LOOPBACK.has(options.host ?? 'localhost'))
    refuse(`${options.host}:${options.port}`);
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  if (!LOOPBACK.has(host)) refuse(`lookup ${host}`);
  return lookup.call(this, host, ...rest);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function (host, ...rest) {
  if (!LOOPBACK.has(host)) refuse(`lookup ${host}`);
  return lookupPromise.call(this, host, ...rest);
};
