/**
 * Storage URLs as operators write them: `file:///abs/dir` for a directory, or
 * `s3://bucket?endpoint=…&region=…&prefix=…` for an S3-compatible bucket.
 * Credentials never travel in the URL: the SDK's default chain supplies them.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type UserError, UsageError } from '../errors.js';

/** A blob directory on this machine. */
export interface FileLocation {
  kind: 'file';
  /** Absolute path of the store's root directory. */
  root: string;
}

/** An S3-compatible bucket. */
export interface S3Location {
  kind: 's3';
  bucket: string;
  /** `http(s)://host[:port]` of an S3-compatible service; undefined means AWS S3. */
  endpoint?: string;
  region: string;
  /** Prepended to every key derived from a blob id; empty or ending in `/`. */
  prefix: string;
  /**
   * Other buckets the store may delete in (`allow-bucket=`), for hubs whose rows spread blobs over
   * several: under the same prefix's objects/ there too. Never part of the store's identity.
   */
  allowBuckets: string[];
}

export type StorageLocation = FileLocation | S3Location;

const EXAMPLES = 'write file:///abs/dir for a directory or s3://bucket?endpoint=https://host for a bucket';
const S3_PARAMS = ['endpoint', 'region', 'prefix', 'allow-bucket'];
// Lowercase S3 names; `_` is tolerated because some S3-compatible stores allow it.
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** Parses a storage URL; anything malformed is a UserError (exit 2) saying what to write. */
export function parseStorageUrl(url: string): StorageLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'file') return parseFileUrl(url);
  if (scheme === 's3') return parseS3Url(url);
  if (scheme === undefined) throw usage(`storage URL '${url}' has no scheme: ${EXAMPLES}`);
  throw usage(`storage URL scheme '${scheme}:' is not supported: ${EXAMPLES}`);
}

/** The canonical URL of a location, for titles and logs (it never holds a secret). */
export function formatStorageUrl(location: StorageLocation): string {
  if (location.kind === 'file') return pathToFileURL(location.root).href;
  const params = new URLSearchParams();
  if (location.endpoint) params.set('endpoint', location.endpoint);
  params.set('region', location.region);
  if (location.prefix) params.set('prefix', location.prefix);
  for (const bucket of location.allowBuckets) params.append('allow-bucket', bucket);
  // Readable in titles: ':' and '/' need no escaping in a query.
  return `s3://${location.bucket}?${params.toString().replace(/%3A/gi, ':').replace(/%2F/gi, '/')}`;
}

function parseFileUrl(url: string): FileLocation {
  if (!/^file:\/\//i.test(url)) throw usage(`storage URL '${url}' is not an absolute file URL: write file:///abs/dir`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage(`storage URL '${url}' is not a valid file URL: write file:///abs/dir`);
  }
  if (parsed.host !== '' && parsed.host !== 'localhost') {
    throw usage(`storage URL '${url}' names host '${parsed.host}': only local directories work, write file:///abs/dir`);
  }
  if (parsed.search || parsed.hash) {
    throw usage(`storage URL '${url}' has a query or fragment: write file:///abs/dir`);
  }
  const root = fileURLToPath(parsed).replace(/(?<=.)\/+$/, '');
  return { kind: 'file', root };
}

function parseS3Url(url: string): S3Location {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage(`storage URL '${url}' is not a valid URL: write s3://bucket?endpoint=https://host`);
  }
  if (parsed.username || parsed.password) {
    throw usage(
      `storage URL '${redactUserinfo(url)}' holds credentials: remove them and set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
    );
  }
  const bucket = parsed.hostname;
  if (!bucket) throw usage(`storage URL '${url}' names no bucket: write s3://bucket?endpoint=https://host`);
  checkBucketName(bucket);
  if (parsed.port) throw usage(`storage URL '${url}' has a port after the bucket: put host and port in ?endpoint=`);
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw usage(`storage URL '${url}' has a path after the bucket: put a key prefix in ?prefix=`);
  }
  for (const name of parsed.searchParams.keys()) {
    if (!S3_PARAMS.includes(name)) {
      throw usage(`storage URL parameter '${name}' is unknown: use ${S3_PARAMS.join(', ')}`);
    }
  }
  const endpoint = parseEndpoint(parsed.searchParams.get('endpoint'));
  const region = parsed.searchParams.get('region') || defaultRegion(endpoint);
  const allowBuckets = [
    ...new Set(parsed.searchParams.getAll('allow-bucket').flatMap((value) => value.split(','))),
  ].filter((name) => name !== bucket);
  for (const name of allowBuckets) checkBucketName(name);
  return { kind: 's3', bucket, endpoint, region, prefix: parsePrefix(parsed.searchParams.get('prefix')), allowBuckets };
}

function checkBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket)) {
    throw usage(`bucket name '${bucket}' is not valid: use 3-63 lowercase letters, digits, dots and hyphens`);
  }
}

function parseEndpoint(value: string | null): string | undefined {
  if (value === null) return undefined;
  let endpoint: URL;
  try {
    endpoint = new URL(value);
  } catch {
    throw usage(`endpoint '${value}' is not a URL: write endpoint=https://host[:port]`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw usage(`endpoint '${value}' must use http or https: write endpoint=https://host[:port]`);
  }
  if (endpoint.username || endpoint.password) {
    throw usage(
      `endpoint '${redactUserinfo(value)}' holds credentials: remove them and set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
    );
  }
  if (endpoint.pathname !== '/' || endpoint.search || endpoint.hash) {
    throw usage(`endpoint '${value}' has a path or query: write endpoint=https://host[:port] only`);
  }
  return endpoint.origin;
}

// R2 signs with region 'auto'; AWS and most others accept us-east-1.
function defaultRegion(endpoint: string | undefined): string {
  return endpoint && new URL(endpoint).hostname.endsWith('.r2.cloudflarestorage.com') ? 'auto' : 'us-east-1';
}

function parsePrefix(value: string | null): string {
  if (!value) return '';
  const prefix = value.endsWith('/') ? value : `${value}/`;
  const segments = prefix.slice(0, -1).split('/');
  if (prefix.startsWith('/') || prefix.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw usage(`prefix '${value}' is not a plain relative key prefix: write prefix=some/dir/`);
  }
  return prefix;
}

function redactUserinfo(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

function usage(message: string): UserError {
  return new UsageError(message);
}
