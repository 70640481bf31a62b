import { REAL } from './messages';
import type { SimulatorLimits } from './types';

/** Real limits of §3 (documented numbers; the observed ones are stricter, see §7 question 9). */
export const DEFAULT_LIMITS: SimulatorLimits = {
	requestsPerSecond: 3,
	floodLockMs: 30_000,
	userInfoPerKeyMs: 300_000,
	userInfoPerIpMs: 60_000,
	fileLsPerFolderMs: 30_000,
	fileLsAllMs: 3_600_000,
	// Observed, not documented (§3 "Listings in general"): off unless asked, see OBSERVED_LIMITS.
	listingsEveryMs: 0,
	fileLsCap: 5000,
	tokenTtlMs: 300_000,
	endResultTtlMs: 7_200_000,
	remoteFetchDelayMs: 2_000,
	linkBytesPerSecond: 0,
};

/**
 * The documented limits plus the ones observed in the wild (§3 "Listings in general": one listing
 * every 3 s in general). The CLI's `--real-limits`.
 */
export const OBSERVED_LIMITS: SimulatorLimits = { ...DEFAULT_LIMITS, listingsEveryMs: 3000 };

/**
 * Changes limits in place (the rate limiter reads the same object). Every value is a number
 * >= 0; an unknown name is a typo, not a setting; undefined leaves the limit as it is.
 */
export function setLimits(limits: SimulatorLimits, changes: Partial<SimulatorLimits>): void {
	const given = Object.entries(changes).filter(([, value]) => value !== undefined);
	for (const [name, value] of given) {
		if (!(name in DEFAULT_LIMITS)) throw new Error(`simulator: unknown limit ${name}`);
		if (typeof value !== 'number' || !(value >= 0)) throw new Error(`simulator: limit ${name} must be a number >= 0`);
	}
	Object.assign(limits, Object.fromEntries(given));
}

const ONE_SECOND = 1000;
export const ALL_FILES_FOLDER_ID = -1;

/** A rate-limit refusal: always HTTP 403 with a flood message (§1 status codes, §3). */
export interface Refusal {
	reason: string;
	message: string;
}

/**
 * Per-key pacing. Only the general per-second flood locks the whole key (every call answers 403
 * until the lock ends, and calls during the lock extend nothing); the per-endpoint limits refuse
 * just that call. A refused call does not count as the endpoint's "last call".
 */
export class RateLimiter {
	private readonly recentCalls = new Map<string, number[]>();
	private readonly lockedUntil = new Map<string, number>();
	private readonly lastUserInfoByKey = new Map<string, number>();
	private readonly lastUserInfoByIp = new Map<string, number>();
	private readonly lastFileLs = new Map<string, number>();
	private readonly lastListing = new Map<string, number>();

	constructor(
		private readonly limits: SimulatorLimits,
		private readonly timeScale: number,
		private readonly now: () => number,
	) {}

	/** Every authenticated API call goes through here first. */
	checkGeneral(key: string): Refusal | undefined {
		const now = this.now();
		if ((this.lockedUntil.get(key) ?? 0) > now) return { reason: 'locked', message: REAL.flood };
		const windowStart = now - this.scaled(ONE_SECOND);
		const calls = (this.recentCalls.get(key) ?? []).filter((at) => at > windowStart);
		calls.push(now);
		this.recentCalls.set(key, calls);
		if (calls.length <= this.limits.requestsPerSecond) return undefined;
		this.lock(key);
		return { reason: 'flood', message: REAL.flood };
	}

	/** Starts the key's flood lock (also used by the `flood` fault). */
	lock(key: string): void {
		this.lockedUntil.set(key, this.now() + this.scaled(this.limits.floodLockMs));
		this.recentCalls.delete(key);
	}

	/** user/info: 1 per 5 min per user and 1 per min per IP; JD saw `#38` here (§2.1). */
	checkUserInfo(key: string, ip: string): Refusal | undefined {
		const now = this.now();
		if (this.tooSoon(this.lastUserInfoByKey.get(key), this.limits.userInfoPerKeyMs, now)) {
			return { reason: 'user/info per key', message: REAL.userInfoFlood };
		}
		if (this.tooSoon(this.lastUserInfoByIp.get(ip), this.limits.userInfoPerIpMs, now)) {
			return { reason: 'user/info per IP', message: REAL.userInfoFlood };
		}
		this.lastUserInfoByKey.set(key, now);
		this.lastUserInfoByIp.set(ip, now);
		return undefined;
	}

	/**
	 * file/ls: the spacing of listings in general, then 1 per folder per 30 s, and folder_id -1
	 * (every file) 1 per hour (§2.4, §3). Only an accepted call counts as the last one of either.
	 */
	checkFileLs(key: string, folderId: number): Refusal | undefined {
		const now = this.now();
		const spacing = this.listingTooSoon(key, now);
		if (spacing) return spacing;
		const slot = `${key}\u0000${folderId}`;
		const interval =
			folderId === ALL_FILES_FOLDER_ID ? this.limits.fileLsAllMs : this.limits.fileLsPerFolderMs;
		if (this.tooSoon(this.lastFileLs.get(slot), interval, now)) {
			return { reason: `file/ls folder ${folderId}`, message: REAL.flood };
		}
		this.lastFileLs.set(slot, now);
		this.lastListing.set(key, now);
		return undefined;
	}

	/** folder/ls: only the spacing of listings in general (§3 "Listings in general"). */
	checkFolderLs(key: string): Refusal | undefined {
		const now = this.now();
		const spacing = this.listingTooSoon(key, now);
		if (spacing) return spacing;
		this.lastListing.set(key, now);
		return undefined;
	}

	private listingTooSoon(key: string, now: number): Refusal | undefined {
		if (this.limits.listingsEveryMs <= 0) return undefined;
		if (!this.tooSoon(this.lastListing.get(key), this.limits.listingsEveryMs, now)) return undefined;
		return { reason: 'listings spacing', message: REAL.flood };
	}

	reset(): void {
		this.recentCalls.clear();
		this.lockedUntil.clear();
		this.lastUserInfoByKey.clear();
		this.lastUserInfoByIp.clear();
		this.lastFileLs.clear();
		this.lastListing.clear();
	}

	private tooSoon(last: number | undefined, intervalMs: number, now: number): boolean {
		return last !== undefined && now - last < this.scaled(intervalMs);
	}

	private scaled(ms: number): number {
		return ms * this.timeScale;
	}
}
