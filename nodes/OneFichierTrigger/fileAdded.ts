/**
 * `fileAdded`: new files in a folder (and its sub-folders when asked), found with file/ls
 * narrowed by `sent_after`, so a poll only ever lists the files newer than the last one seen
 * (plus a small overlap), however large the folder has grown.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fileItem } from '../OneFichier/helpers/items';
import { apiRequest } from '../OneFichier/api/request';
import { getOneFichierCredentials } from '../OneFichier/api/credentials';
import type { OneFichierCredentials } from '../OneFichier/api/credentials';
import { getClock } from '../OneFichier/installation/clock';
import type { ApiFile, FileListRequest } from '../OneFichier/api/types';
import { toNumber } from '../OneFichier/api/types';
import { formatParisDate, maxDate, normaliseDate, shiftDate, windowStart } from '../OneFichier/api/dates';
import { lastListedAt, markListed } from '../OneFichier/pacing/listingGate';
import { pollDeadline } from './budget';
import type { FileAddedState, FolderState } from './state';

export interface FileAddedSettings {
	rootId: number;
	includeSubfolders: boolean;
	/** Minimum time between two file/ls of one folder (1fichier: 30 s). */
	minListingIntervalMs: number;
	/** How far before the newest seen date the next listing starts (dates have second resolution). */
	overlapSeconds: number;
}

/** The first poll records what is already there, from files of the last day (the rest is older anyway). */
const BASELINE_LOOKBACK_MS = 24 * 3600_000;
/** file/ls returns at most this many files (docs/1fichier-api.md §5). */
const LISTING_CAP = 5000;
/** Each watched folder costs two calls per poll; beyond this a poll would take many minutes. */
export const MAX_WATCHED_FOLDERS = 500;

/** The chosen folder, then (when asked) every folder below it, breadth first, via folder/ls. */
export async function watchedFolders(ctx: IPollFunctions, settings: FileAddedSettings): Promise<number[]> {
	const folders = [settings.rootId];
	if (!settings.includeSubfolders) return folders;
	const visited = new Set(folders);
	for (let index = 0; index < folders.length; index++) {
		const listing = await apiRequest(ctx, 'folder/ls.cgi', { folder_id: folders[index] });
		for (const sub of listing.sub_folders ?? []) {
			const id = toNumber(sub.id);
			if (id === undefined || visited.has(id)) continue;
			visited.add(id);
			folders.push(id);
			if (folders.length > MAX_WATCHED_FOLDERS) {
				throw new NodeOperationError(
					ctx.getNode(),
					`The folder has more than ${MAX_WATCHED_FOLDERS} sub-folders to watch`,
					{
						description:
							'Each watched folder is listed on every poll and 1fichier limits how fast an account may call its API. Watch a narrower folder, or turn off "Include Subfolders".',
					},
				);
			}
		}
	}
	return folders;
}

async function listFiles(
	ctx: IPollFunctions,
	credentials: OneFichierCredentials,
	folderId: number,
	sentAfter?: string,
	sentBefore?: string,
): Promise<ApiFile[]> {
	try {
		const body: FileListRequest = { folder_id: folderId };
		if (sentAfter !== undefined) body.sent_after = sentAfter;
		if (sentBefore !== undefined) body.sent_before = sentBefore;
		const listing = await apiRequest(ctx, 'file/ls.cgi', body);
		return (listing.items ?? []).filter((file) => file && typeof file.url === 'string' && file.url !== '');
	} finally {
		// Even a failed call may have counted on 1fichier's side.
		await markListed(credentials, folderId, getClock().now(), ctx.logger);
	}
}

async function lastListing(
	ctx: IPollFunctions,
	credentials: OneFichierCredentials,
	folderId: number,
	saved?: FolderState,
): Promise<number> {
	const known = await lastListedAt(credentials, folderId, ctx.logger);
	return Math.max(saved?.listedAt ?? Number.NEGATIVE_INFINITY, known ?? Number.NEGATIVE_INFINITY);
}

/** file/ls returned as many files as it ever does: some in the window may be missing. */
function capped(ctx: IPollFunctions, folderId: number, files: ApiFile[]): boolean {
	if (files.length < LISTING_CAP) return false;
	ctx.logger.warn(
		`1fichier trigger: folder ${folderId} returned ${files.length} files, 1fichier's cap for one listing; the older ones are fetched on the next polls`,
	);
	return true;
}

/**
 * When a listing was capped, the files older than the oldest one returned may be missing (if
 * 1fichier keeps the newest ones). They become a backlog that the next polls list first.
 */
function backlogAfterCap(from: string, dated: Array<{ url: string; date: string }>): FolderState['backlog'] {
	const oldest = dated.reduce((min, entry) => (entry.date < min ? entry.date : min), dated[0].date);
	return { from, to: oldest, seen: dated.filter((entry) => entry.date === oldest).map((entry) => entry.url) };
}

interface NewFile {
	file: ApiFile;
	folderId: number;
	date: string;
	order: number;
}

/**
 * One poll. Without a saved state it records a baseline and emits nothing. A folder listed less
 * than the minimum interval ago is skipped this time (its state kept), never listed too early.
 */
export async function pollFileAdded(
	ctx: IPollFunctions,
	settings: FileAddedSettings,
	saved: FileAddedState | undefined,
): Promise<{ items: IDataObject[]; state: FileAddedState }> {
	const clock = getClock();
	const credentials = await getOneFichierCredentials(ctx);
	const firstPoll = saved === undefined;
	const startedAt = saved?.startedAt ?? formatParisDate(clock.now());
	const previousFolders = saved?.folders ?? {};
	const folderIds = await watchedFolders(ctx, settings);

	const folders: Record<string, FolderState> = {};
	const found: NewFile[] = [];
	const deadline = pollDeadline(ctx);
	for (const [index, folderId] of folderIds.entries()) {
		const key = String(folderId);
		const previous = previousFolders[key];
		if (index > 0 && clock.now() > deadline) {
			// Out of time for this poll: the folders left keep their state for the next one.
			ctx.logger.info(`1fichier trigger: poll time budget used; ${folderIds.length - index} folder(s) left for the next poll`);
			for (const rest of folderIds.slice(index)) {
				if (previousFolders[String(rest)]) folders[String(rest)] = previousFolders[String(rest)];
			}
			break;
		}
		if (clock.now() - (await lastListing(ctx, credentials, folderId, previous)) < settings.minListingIntervalMs) {
			ctx.logger.debug(`1fichier trigger: folder ${folderId} was listed less than ${settings.minListingIntervalMs} ms ago; next poll`);
			if (previous) folders[key] = previous;
			continue;
		}

		if (previous?.backlog) {
			folders[key] = await catchUp(ctx, credentials, folderId, previous, found);
			continue;
		}

		// Known folder: from its window. First poll: a baseline, nothing emitted. A folder found
		// later (new sub-folder, or skipped on the first poll): everything since the first poll.
		const baseline = !previous && firstPoll;
		const since = previous
			? previous.since
			: baseline
				? formatParisDate(clock.now() - BASELINE_LOOKBACK_MS)
				: shiftDate(startedAt, -settings.overlapSeconds);
		const files = await listFiles(ctx, credentials, folderId, since);
		const listedAt = clock.now();

		const seen: Record<string, string> = { ...(previous?.seen ?? {}) };
		const dated: Array<{ url: string; date: string }> = [];
		let newest = previous?.newest;
		for (const file of files) {
			const date = normaliseDate(file.date) ?? formatParisDate(listedAt);
			// Outside the window asked for: older than what this watch covers.
			if (date < since) continue;
			dated.push({ url: file.url, date });
			if (seen[file.url] !== undefined) continue;
			seen[file.url] = date;
			newest = maxDate(newest, date);
			if (!baseline) found.push({ file, folderId, date, order: found.length });
		}

		const nextSince = newest === undefined ? since : maxDate(since, windowStart(newest, settings.overlapSeconds))!;
		const kept: Record<string, string> = {};
		for (const [url, date] of Object.entries(seen)) if (date >= nextSince) kept[url] = date;
		folders[key] = { since: nextSince, newest, seen: kept, listedAt };
		if (!baseline && dated.length > 0 && capped(ctx, folderId, files)) folders[key].backlog = backlogAfterCap(since, dated);
	}

	found.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
	return {
		items: found.map(({ file, folderId }) => fileItem(file, folderId)),
		state: { startedAt, folders },
	};
}

/** Lists a folder's backlog (files dated `from`..`to` a capped listing may have left out). */
async function catchUp(
	ctx: IPollFunctions,
	credentials: OneFichierCredentials,
	folderId: number,
	previous: FolderState,
	found: NewFile[],
): Promise<FolderState> {
	const { from, to } = previous.backlog!;
	const seenAtEnd = new Set(previous.backlog!.seen);
	// sent_before's boundary semantics are unknown: ask up to the next second, keep [from, to].
	const files = await listFiles(ctx, credentials, folderId, from, shiftDate(to, 1));
	const listedAt = getClock().now();
	const dated: Array<{ url: string; date: string }> = [];
	for (const file of files) {
		const date = normaliseDate(file.date) ?? to;
		if (date < from || date > to) continue;
		dated.push({ url: file.url, date });
		if (seenAtEnd.has(file.url) || previous.seen[file.url] !== undefined) continue;
		seenAtEnd.add(file.url);
		found.push({ file, folderId, date, order: found.length });
	}
	let backlog: FolderState['backlog'];
	if (dated.length > 0 && capped(ctx, folderId, files)) {
		backlog = backlogAfterCap(from, dated);
		// Still in the same second: remember every file of it already emitted.
		if (backlog!.to === to) backlog!.seen = [...new Set([...backlog!.seen, ...previous.backlog!.seen])];
	}
	return { ...previous, listedAt, backlog };
}

/**
 * Manual test run: the newest file of the watched folders, so the user can map its fields. Waits
 * (rather than fails) when a folder was listed too recently. Leaves the state alone.
 */
export async function newestFile(
	ctx: IPollFunctions,
	settings: FileAddedSettings,
	saved: FileAddedState | undefined,
): Promise<IDataObject[]> {
	const clock = getClock();
	const credentials = await getOneFichierCredentials(ctx);
	let best: { file: ApiFile; folderId: number; date: string } | undefined;
	for (const folderId of await watchedFolders(ctx, settings)) {
		const listedAt = await lastListing(ctx, credentials, folderId, saved?.folders[String(folderId)]);
		const wait = settings.minListingIntervalMs - (clock.now() - listedAt);
		if (wait > 0) await clock.sleep(wait);
		for (const file of await listFiles(ctx, credentials, folderId)) {
			const date = normaliseDate(file.date) ?? '';
			if (!best || date >= best.date) best = { file, folderId, date };
		}
	}
	return best ? [fileItem(best.file, best.folderId)] : [];
}
