/**
 * Pacing and back-off limits. Defaults come from the API reference (section 3): the documented
 * limit is 3 requests/s, about 2/s is what works in practice (rclone spaces calls 400 ms apart),
 * and a flood lock wants at least 30 s of silence before the next call.
 */
export interface RateLimitSettings {
	/** Minimum time between the starts of two API calls with the same key. */
	spacingMs: number;
	/** First wait after "Flood detected" / "Locked" (doubles on each further flood). */
	floodWaitMs: number;
	/** Total time one call may spend waiting on rate limits and server errors before failing. */
	maxRetryWaitMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
	spacingMs: 500,
	floodWaitMs: 30_000,
	maxRetryWaitMs: 300_000,
};
