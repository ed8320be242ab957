/**
 * What Snowflake does with a classic attestation: replay the signed GetCallerIdentity request to
 * STS, exactly as signed (method, path and query, every header including Host), and read the
 * caller from STS's XML answer. The Snowflake simulator sends it to an STS URL it is given (the
 * project's STS simulator, or any endpoint that speaks STS) instead of sts.<region>.amazonaws.com:
 * nothing here leaves 127.0.0.1 in the test bed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type ReplayVerdict =
  | { ok: true; arn: string; account: string; userId: string }
  | { ok: false; code: string; message: string };

const MAX_ANSWER_BYTES = 256 * 1024;

function xmlText(xml: string, tag: string): string | undefined {
  const raw = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  return raw
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Sends the signed request to `stsUrl` (origin only; the path and query are the attestation's) and reads the verdict. */
export function replayAttestation(
  stsUrl: string,
  attestation: { url: string; method: string; headers: Readonly<Record<string, string>> },
  timeoutMs = 5_000,
): Promise<ReplayVerdict> {
  const target = new URL(stsUrl);
  const signed = new URL(attestation.url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const done = (verdict: ReplayVerdict) => {
      clearTimeout(timer);
      resolve(verdict);
    };
    const req = send(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: attestation.method.toUpperCase(),
        path: `${signed.pathname}${signed.search}`,
        // As signed: Host names the regional endpoint the client signed for, not this socket's peer.
        headers: { ...attestation.headers, 'content-length': '0' },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) res.destroy();
          else chunks.push(chunk);
        });
        res.on('error', () => done({ ok: false, code: 'ReplayFailed', message: 'STS answer could not be read' }));
        res.on('end', () => {
          const xml = Buffer.concat(chunks).toString('utf8');
          const arn = xmlText(xml, 'Arn');
          const account = xmlText(xml, 'Account');
          const userId = xmlText(xml, 'UserId');
          if (res.statusCode === 200 && arn && account && userId) done({ ok: true, arn, account, userId });
          else done({ ok: false, code: xmlText(xml, 'Code') ?? `HTTP${res.statusCode ?? 0}`, message: xmlText(xml, 'Message') ?? 'STS refused the request' });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, code: 'ReplayTimeout', message: `STS did not answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => done({ ok: false, code: 'ReplayFailed', message: `STS could not be reached (${error.code ?? 'error'})` }));
    req.end();
  });
}
