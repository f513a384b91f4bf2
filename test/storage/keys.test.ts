import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { checkKey, locateBlob } from '../../src/storage/keys.js';

const ID = 'sha256:ab12';

describe('locateBlob', () => {
  it('derives the key from the id when there is no storage_uri', () => {
    expect(locateBlob({ id: ID }, 'file')).toEqual({ key: 'objects/sha256_ab12' });
    expect(locateBlob({ id: ID, storageUri: null }, 's3')).toEqual({ key: 'objects/sha256_ab12' });
  });

  it('takes the location a storage_uri names', () => {
    expect(locateBlob({ id: ID, storageUri: 'local://objects/elsewhere/x' }, 'file')).toEqual({
      key: 'objects/elsewhere/x',
    });
    expect(locateBlob({ id: ID, storageUri: 's3://other-bucket/objects/x' }, 's3')).toEqual({
      bucket: 'other-bucket',
      key: 'objects/x',
    });
  });

  it('refuses a storage_uri of the other backend or of an unknown scheme', () => {
    expect(() => locateBlob({ id: ID, storageUri: 's3://b/objects/x' }, 'file')).toThrow(
      /names a bucket, but the store is not an s3:\/\/ store/,
    );
    expect(() => locateBlob({ id: ID, storageUri: 'local://objects/x' }, 's3')).toThrow(/names a local directory/);
    expect(() => locateBlob({ id: ID, storageUri: 'gs://b/x' }, 's3')).toThrow(/unknown scheme/);
    expect(() => locateBlob({ id: ID, storageUri: 's3://bucket-only' }, 's3')).toThrow(/no bucket and key/);
  });

  it('refuses ids and storage_uris whose key would escape the store', () => {
    expect(() => locateBlob({ id: 'sha256:../../etc/passwd' }, 'file')).toThrow(UserError);
    expect(() => locateBlob({ id: ID, storageUri: 'local:///etc/passwd' }, 'file')).toThrow(/could escape/);
    expect(() => locateBlob({ id: ID, storageUri: 's3://b/../x' }, 's3')).toThrow(/could escape/);
  });
});

describe('checkKey', () => {
  it('accepts plain relative keys', () => {
    for (const key of ['objects/sha256_ab', 'a/b/c', 'objects/x..y', 'objects/.hidden'])
      expect(checkKey(key)).toBe(key);
  });

  it.each([
    '',
    '/abs',
    '../up',
    'objects/../../up',
    'objects/./x',
    'objects//x',
    'objects\\..\\x',
    'objects/x\0',
    'C:/x',
    'objects/',
  ])('refuses %j', (key) => {
    expect(() => checkKey(key)).toThrow(UserError);
  });
});
