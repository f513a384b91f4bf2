import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { formatStorageUrl, parseStorageUrl } from '../../src/storage/url.js';

function usageError(url: string): UserError {
  try {
    parseStorageUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).kind).toBe('usage');
    expect((error as UserError).message).not.toContain('\n');
    return error as UserError;
  }
  throw new Error(`${url} was accepted`);
}

describe('parseStorageUrl', () => {
  it('reads a file URL as an absolute directory', () => {
    expect(parseStorageUrl('file:///var/lib/musehub/blobs/')).toEqual({ kind: 'file', root: '/var/lib/musehub/blobs' });
    expect(parseStorageUrl('file:///srv/a%20b')).toEqual({ kind: 'file', root: '/srv/a b' });
    expect(parseStorageUrl('file://localhost/srv')).toEqual({ kind: 'file', root: '/srv' });
  });

  it('refuses a plain path, a relative file URL and a remote host, saying to write file:///', () => {
    expect(usageError('/var/lib/blobs').message).toMatch(/no scheme.*file:\/\/\/abs\/dir/);
    expect(usageError('file:blobs').message).toContain('file:///abs/dir');
    expect(usageError('file://nas/blobs').message).toMatch(/host 'nas'/);
    expect(usageError('file:///srv?x=1').message).toMatch(/query/);
  });

  it('reads an s3 URL with endpoint, region and prefix', () => {
    expect(parseStorageUrl('s3://blobs?endpoint=http://127.0.0.1:9000&region=auto&prefix=musehub')).toEqual({
      kind: 's3',
      bucket: 'blobs',
      endpoint: 'http://127.0.0.1:9000',
      region: 'auto',
      prefix: 'musehub/',
      allowBuckets: [],
    });
  });

  it('reads the buckets allow-bucket names, repeated or comma-separated, and checks each name', () => {
    const url = 's3://blobs?allow-bucket=fork-blobs&allow-bucket=old-blobs,blobs,fork-blobs';
    expect(parseStorageUrl(url)).toMatchObject({
      bucket: 'blobs',
      allowBuckets: ['fork-blobs', 'old-blobs'],
    });
    expect(usageError('s3://blobs?allow-bucket=Bad_Name').message).toMatch(/bucket name 'Bad_Name'/);
  });

  it('defaults the region to auto for R2 endpoints and us-east-1 otherwise', () => {
    expect(parseStorageUrl('s3://blobs')).toMatchObject({ region: 'us-east-1', endpoint: undefined, prefix: '' });
    expect(parseStorageUrl('s3://blobs?endpoint=https://acc.r2.cloudflarestorage.com')).toMatchObject({
      region: 'auto',
    });
    expect(parseStorageUrl('s3://blobs?endpoint=https://minio.internal:9000/')).toMatchObject({
      region: 'us-east-1',
      endpoint: 'https://minio.internal:9000',
    });
  });

  it('refuses unknown schemes, missing or bad buckets, bad endpoints and stray parts', () => {
    expect(usageError('gs://blobs').message).toMatch(/'gs:' is not supported/);
    expect(usageError('s3://').message).toMatch(/no bucket/);
    expect(usageError('s3://Blobs_Upper').message).toMatch(/bucket name/);
    expect(usageError('s3://blobs?endpoint=not a url').message).toMatch(/endpoint.*not a URL/);
    expect(usageError('s3://blobs?endpoint=ftp://host').message).toMatch(/http or https/);
    expect(usageError('s3://blobs?endpoint=http://h/path').message).toMatch(/path or query/);
    expect(usageError('s3://blobs/some/prefix').message).toMatch(/\?prefix=/);
    expect(usageError('s3://blobs?bucket=x').message).toMatch(/'bucket' is unknown/);
    expect(usageError('s3://blobs?prefix=../up').message).toMatch(/prefix/);
  });

  it('refuses credentials in the URL without echoing them', () => {
    const error = usageError('s3://AKIA:secret@blobs');
    expect(error.message).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(error.message).not.toContain('secret');
    expect(usageError('s3://blobs?endpoint=http://u:hunter2@host').message).not.toContain('hunter2');
  });

  it('formats a location back to a readable URL that parses to the same location', () => {
    expect(formatStorageUrl(parseStorageUrl('s3://blobs?endpoint=http://127.0.0.1:9000&prefix=p'))).toBe(
      's3://blobs?endpoint=http://127.0.0.1:9000&region=us-east-1&prefix=p/',
    );
    for (const url of [
      'file:///srv/a%20b',
      's3://blobs?endpoint=http://127.0.0.1:9000&region=auto&prefix=p/q/',
      's3://blobs',
      's3://blobs?allow-bucket=a-b&allow-bucket=c-d',
    ]) {
      const location = parseStorageUrl(url);
      expect(parseStorageUrl(formatStorageUrl(location))).toEqual(location);
    }
  });
});
