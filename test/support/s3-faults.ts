/**
 * A fault-injecting HTTP proxy on loopback, in front of s3rver: tests program it
 * to throttle, drop connections, fail or fake chosen keys of DeleteObjects, or
 * refuse everything, and read back what it saw. s3rver does not verify SigV4
 * signatures, so rewriting a request body is safe.
 *
 *   const s3 = await startS3({ faults: true });
 *   s3.faults.throttleNext(3);                 // next 3 requests: 503 SlowDown
 *   s3.faults.failKeys(['objects/x']);         // DeleteObjects reports AccessDenied for it, keeps it
 *   s3.faults.lieAboutKeys(['objects/y']);     // DeleteObjects reports it Deleted, keeps it
 *   s3.faults.refuseAll();                     // every request: 403 AccessDenied
 *   s3.faults.failListingsAfter(2);            // ListObjectsV2 pages after the first two: 403 AccessDenied
 *   s3.faults.count                            // { requests, deleteRequests, faults }
 *   s3.faults.reset();                         // no faults, counts back to zero
 *
 * Keys are full bucket keys (a store's ?prefix= included), matched in any bucket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The proxy's program and its record; see the module comment for an example. */
export interface S3Faults {
  /** Answers the next `count` requests (of any kind) with `status` and its S3 error code, without forwarding them. */
  throttleNext(count: number, status?: 429 | 500 | 503): void;
  /** Destroys the next `count` connections before answering: the client sees a network error. */
  dropNext(count: number): void;
  /** DeleteObjects reports `code` for these keys and leaves them in place, `times` times each (default: always). */
  failKeys(keys: readonly string[], code?: string, times?: number): void;
  /** DeleteObjects reports these keys Deleted but leaves them in place: a delete that lies. */
  lieAboutKeys(keys: readonly string[]): void;
  /** Answers every request 403 AccessDenied until reset. */
  refuseAll(): void;
  /** Lets `pages` ListObjectsV2 requests through, then answers every later one with `status` until reset. */
  failListingsAfter(pages: number, status?: 403 | 500 | 503): void;
  /** Clears every fault and zeroes the counts. */
  reset(): void;
  /** Requests seen, DeleteObjects requests among them, and requests a fault changed. */
  readonly count: { requests: number; deleteRequests: number; faults: number };
  /** The number of keys in each DeleteObjects request, in arrival order. */
  readonly deleteBatches: readonly number[];
}

/** A running proxy: point an S3 client at `endpoint`. */
export interface FaultProxy {
  endpoint: string;
  faults: S3Faults;
  close(): Promise<void>;
}

const ERROR_CODES: Record<number, string> = {
  403: 'AccessDenied',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'SlowDown',
};

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to the S3 server at `targetPort`. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const state = new FaultState();
  const server = http.createServer((req, res) => {
    void handle(state, targetPort, req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults: state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

class FaultState implements S3Faults {
  throttles: number[] = [];
  drops = 0;
  refusing = false;
  listings: { left: number; status: number } | undefined;
  failing = new Map<string, { code: string; times: number }>();
  lying = new Set<string>();
  count = { requests: 0, deleteRequests: 0, faults: 0 };
  deleteBatches: number[] = [];

  throttleNext(count: number, status: 429 | 500 | 503 = 503): void {
    for (let i = 0; i < count; i++) this.throttles.push(status);
  }

  dropNext(count: number): void {
    this.drops += count;
  }

  failKeys(keys: readonly string[], code = 'AccessDenied', times = Infinity): void {
    for (const key of keys) this.failing.set(key, { code, times });
  }

  lieAboutKeys(keys: readonly string[]): void {
    for (const key of keys) this.lying.add(key);
  }

  refuseAll(): void {
    this.refusing = true;
  }

  failListingsAfter(pages: number, status: 403 | 500 | 503 = 403): void {
    this.listings = { left: pages, status };
  }

  /** The status to answer a ListObjectsV2 request with now, or undefined to let it through. */
  takeListingFailure(): number | undefined {
    if (!this.listings) return undefined;
    if (this.listings.left > 0) {
      this.listings.left--;
      return undefined;
    }
    return this.listings.status;
  }

  reset(): void {
    this.throttles = [];
    this.drops = 0;
    this.refusing = false;
    this.listings = undefined;
    this.failing.clear();
    this.lying.clear();
    this.count = { requests: 0, deleteRequests: 0, faults: 0 };
    this.deleteBatches = [];
  }

  /** The code to report for `key` now, counting down its remaining failures. */
  takeFailure(key: string): string | undefined {
    const rule = this.failing.get(key);
    if (!rule || rule.times <= 0) return undefined;
    rule.times--;
    return rule.code;
  }
}

async function handle(
  state: FaultState,
  targetPort: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const body = await readAll(req);
  state.count.requests++;
  const isDelete = req.method === 'POST' && /[?&]delete(=|&|$)/.test(req.url ?? '');
  if (isDelete) state.count.deleteRequests++;
  if (state.drops > 0) {
    state.drops--;
    state.count.faults++;
    req.socket.destroy();
    return;
  }
  const isListing = req.method === 'GET' && /[?&]list-type=2(&|$)/.test(req.url ?? '');
  const status = state.refusing
    ? 403
    : ((isListing ? state.takeListingFailure() : undefined) ?? state.throttles.shift());
  if (status !== undefined) {
    state.count.faults++;
    // HEAD answers carry no body; the SDK then falls back to the status code.
    return sendXml(
      res,
      status,
      req.method === 'HEAD' ? '' : errorXml(ERROR_CODES[status] ?? 'InternalError', 'Injected by the test proxy'),
    );
  }
  if (!isDelete) {
    const upstream = await forward(targetPort, req, body);
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
    return;
  }
  await handleDelete(state, targetPort, req, res, body.toString('utf8'));
}

// Splits a DeleteObjects request into keys answered here (failed, lied about) and keys s3rver deletes.
async function handleDelete(
  state: FaultState,
  targetPort: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  xml: string,
): Promise<void> {
  const keys = [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescapeXml(m[1] ?? ''));
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
  state.deleteBatches.push(keys.length);
  const answers: string[] = [];
  const forwarded: string[] = [];
  for (const key of keys) {
    const code = state.takeFailure(key);
    if (code !== undefined)
      answers.push(
        `<Error><Key>${escapeXml(key)}</Key><Code>${code}</Code><Message>Injected by the test proxy</Message></Error>`,
      );
    else if (state.lying.has(key)) answers.push(quiet ? '' : `<Deleted><Key>${escapeXml(key)}</Key></Deleted>`);
    else forwarded.push(key);
  }
  if (forwarded.length < keys.length) state.count.faults++;
  if (forwarded.length > 0) {
    const objects = forwarded.map((key) => `<Object><Key>${escapeXml(key)}</Key></Object>`).join('');
    const upstream = await forward(
      targetPort,
      req,
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><Delete>${quiet ? '<Quiet>true</Quiet>' : ''}${objects}</Delete>`,
      ),
    );
    if (upstream.status !== 200) {
      res.writeHead(upstream.status, upstream.headers);
      res.end(upstream.body);
      return;
    }
    const result = upstream.body.toString('utf8');
    answers.push(...(result.match(/<Deleted>[\s\S]*?<\/Deleted>|<Error>[\s\S]*?<\/Error>/g) ?? []));
  }
  sendXml(
    res,
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${answers.join('')}</DeleteResult>`,
  );
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// Keeps the client's headers (the Host header included): s3rver reads them, not the signature.
function forward(targetPort: number, req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers },
      (response) => {
        readAll(response).then(
          (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
          reject,
        );
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function sendXml(res: http.ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>proxy</RequestId></Error>`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name] ?? '',
  );
}
