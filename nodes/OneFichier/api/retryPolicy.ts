/**
 * The retry policy, in one place: which failures are retried, how long each wait is, and how long
 * one call may wait in all. API calls (request.ts), the upload node (upload attempts and end.pl,
 * transfer/upload.ts) and remote-upload requests (actions/remoteUpload/create.operation.ts) all
 * follow it. The user's Rate Limits settings come in as `RateLimitSettings`.
 *
 * What is retried is decided by the failure's kind (errors.ts reads 1fichier's text first):
 * a flood answer is waited out (the whole key pauses), a transient failure (5xx, 429, a dropped
 * connection) is retried with back-off, and every refusal fails at once, since waiting does not
 * change a wrong key, a password or a missing file.
 */
import type { RateLimitSettings } from '../pacing/rateLimits';
import type { FailureKind } from './errors';

/** Whether a failed API call is tried again. A call whose effect is unknown is retried only after a flood, which refused it outright. */
export function isRetried(kind: FailureKind, idempotent: boolean): boolean {
	return kind === 'flood' || (kind === 'retryable' && idempotent);
}

/** The longest single wait: doubling stops here. */
const MAX_FLOOD_WAIT_MS = 3_600_000;
const FIRST_RETRY_WAIT_MS = 1000;
const MAX_RETRY_WAIT_MS = 60_000;

/** Back-off before retry `attempt` (0 first): a flood waits Flood Wait, doubling; the rest 1 s, doubling up to a minute; ±20 % jitter. */
export function backoffDelay(kind: 'flood' | 'retryable', attempt: number, settings: RateLimitSettings): number {
	const jitter = 0.8 + Math.random() * 0.4;
	const doubling = 2 ** Math.min(attempt, 30);
	if (kind === 'flood') return Math.round(Math.min(MAX_FLOOD_WAIT_MS, settings.floodWaitMs * doubling) * jitter);
	return Math.round(Math.min(MAX_RETRY_WAIT_MS, FIRST_RETRY_WAIT_MS * doubling) * jitter);
}

/** The waits of one call against Max Wait on Rate Limits. */
export class RetryBudget {
	private spentMs = 0;

	constructor(private readonly settings: RateLimitSettings) {}

	get waitedMs(): number {
		return this.spentMs;
	}

	get allowedMs(): number {
		return this.settings.maxRetryWaitMs;
	}

	/** Whether one more wait of `delayMs` fits; if so it is counted. */
	spend(delayMs: number): boolean {
		if (this.spentMs + delayMs > this.settings.maxRetryWaitMs) return false;
		this.spentMs += delayMs;
		return true;
	}
}

/**
 * The upload POST is never retried blindly: end.pl says whether the file was stored anyway. When
 * it was not, the upload starts over (new upload server) up to this many times in all.
 */
export const UPLOAD_ATTEMPTS = 3;

/** end.pl is asked again after this many request spacings (2 s by default), doubling up to 30 s. */
const END_PL_FIRST_WAIT_SPACINGS = 4;
const END_PL_MAX_WAIT_MS = 30_000;

/** The wait before asking end.pl again (`attempt` 0 first), within the budget of Max Wait on Rate Limits. */
export function endPlDelay(attempt: number, settings: RateLimitSettings): number {
	return Math.min(END_PL_MAX_WAIT_MS, settings.spacingMs * END_PL_FIRST_WAIT_SPACINGS * 2 ** Math.min(attempt, 30));
}

/**
 * A remote-upload request whose answer was lost may have been recorded: it is looked for among
 * the newest requests before being sent again, and sent at most this many times in all.
 */
export const REMOTE_REQUEST_ATTEMPTS = 2;
