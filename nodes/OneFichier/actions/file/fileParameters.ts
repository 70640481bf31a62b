/**
 * What several file operations share: the paced file/ls call (1fichier allows one listing of a
 * folder per 30 s), 1fichier's date format, and small parameter readers.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// One memory of folder listings for the whole package: the trigger's polls and these operations
// must not list the same folder within 30 s of each other.
import { claimListing, markListed } from '../../pacing/listingGate';
import { getFileUrl, getFolderId } from '../../helpers/locators';
import { assertValidName } from '../../api/names';
import { apiRequest } from '../../api/request';
import { cancelSignalOf } from '../../api/context';
import { getOneFichierCredentials } from '../../api/credentials';
import { formatParisDate, shiftDate, zonedWallTimeToEpoch } from '../../api/dates';
import { getClock } from '../../installation/clock';
import type { ApiFile, FileInfoResponse, ZeroOrOne } from '../../api/types';

/** file/ls answers at most this many items (API reference section 5). */
export const FILE_LS_CAP = 5000;

/** "List folders is limited to 5 000 results and 1 request per folder per 30s" (api.html via rclone). */
export const DEFAULT_LISTING_INTERVAL_SECONDS = 30;

/** A download token is valid five minutes (API reference section 2.3). */
export const TOKEN_LIFETIME_MS = 5 * 60_000;

export const show = (operation: string) => ({ show: { resource: ['file'], operation: [operation] } });

export function listingIntervalOption(): INodeProperties {
	return {
		displayName: 'Listing Interval (Seconds)',
		name: 'listingIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_LISTING_INTERVAL_SECONDS,
		description:
			'1fichier allows one listing of a folder per 30 s. The node waits this long between two listings of the same folder (lower it only for a test server).',
	};
}

// ---- file/ls, paced per folder -------------------------------------------------------------

export interface ListWindow {
	sentBefore?: string;
	sentAfter?: string;
}

/**
 * One file/ls call. Waits first when this folder was listed less than `intervalMs` ago: 1fichier
 * refuses a second listing of a folder within 30 s as a flood, which would lock the whole key.
 */
export async function listFolderFiles(
	ctx: IExecuteFunctions,
	folderId: number,
	window: ListWindow,
	options: { itemIndex: number; intervalMs: number },
): Promise<ApiFile[]> {
	const credentials = await getOneFichierCredentials(ctx);
	const clock = getClock();
	const waitMs = await claimListing(credentials, folderId, options.intervalMs, ctx.logger);
	if (waitMs > 0) {
		ctx.logger.info(
			`1fichier: waiting ${(waitMs / 1000).toFixed(1)} s before listing folder ${folderId} again (1fichier allows one listing of a folder per 30 s)`,
		);
		await clock.sleep(waitMs, cancelSignalOf(ctx));
	}
	const body: { folder_id: number; sent_before?: string; sent_after?: string } = { folder_id: folderId };
	if (window.sentBefore) body.sent_before = window.sentBefore;
	if (window.sentAfter) body.sent_after = window.sentAfter;
	try {
		const answer = await apiRequest(ctx, 'file/ls.cgi', body, { itemIndex: options.itemIndex });
		return answer.items ?? [];
	} finally {
		// Counted from the answer, which the server saw after the call began: a safe margin.
		await markListed(credentials, folderId, clock.now(), ctx.logger);
	}
}

export interface WalkOptions {
	sentAfter?: string;
	sentBefore?: string;
	limit: number;
	itemIndex: number;
	intervalMs: number;
}

/**
 * file/ls has no paging: it answers at most 5,000 files (the newest ones). To go past that, ask
 * again for the files sent before the oldest one seen, until an answer is not full. The boundary
 * second is asked for again (several files may share it, some beyond the cap), and files are
 * de-duplicated by link, so each is returned exactly once. The same folder may be listed once per
 * 30 s only, so `listFolderFiles` waits between windows.
 */
export async function walkFolder(ctx: IExecuteFunctions, folderId: number, options: WalkOptions): Promise<ApiFile[]> {
	const seen = new Map<string, ApiFile>();
	let sentBefore = options.sentBefore;
	for (let window = 1; ; window++) {
		const items = await listFolderFiles(
			ctx,
			folderId,
			{ sentBefore, sentAfter: options.sentAfter },
			{ itemIndex: options.itemIndex, intervalMs: options.intervalMs },
		);
		let added = 0;
		for (const file of items) {
			if (!seen.has(file.url)) {
				seen.set(file.url, file);
				added++;
			}
		}
		if (items.length < FILE_LS_CAP || seen.size >= options.limit) break;

		const oldest = items.reduce((min, file) => (file.date < min ? file.date : min), items[0].date);
		let next = addSecondsToFichierDate(oldest, 1);
		if (added === 0) {
			// More than 5,000 files share the oldest second: asking again gives the same answer.
			ctx.logger.warn(
				`1fichier: more than ${FILE_LS_CAP} files of folder ${folderId} were uploaded within the second ${oldest}; files of that second beyond the cap may be missing`,
			);
			next = oldest;
			if (sentBefore === next) break;
		}
		if (sentBefore !== undefined && next > sentBefore) next = sentBefore;
		ctx.logger.info(
			`1fichier: folder ${folderId} holds more than ${FILE_LS_CAP} matching files (${seen.size} so far); listing window ${window + 1}, files sent before ${next}`,
		);
		sentBefore = next;
	}
	return [...seen.values()].sort(newestFirst).slice(0, options.limit);
}

export function listingIntervalMs(options: IDataObject): number {
	const seconds = options.listingIntervalSeconds;
	return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : DEFAULT_LISTING_INTERVAL_SECONDS * 1000;
}

// ---- dates ---------------------------------------------------------------------------------

/** Epoch ms → `YYYY-MM-DD HH:MM:SS` in Paris time, the format of every 1fichier date. */
export const toFichierDate = formatParisDate;

/** Moves a 1fichier date by whole seconds, on its wall clock. */
export const addSecondsToFichierDate = shiftDate;

const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/**
 * Reads an n8n dateTime parameter. A value without an offset (what the date picker stores) is a
 * wall-clock time in the workflow's time zone, as in n8n's own nodes.
 */
export function parseDateParameter(
	ctx: IExecuteFunctions,
	parameterName: string,
	value: unknown,
	itemIndex: number,
): number {
	const fail = () =>
		new NodeOperationError(ctx.getNode(), `"${parameterName}" is not a valid date: "${String(value)}"`, {
			itemIndex,
			description: 'Use an ISO date such as 2026-01-31T18:00:00 (in the workflow\'s time zone) or 2026-01-31T17:00:00Z.',
		});
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw fail();
		return value.getTime();
	}
	const asIso = value && typeof value === 'object' && 'toISO' in value ? (value as { toISO(): string }).toISO() : value;
	const text = String(asIso ?? '').trim();
	if (ZONED.test(text)) {
		const ms = Date.parse(text);
		if (Number.isNaN(ms)) throw fail();
		return ms;
	}
	const match = LOCAL_DATE_TIME.exec(text);
	if (!match) throw fail();
	const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
	if (Number.isNaN(wall)) throw fail();
	return zonedWallTimeToEpoch(wall, ctx.getTimezone());
}

// ---- small readers -------------------------------------------------------------------------

export const flag = (value: unknown): ZeroOrOne => (value ? 1 : 0);

/** 1fichier wants file passwords of at least 6 characters; empty removes one where allowed. */
export function assertValidPassword(
	ctx: IExecuteFunctions,
	parameterName: string,
	password: string,
	itemIndex: number,
	allowEmpty: boolean,
): void {
	if (password === '' && allowEmpty) return;
	if (password.length < 6) {
		throw new NodeOperationError(ctx.getNode(), `"${parameterName}" must be at least 6 characters long`, {
			itemIndex,
			description: allowEmpty
				? '1fichier refuses shorter file passwords. Leave it empty to remove the password.'
				: '1fichier refuses shorter file passwords.',
		});
	}
}

/** file/info of the `file` parameter; `passwordParameter` names the parameter the password came from, if the operation has one. */
export async function getFileInfo(
	ctx: IExecuteFunctions,
	url: string,
	itemIndex: number,
	password?: string,
	passwordParameter?: string,
): Promise<FileInfoResponse> {
	return await apiRequest(ctx, 'file/info.cgi', password ? { url, pass: password } : { url }, {
		itemIndex,
		subject: { file: 'file', password: passwordParameter },
	});
}

/** What move and copy both read: the file, the destination folder, and a new name if it changes the name. */
export interface Destination {
	url: string;
	folderId: number;
	info: FileInfoResponse;
	/** Only when it differs from the current name: 1fichier refuses a rename to the same name (rclone #7856). */
	rename?: string;
}

export async function readDestination(ctx: IExecuteFunctions, itemIndex: number): Promise<Destination> {
	const url = getFileUrl(ctx, 'file', itemIndex);
	const { newName } = ctx.getNodeParameter('options', itemIndex, {}) as { newName?: string };
	if (newName) assertValidName(ctx.getNode(), 'newName', newName, itemIndex);
	const folderId = await getFolderId(ctx, 'destinationFolder', itemIndex);
	const info = await getFileInfo(ctx, url, itemIndex);
	return { url, folderId, info, rename: newName && newName !== info.filename ? newName : undefined };
}

/** Newest first; same date by URL, so the order is stable whatever order the API answered in. */
export function newestFirst(a: ApiFile, b: ApiFile): number {
	if (a.date !== b.date) return a.date < b.date ? 1 : -1;
	return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}
