/** Public surface of the Inbox API client. Other folders import from here, not from the files. */
export { InboxClient } from "./client.js";
export {
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type InboxClientOptions,
} from "./client-options.js";
export {
  AuthError,
  InboxError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RequestAbortedError,
  SendOutcomeUnknownError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  classifyResponse,
  isInboxError,
  isRetryableForRead,
  isSendOutcomeUncertain,
  readErrorBody,
  type ErrorContext,
  type InboxErrorInit,
  type ResponseContext,
} from "./errors.js";
export { parseRateLimitHeaders, parseRetryAfter } from "./rate-limit.js";
export { READ_RETRY_LIMITS, backoffDelay, decideRetry, type RetryDecision, type RetryInput } from "./retry-policy.js";
export type * from "./types.js";
