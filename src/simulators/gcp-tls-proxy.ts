/**
 * Puts the simulated IAM Credentials API (./gcp-metadata.ts) at its public name,
 * https://iamcredentials.googleapis.com, for clients that cannot be given another endpoint:
 * snowflake-sdk's impersonation (attestation_gcp.js builds `Impersonated` without `endpoint`) and
 * wif-check's, which makes the same call. It uses what google-auth-library documents for every
 * request it makes (gaxios): HTTPS_PROXY / NO_PROXY, and Node's NODE_EXTRA_CA_CERTS for the
 * certificate — no client is patched:
 *
 * - a CONNECT proxy on 127.0.0.1 that tunnels `iamcredentials.googleapis.com:443`, and nothing
 *   else (any other CONNECT is answered 403: nothing ever leaves the machine);
 * - a TLS server on 127.0.0.1 with a certificate for iamcredentials.googleapis.com signed by a CA
 *   made for this run (openssl; the keys live in a temporary directory removed at close).
 *
 * A child process that should reach it gets `env`: HTTPS_PROXY, NO_PROXY (loopback: the metadata
 * server and Snowflake's simulator are reached directly) and NODE_EXTRA_CA_CERTS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IAM_CREDENTIALS_HOST = 'iamcredentials.googleapis.com';

export interface GcpTlsProxy {
  /** For a child process: HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS. */
  env: { HTTPS_PROXY: string; NO_PROXY: string; NODE_EXTRA_CA_CERTS: string };
  /** Every CONNECT target asked for, in order. */
  connects: string[];
  close(): Promise<void>;
}

/** Whether this machine can make the certificates (openssl on PATH). */
export function tlsProxyAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 20_000 });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=wif-check test bed CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${IAM_CREDENTIALS_HOST}`]);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:${IAM_CREDENTIALS_HOST}\n`);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'ext.cnf']);
  rmSync(join(dir, 'ca.key'));
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') };
}

/** Starts the TLS front of `handler` (the IAM API's) and the CONNECT proxy to it. */
export async function startGcpTlsProxy(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<GcpTlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'wif-check-gcp-tls-'));
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  try {
    const certs = makeCertificates(dir);
    const tls = createHttpsServer({ key: certs.key, cert: certs.cert }, handler);
    tls.on('connection', track);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const tlsPort = (tls.address() as { port: number }).port;
    const connects: string[] = [];
    const proxy = createHttpServer((_req, res) => {
      res.writeHead(405).end();
    });
    proxy.on('connection', track);
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      const target = req.url ?? '';
      connects.push(target);
      track(client);
      if (target !== `${IAM_CREDENTIALS_HOST}:443`) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(tlsPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as { port: number }).port;
    return {
      env: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '127.0.0.1,localhost', NODE_EXTRA_CA_CERTS: certs.ca },
      connects,
      async close() {
        for (const socket of sockets) socket.destroy();
        await Promise.all([new Promise((resolve) => tls.close(resolve)), new Promise((resolve) => proxy.close(resolve))]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
