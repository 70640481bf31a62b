/**
 * The pacing settings of one API key and the ranges the user may set them in. Defaults come from
 * docs/1fichier-api.md §3: 1fichier documents 3 requests/s, about 2/s is what works in
 * practice (rclone spaces calls 400 ms apart), and a flood lock wants at least 30 s of silence.
 *
 * The node layer reads them from the node's "Rate Limits" option and binds them to the node's
 * context (`useRateLimits`); the API door only asks `rateLimitsOf(ctx)`, so nothing below the
 * node reads node parameters.
 */
export interface RateLimitSettings {
	/** Minimum time between the starts of two API calls with the same key. */
	spacingMs: number;
	/** First wait after "Flood detected" / "Locked" (doubles on each further flood). */
	floodWaitMs: number;
	/** Total time one call may spend waiting on rate limits and server errors before failing. */
	maxRetryWaitMs: number;
	/**
	 * Minimum time between the starts of two listings (folder/ls, file/ls) of any folders with the
	 * same key. An rclone maintainer observed "a limit of 1 directory listing every 3 seconds in
	 * general" (docs/1fichier-api.md §3, "Listings in general"), on top of the 30 s per folder.
	 */
	listingSpacingMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
	spacingMs: 500,
	floodWaitMs: 30_000,
	maxRetryWaitMs: 300_000,
	listingSpacingMs: 3000,
};

/** One setting of the "Rate Limits" option: its name in workflow JSON, as the editor shows it, and its range. */
export interface RateLimitRange {
	name: 'requestSpacingMs' | 'floodWaitSeconds' | 'maxRetryWaitSeconds' | 'listingSpacingSeconds';
	displayName: string;
	min: number;
	max: number;
	/** The setting's unit in milliseconds (1 for milliseconds, 1000 for seconds). */
	unitMs: number;
	setting: keyof RateLimitSettings;
}

/**
 * What a user may set. A flood wait must be above zero (zero retried a locked key forever), every
 * wait has an upper bound (no silent endless wait), and the lower bounds admit the sped-up limits
 * of a local test server.
 */
export const RATE_LIMIT_RANGES: readonly RateLimitRange[] = [
	{ name: 'requestSpacingMs', displayName: 'Request Spacing (Ms)', min: 0, max: 60_000, unitMs: 1, setting: 'spacingMs' },
	{ name: 'floodWaitSeconds', displayName: 'Flood Wait (Seconds)', min: 0.01, max: 3600, unitMs: 1000, setting: 'floodWaitMs' },
	{ name: 'maxRetryWaitSeconds', displayName: 'Max Wait on Rate Limits (Seconds)', min: 0, max: 86_400, unitMs: 1000, setting: 'maxRetryWaitMs' },
	{ name: 'listingSpacingSeconds', displayName: 'Listing Spacing (Seconds)', min: 0, max: 600, unitMs: 1000, setting: 'listingSpacingMs' },
];

/** A setting outside its range, named as the editor shows it. */
export class RateLimitRangeError extends Error {
	constructor(
		readonly range: RateLimitRange,
		readonly value: unknown,
	) {
		super(`"Rate Limits → ${range.displayName}" must be a number from ${range.min} to ${range.max}; it is ${JSON.stringify(value)}`);
	}
}

/** The settings from the option's values (workflow JSON); unset ones take their default. */
export function rateLimitsFromOptions(values: Record<string, unknown>): RateLimitSettings {
	const settings = { ...DEFAULT_RATE_LIMITS };
	for (const range of RATE_LIMIT_RANGES) {
		const value = values[range.name];
		if (value === undefined || value === null || value === '') continue;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
			throw new RateLimitRangeError(range, value);
		}
		settings[range.setting] = value * range.unitMs;
	}
	return settings;
}

const boundSettings = new WeakMap<object, RateLimitSettings>();

/** Binds the node's settings to its context for the calls made through it. */
export function useRateLimits(ctx: object, settings: RateLimitSettings): void {
	boundSettings.set(ctx, settings);
}

/** The settings bound to this context, or the defaults (contexts without the option, e.g. the credential test). */
export function rateLimitsOf(ctx: object): RateLimitSettings {
	return boundSettings.get(ctx) ?? DEFAULT_RATE_LIMITS;
}
