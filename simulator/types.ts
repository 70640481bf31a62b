/**
 * Public shapes of the local 1fichier simulator. Other packages' tests code against these
 * names, so they change only together with their users.
 */

export interface SimulatorOptions {
	/** 0 = a random free port (default). The CLI defaults to 8765 or $SIMULATOR_PORT. */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Valid API keys; default [DEMO_API_KEY]. Every key opens the same (single) account. */
	keys?: string[];
	/** Multiplies every limit/TTL duration (also the ones given in `limits`). 1 = real, 0.01 = 100x faster. */
	timeScale?: number;
	/** Where file bytes are stored; default a fresh mkdtemp dir, removed on close(). */
	dataDir?: string;
	/** Default 'empty'; 'demo' creates a few folders/files and one pending remote upload. */
	seed?: 'demo' | 'empty';
	limits?: Partial<SimulatorLimits>;
	/** Account offer reported by user/info (0 free, 1 Premium, 2 Access). Default 1. */
	offer?: number;
	/**
	 * Default true: every file gets its real Whirlpool checksum, hashed as the bytes arrive on a
	 * worker thread (an upload goes no faster than the hash, about 125 MiB/s). False: no checksums
	 * (empty, as when 1fichier gives none), for benchmarks of raw transfer speed.
	 */
	checksums?: boolean;
	/** Called once per answered request (API and node transfers, not control calls). Never gets headers. */
	onRequest?: (entry: RequestLogEntry) => void;
	/**
	 * How far the simulator's clock runs ahead of the host's (negative: behind), in ms. Default 0.
	 * Moves every date the simulator shows (upload `date`, `create_date`, remote job dates,
	 * `stats_date`), not its rate limits or lifetimes. Tests of backups that compare local
	 * modification times with upload dates use ±5 minutes. Settable later: `sim.clock.setOffsetMs`,
	 * `POST /__simulator/clock`.
	 */
	clockOffsetMs?: number;
}

export interface RequestLogEntry {
	kind: 'api' | 'node' | 'other';
	method: string;
	/** Path without the query string (a query could carry secrets from badly written clients). */
	path: string;
	status: number;
	ms: number;
}

export interface SimulatorLimits {
	/** Per key, in a sliding window of 1 s (scaled). Default 3 (§3 "3 requests per second"). */
	requestsPerSecond: number;
	/** After a flood every call of that key answers 403 flood for this long. Default 30 000. */
	floodLockMs: number;
	/** user/info: 1 per 5 min per user (§2.1, §3). */
	userInfoPerKeyMs: number;
	/** user/info: 1 per min per IP (§2.1, §3). */
	userInfoPerIpMs: number;
	/** file/ls: 1 request per folder per 30 s (§2.4 listing limits). */
	fileLsPerFolderMs: number;
	/** file/ls with folder_id -1: 1 per hour (§2.4). */
	fileLsAllMs: number;
	/**
	 * file/ls and folder/ls as one class of call, per key: at most one listing every this many ms,
	 * on top of the per-folder limit (§3 "Listings in general": observed, one every 3 s). A listing
	 * too soon answers 403 `Flood detected: IP Locked #374` without locking the key. Default 0
	 * (off); `OBSERVED_LIMITS` and the CLI's `--real-limits` set 3000.
	 */
	listingsEveryMs: number;
	/** file/ls returns at most this many items (§5). */
	fileLsCap: number;
	/** Download token lifetime, 5 min (§2.3). */
	tokenTtlMs: number;
	/** end.pl result lifetime, ~2 h (§2.2). */
	endResultTtlMs: number;
	/** Delay before a remote upload job starts fetching. */
	remoteFetchDelayMs: number;
	/**
	 * The most bytes per second one download sends or one upload takes in, as a real link would
	 * (link.ts); 0, the default: as fast as loopback goes. Wall-clock bytes, not scaled.
	 */
	linkBytesPerSecond: number;
}

export interface Simulator {
	/** 'http://127.0.0.1:<port>' */
	url: string;
	/** url + '/v1' (the credential's baseUrl). */
	baseUrl: string;
	port: number;
	keys: string[];
	/** The simulator's clock: dates in answers use it (host time + offset, see `clockOffsetMs`). */
	clock: SimulatorClock;
	state: SimulatorState;
	faults: FaultInjector;
	stats: SimulatorStats;
	/** Forget every rate-limit memory and lock (not part of state.reset()). */
	resetLimits(): void;
	/** Changes limits while running (e.g. `{ listingsEveryMs: 3000 }`); `/__simulator/reset` restores the start values. */
	setLimits(limits: Partial<SimulatorLimits>): void;
	/** Cuts every connection held by a stall fault (faults.clear(), reset and close() do it too). */
	releaseStalled(): void;
	close(): Promise<void>;
}

export interface SimulatorClock {
	/** Epoch ms of the simulator's clock: `Date.now() + offsetMs()`. */
	now(): number;
	offsetMs(): number;
	/** Ahead (+) or behind (−) the host by this many ms, from now on (files stored earlier keep their dates). */
	setOffsetMs(offsetMs: number): void;
}

export interface SimulatorStats {
	/** API requests (/v1/*), not byte transfers. */
	requests: number;
	/** e.g. 'file/ls.cgi': 3 */
	byEndpoint: Record<string, number>;
	/** Byte transfers on the upload node and download host: 'upload.cgi', 'end.pl', 'download'. */
	transfers: Record<string, number>;
	/** Files stored by upload.cgi (each `file[]` part of a multi-file upload counts), and their bytes. */
	uploadedFiles: number;
	uploadedBytes: number;
	/** Body bytes of downloads served to their end (Range requests count what they sent). */
	downloadedBytes: number;
	/** Times a flood/lock answer was sent (any rate-limit refusal or flood fault counts). */
	floodEvents: number;
	rateLimitEvents: Array<{ at: number; endpoint: string; reason: string }>;
	reset(): void;
}

export interface SimulatorState {
	/** Throws on reserved characters, an unknown parent or a duplicate name. */
	createFolder(parentId: number, name: string): SimFolder;
	addFile(
		folderId: number,
		filename: string,
		content: Buffer | string,
		opts?: { date?: Date; contentType?: string },
	): SimFile;
	/**
	 * Folders (paths under `parentId`, created as needed) and their files in one call; returns each
	 * path's folder id. For benchmarks and tests that need a tree quickly.
	 */
	seedTree(parentId: number, entries: SeedFolder[]): Record<string, number>;
	/** Fast bulk seeding; all files share one blob. Dates start at startDate and grow by stepMs (default 1000). */
	seedFiles(
		folderId: number,
		count: number,
		opts?: { namePrefix?: string; bytes?: number; startDate?: Date; stepMs?: number },
	): void;
	getFolder(id: number): SimFolder | undefined;
	listFolders(parentId: number): SimFolder[];
	/** The folder named `name` directly under `parentId`, if any. */
	childNamed(parentId: number, name: string): SimFolder | undefined;
	/** All files of the folder, no cap, oldest first. */
	listFiles(folderId: number): SimFile[];
	/** Every file of the account (not the anonymous uploads). */
	allFiles(): SimFile[];
	/** Files uploaded without an API key. */
	anonymousFiles(): SimFile[];
	/** Accepts any accepted link form (§2 `F`) or a bare id. Finds anonymous files too. */
	findFile(urlOrId: string): SimFile | undefined;
	readFile(urlOrId: string): Buffer;
	filePath(urlOrId: string): string;
	remoteJobs(): SimRemoteJob[];
	/** Back to an empty root (files, folders, remote jobs). */
	reset(): void;
}

export interface SeedFolder {
	/** `a/b/c`, relative to the parent given to seedTree; '' = the parent itself. */
	path: string;
	/** Files with the given content. */
	files?: Array<{ filename: string; content: Buffer | string; date?: Date; contentType?: string }>;
	/** Generated files `<namePrefix><n>.txt` (default prefix `seed-`), `bytes` each (default 16). */
	count?: number;
	bytes?: number;
	namePrefix?: string;
	/** Generated files get content (and a checksum) of their own; default: one shared blob. */
	distinct?: boolean;
	/** Dates of the generated files: from startDate (default now − count × stepMs), stepMs apart (default 1000). */
	startDate?: Date;
	stepMs?: number;
}

export interface SimShare {
	email: string;
	rw: 0 | 1;
	hide_links: 0 | 1;
}

export interface SimFolder {
	id: number;
	name: string;
	parentId: number | null;
	createDate: string;
	pass?: string;
	shared?: { public: boolean; url?: string; pass?: string; shares: SimShare[] };
}

export interface SimAcl {
	ip: string[];
	country: string[];
	email: string[];
	premium: 0 | 1;
}

export interface SimFile {
	id: string;
	url: string;
	filename: string;
	size: number;
	/** 'YYYY-MM-DD HH:MM:SS' Europe/Paris */
	date: string;
	/** ms epoch */
	createdAt: number;
	folderId: number;
	/** Whirlpool, 128 lowercase hex (empty when the simulator runs without checksums). */
	checksum: string;
	contentType: string;
	description: string;
	pass: string;
	inline: 0 | 1;
	noSsl: 0 | 1;
	cdn: 0 | 1;
	acl: SimAcl;
}

export interface SimRemoteResult {
	status: 'OK' | 'KO';
	url: string;
	download_link?: string;
	message?: string;
}

export interface SimRemoteJob {
	id: number;
	urls: string[];
	folderId: number;
	headers: Record<string, string>;
	requestDate: string;
	executionDate: string | null;
	result: SimRemoteResult[];
	done: boolean;
}

export type FaultKind =
	| '5xx'
	| 'flood'
	| 'drop'
	| 'slow'
	| 'pleaseWait'
	| 'maintenance'
	| 'html403'
	| 'refusal'
	| 'endHtml'
	| 'endNoLinks'
	| 'endSeveralLinks'
	// Integrity faults: the request succeeds but the bytes or the checksum are not right.
	| 'corruptUpload' // the next upload stores its first byte flipped (checksum of the stored bytes)
	| 'wrongChecksum' // the next upload stores the right bytes but reports a wrong checksum
	| 'corruptDownload' // the next download sends its first byte flipped
	| 'endWithoutChecksum' // the next end.pl answer has no `whirlpool` (file/info still has the checksum)
	// Stall faults (timeout tests): the request is accepted, then nothing more happens; the
	// connection stays open until the client gives up, faults.clear(), a reset or close().
	| 'stall' // no answer at all (any request; match it to an API path)
	| 'stallUpload' // upload.cgi reads `afterBytes` of the body, then stops reading and never answers
	| 'stallDownload' // the download sends its headers and `afterBytes` of the body, then nothing
	| 'stallEndPl'; // end.pl never answers

export interface Fault {
	/**
	 * Path substring, e.g. 'file/ls.cgi', 'upload.cgi', 'end.pl', '/dl/'. Absent = any request,
	 * except for the integrity and transfer stall faults: '/upload.cgi' (corruptUpload,
	 * wrongChecksum, stallUpload), '/dl/' (corruptDownload, stallDownload), '/end.pl'
	 * (endWithoutChecksum, stallEndPl).
	 */
	match?: string;
	kind: FaultKind;
	/** For 5xx, default 503; for refusal, default 403. */
	status?: number;
	/** For refusal: 1fichier's text, e.g. `Must be a customer (Premium, Access) #200` (see REFUSAL_ANSWERS). */
	message?: string;
	/** For slow. */
	delayMs?: number;
	/**
	 * Multi-file uploads: the file (its `filename`) that corruptUpload or wrongChecksum damages
	 * (default the first file), or whose end.pl link endWithoutChecksum strips (default every link).
	 */
	filename?: string;
	/**
	 * stallUpload: body bytes read before reading stops; stallDownload: body bytes sent before
	 * sending stops. Default half the body, at most 256 KiB.
	 */
	afterBytes?: number;
	/** Applies to the next `times` matching requests (default 1), then is removed. */
	times?: number;
	/** Applies to every matching request until the faults are cleared (`times` is then ignored). */
	always?: boolean;
}

export interface FaultInjector {
	add(fault: Fault): void;
	/** Removes every armed fault and cuts the connections that stall faults hold open. */
	clear(): void;
	/** Number of fault applications still to come. */
	pending(): number;
}
