/**
 * How the real Azure SDK reaches the test bed's Entra ID for AKS workload identity, with nothing
 * patched: an HTTPS proxy on 127.0.0.1 (the SDK's own HTTPS_PROXY) that accepts CONNECT only to
 * login.microsoftonline.com:443, terminates TLS with a certificate for that name signed by a CA made
 * for this run (the child trusts it through NODE_EXTRA_CA_CERTS), and hands each request to the Azure
 * simulator (./azure-identity.ts). Every other CONNECT is refused: nothing leaves the machine.
 *
 * Why not AZURE_AUTHORITY_HOST=https://127.0.0.1:…: @azure/msal-node requires an https authority and,
 * for a host it does not know, first asks https://login.microsoftonline.com/common/discovery/instance
 * (instance discovery), which the driver offers no option to turn off; for login.microsoftonline.com
 * it uses the metadata it ships with and asks only the token endpoint (seen with the real SDK here).
 *
 * The certificates are made with the `openssl` command (Node has no X.509 writer; no package is added
 * for a test helper): a missing openssl is a clear error, and only this form of the test bed needs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseUrl, startHttpServer } from './http-util.js';

export const ENTRA_HOST = 'login.microsoftonline.com';

export interface EntraProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  url: string;
  /** The run's CA certificate (PEM file), for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Every CONNECT target asked for, in order (refused ones too). */
  connects: string[];
  /** What a child process needs to reach Entra here: the proxy, the CA, no proxy for loopback (Snowflake's simulator). */
  env(): { HTTPS_PROXY: string; NO_PROXY: string; NODE_EXTRA_CA_CERTS: string; AZURE_AUTHORITY_HOST: string };
  close(): Promise<void>;
}

function makeCertificates(dir: string): { key: Buffer; cert: Buffer; caFile: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=wif-check test bed CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
    run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${ENTRA_HOST}`]);
    execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:${ENTRA_HOST}\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf`], { cwd: dir });
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf']);
  } catch (error) {
    throw new Error(`the Entra proxy needs the openssl command to make its test certificates: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.pem')), caFile: join(dir, 'ca.pem') };
}

/** Starts the proxy in front of `target` (the Azure simulator's base URL). */
export async function startEntraProxy(target: string): Promise<EntraProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'wif-check-entra-'));
  const { key, cert, caFile } = makeCertificates(dir);
  const upstream = new URL(target);
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: ENTRA_HOST } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  };
  const tls = createTlsServer({ key, cert }, forward);
  const sockets = new Set<Socket>();
  const connects: string[] = [];
  const proxy = await startHttpServer((_req, res) => {
    res.writeHead(405, { 'Content-Type': 'text/plain' });
    res.end('CONNECT only');
  });
  proxy.server.on('connect', (req: IncomingMessage, socket: Socket) => {
    const wanted = req.url ?? '';
    connects.push(wanted);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (wanted !== `${ENTRA_HOST}:443`) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    tls.emit('connection', socket);
  });
  const url = baseUrl(proxy.host, proxy.port);
  return {
    url,
    caFile,
    connects,
    env: () => ({ HTTPS_PROXY: url, NO_PROXY: '127.0.0.1,localhost', NODE_EXTRA_CA_CERTS: caFile, AZURE_AUTHORITY_HOST: `https://${ENTRA_HOST}/` }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([proxy.close(), new Promise<void>((resolve) => tls.close(() => resolve()))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
