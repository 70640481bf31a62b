/**
 * The rate-limit state every n8n process of a queue-mode installation shares, in n8n's Redis.
 * Each operation is one Lua script, so it is one round trip and atomic: two processes never get
 * the same pacing slot, and a flood pause or a listing time never overwrites a later one.
 *
 * Times are the Redis server's clock (`TIME`), so hosts whose clocks disagree still space their
 * calls correctly; callers get durations ("wait 340 ms", "listed 12 s ago"), not instants.
 * Keys are `<prefix>:n8n-nodes-1fichier:{<sha256 of base URL and API key>}:…` (never the key
 * itself; the braces keep one key's entries on one Redis Cluster slot) and all expire.
 */
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** How long entries outlive the moment they stop mattering (so they expire without cleanup). */
const DEFAULT_EXTRA_LIFETIME_MS = 60_000;
/** A folder's last listing is kept this long (1fichier's interval is 30 s; options may ask for more). */
const LISTING_LIFETIME_MS = 3_600_000;
/** The user/info answer is shared for five minutes (1fichier allows one call per five minutes). */
export const USER_INFO_LIFETIME_MS = 5 * 60_000;
/** While one process fetches user/info, the others wait for its answer at most this long. */
const USER_INFO_CLAIM_MS = 60_000;

const NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * KEYS[1]: start of the last reserved slot; KEYS[2] (optional): end of a flood pause.
 * ARGV[1]: spacing ms; ARGV[2]: extra lifetime ms. Returns { slot start, ms to wait }.
 */
const RESERVE = `${NOW}
local spacing = tonumber(ARGV[1])
local at = now
local last = tonumber(redis.call('GET', KEYS[1]))
if last and last + spacing > at then at = last + spacing end
if KEYS[2] then
  local paused = tonumber(redis.call('GET', KEYS[2]))
  if paused and paused > at then at = paused end
end
redis.call('SET', KEYS[1], string.format('%d', at), 'PX', math.floor(at - now + spacing + tonumber(ARGV[2])))
return { at, at - now }
`;

/**
 * KEYS[1]: end of the flood pause. ARGV[1]: pause ms; ARGV[2]: extra lifetime ms; ARGV[3]: the
 * channel to tell the other processes on; ARGV[4]: the message. Returns ms until the pause ends.
 */
const PAUSE = `${NOW}
local untilAt = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]))
if not paused or untilAt > paused then
  redis.call('SET', KEYS[1], string.format('%d', untilAt), 'PX', tonumber(ARGV[1]) + tonumber(ARGV[2]))
  paused = untilAt
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return paused - now
`;

/** KEYS[1]: a time. ARGV[1]: its age in ms; ARGV[2]: lifetime ms. Keeps the later of the two. */
const MARK = `${NOW}
local at = now - tonumber(ARGV[1])
local known = tonumber(redis.call('GET', KEYS[1]))
if not known or at > known then
  redis.call('SET', KEYS[1], string.format('%d', at), 'PX', tonumber(ARGV[2]))
end
return 1
`;

/** KEYS[1]: a time. Returns its age in ms, or -1 when there is none. */
const AGE = `${NOW}
local known = tonumber(redis.call('GET', KEYS[1]))
if not known then return -1 end
return now - known
`;

/**
 * KEYS[1]: the cached answer; KEYS[2]: the claim of the process fetching it. ARGV[1]: claim ms.
 * Returns { 'hit', answer } | { 'claimed' } | { 'busy' }.
 */
const USER_INFO = `
local cached = redis.call('GET', KEYS[1])
if cached then return { 'hit', cached } end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', tonumber(ARGV[1])) then return { 'claimed' } end
return { 'busy' }
`;

type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

interface Scripts {
	oneFichierReserve: ScriptCall;
	oneFichierPause: ScriptCall;
	oneFichierMark: ScriptCall;
	oneFichierAge: ScriptCall;
	oneFichierUserInfo: ScriptCall;
}

export type UserInfoClaim = { kind: 'hit'; answer: string } | { kind: 'claimed' } | { kind: 'busy' };

export class SharedState {
	private readonly scripts: Scripts;

	private readonly base: string;

	constructor(
		private readonly redis: RedisClient,
		prefix: string,
		private readonly extraLifetimeMs = DEFAULT_EXTRA_LIFETIME_MS,
	) {
		this.base = `${prefix}:n8n-nodes-1fichier`;
		redis.defineCommand('oneFichierReserve', { lua: RESERVE });
		redis.defineCommand('oneFichierPause', { numberOfKeys: 1, lua: PAUSE });
		redis.defineCommand('oneFichierMark', { numberOfKeys: 1, lua: MARK });
		redis.defineCommand('oneFichierAge', { numberOfKeys: 1, lua: AGE });
		redis.defineCommand('oneFichierUserInfo', { numberOfKeys: 2, lua: USER_INFO });
		this.scripts = redis as unknown as Scripts;
	}

	/** The channel on which a flood pause of any key is announced (the message is the key's id). */
	get pauseChannel(): string {
		return `${this.base}:pause`;
	}

	key(keyId: string, entry: string): string {
		return `${this.base}:{${keyId}}:${entry}`;
	}

	/** Reserves the next call slot of an API key: `spacingMs` after the previous one and after any pause. */
	async reserveSlot(keyId: string, spacingMs: number): Promise<{ at: number; waitMs: number }> {
		const keys = [this.key(keyId, 'slot'), this.key(keyId, 'pause')];
		return await this.reserve(keys, spacingMs, this.extraLifetimeMs);
	}

	/** Holds every process's calls with this key back for `ms`; returns how long the pause lasts. */
	async pause(keyId: string, ms: number): Promise<number> {
		const answer = await this.scripts.oneFichierPause(
			this.key(keyId, 'pause'),
			Math.ceil(ms),
			this.extraLifetimeMs,
			this.pauseChannel,
			keyId,
		);
		return Number(answer);
	}

	/**
	 * Reserves the next listing of any folder with this key: `spacingMs` after the previous
	 * reservation and after any flood pause (1fichier's general listing limit, API reference §3).
	 */
	async reserveListingSlot(keyId: string, spacingMs: number): Promise<{ at: number; waitMs: number }> {
		return await this.reserve([this.key(keyId, 'ls-any'), this.key(keyId, 'pause')], spacingMs, this.extraLifetimeMs);
	}

	/** Reserves the next listing of a folder: `intervalMs` after the previous one (claimed or done). */
	async claimListing(keyId: string, folderId: number, intervalMs: number): Promise<number> {
		return (await this.reserve([this.key(keyId, `ls:${folderId}`)], intervalMs, LISTING_LIFETIME_MS)).waitMs;
	}

	/** How long ago the folder was last listed (or claimed for a listing), if known. */
	async listingAge(keyId: string, folderId: number): Promise<number | undefined> {
		const age = Number(await this.scripts.oneFichierAge(this.key(keyId, `ls:${folderId}`)));
		return age < 0 ? undefined : age;
	}

	async markListed(keyId: string, folderId: number, ageMs: number): Promise<void> {
		await this.scripts.oneFichierMark(this.key(keyId, `ls:${folderId}`), Math.max(0, Math.round(ageMs)), LISTING_LIFETIME_MS);
	}

	/** The shared user/info answer, or the right to fetch it (`claimed`), or `busy` while another process does. */
	async claimUserInfo(keyId: string): Promise<UserInfoClaim> {
		const [kind, answer] = (await this.scripts.oneFichierUserInfo(
			this.key(keyId, 'userinfo'),
			this.key(keyId, 'userinfo:claim'),
			USER_INFO_CLAIM_MS,
		)) as [string, string?];
		if (kind === 'hit') return { kind, answer: answer ?? '' };
		return { kind: kind === 'claimed' ? 'claimed' : 'busy' };
	}

	/** Stores the answer (or, without one, gives the claim up so another process may fetch). */
	async releaseUserInfo(keyId: string, answer?: string): Promise<void> {
		const batch = this.redis.multi();
		if (answer !== undefined) batch.set(this.key(keyId, 'userinfo'), answer, 'PX', USER_INFO_LIFETIME_MS);
		batch.del(this.key(keyId, 'userinfo:claim'));
		await batch.exec();
	}

	private async reserve(keys: string[], spacingMs: number, extraLifetimeMs: number): Promise<{ at: number; waitMs: number }> {
		const [at, waitMs] = (await this.scripts.oneFichierReserve(
			keys.length,
			...keys,
			Math.max(0, Math.round(spacingMs)),
			extraLifetimeMs,
		)) as [number, number];
		return { at: Number(at), waitMs: Number(waitMs) };
	}
}
