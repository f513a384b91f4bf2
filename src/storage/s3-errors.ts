/**
 * What an S3 failure means for us: worth another try (throttling, a server
 * hiccup, a dropped connection), the bucket refusing us as a whole (an operator
 * must fix credentials, the bucket name or the endpoint), or neither.
 */
import { type UserError, UsageError, UnavailableError } from '../errors.js';

const THROTTLE_OR_SERVER_CODES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'RequestLimitExceeded',
]);
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The HTTP status of an SDK error, when there was a response. */
export function statusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** The S3 error code (`SlowDown`, `AccessDenied`…) or the socket error code. */
export function codeOf(error: unknown): string {
  const e = (error ?? {}) as SdkError;
  return e.Code ?? e.code ?? e.name ?? 'Error';
}

function isNetworkError(error: unknown): boolean {
  const code = codeOf(error);
  return (
    NETWORK_CODES.has(code) ||
    code === 'TimeoutError' ||
    (statusOf(error) === undefined && /socket hang up|ECONN|EPIPE/i.test(String((error as SdkError)?.message)))
  );
}

/** True for failures another try may cure: throttling, 5xx, dropped connections. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return (
    (status !== undefined && RETRYABLE_STATUS.has(status)) ||
    THROTTLE_OR_SERVER_CODES.has(codeOf(error)) ||
    isNetworkError(error)
  );
}

/** True for a per-key DeleteObjects error code that another try may cure. */
export function isRetryableCode(code: string | undefined): boolean {
  return code !== undefined && THROTTLE_OR_SERVER_CODES.has(code);
}

/**
 * A UserError when `error` means the bucket refuses us as a whole or cannot be reached
 * (after retries); undefined when it is about something narrower.
 */
export function bucketRefusal(error: unknown, bucket: string, endpoint: string): UserError | undefined {
  const code = codeOf(error);
  const status = statusOf(error);
  const where = `bucket ${bucket} at ${endpoint}`;
  if (code === 'NoSuchBucket')
    return new UsageError(`${where} does not exist: check the bucket name in the storage URL`);
  if (CREDENTIAL_CODES.has(code))
    return new UnavailableError(
      `${where} rejected the credentials (${code}): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
    );
  if (code === 'CredentialsProviderError')
    return new UnavailableError(
      `no AWS credentials found for ${where}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
    );
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || status === 403) {
    return new UnavailableError(
      `${where} refused access (${code === 'Unknown' ? status : code}): check the credentials and that the bucket policy allows list, get, put and delete`,
    );
  }
  if (code === 'PermanentRedirect' || status === 301)
    return new UsageError(`${where} lives in another region: set ?region= in the storage URL`);
  if (isNetworkError(error))
    return new UnavailableError(
      `cannot reach ${endpoint} for bucket ${bucket} (${code}): check the endpoint in the storage URL and the network`,
    );
  return undefined;
}
