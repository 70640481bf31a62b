/**
 * A 1fichier folder tree as the backup, the restore and the check read it: each folder listed once
 * per run with folder/ls `files: 1` (its sub-folders and its files in one call), past 1fichier's
 * 5,000-file cap with the file/ls walk, and every listing paced twice: one listing of a given
 * folder per 30 s, and one listing of any folder per Rate Limits → Listing Spacing (3 s; API
 * reference section 3, "Listings in general"). Names are read back through the look-alike table.
 *
 * `walkRemoteTree` yields folder by folder: only the folder being handed out and the ids of the
 * folders still to visit are in memory, whatever the size of the tree.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { cancelSignalOf } from '../api/context';
import { getOneFichierCredentials } from '../api/credentials';
import { earliestParisInstant } from '../api/dates';
import { FILE_LS_CAP, walkFolder } from '../api/listing';
import { fromRemoteName } from '../api/names';
import { apiRequest } from '../api/request';
import type { ApiFile, ApiSubFolder } from '../api/types';
import { toNumber } from '../api/types';
import { getClock } from '../installation/clock';
import { claimListing, markListed } from '../pacing/listingGate';
import { normaliseChecksum } from '../transfer/whirlpool';
import { parameterLabel } from '../helpers/parameterLabels';

/** 1fichier allows one listing of a given folder per 30 s (docs/1fichier-api.md §3). */
export const FOLDER_LISTING_INTERVAL_MS = 30_000;

export interface RemoteFile {
	/** The name as the local file system knows it (look-alikes read back). */
	name: string;
	/** The name exactly as 1fichier holds it. */
	remoteName: string;
	url: string;
	size: number;
	/** 1fichier's upload date, Paris wall time. */
	date: string;
	/** The earliest instant `date` may stand for (epoch ms); 0 when 1fichier gave no readable date. */
	uploadedAtMs: number;
	/** Whirlpool, 128 lowercase hex characters, when 1fichier gives one. */
	checksum?: string;
}

export interface RemoteSubFolder {
	id: number;
	name: string;
	remoteName: string;
	createDate?: string;
}

export interface RemoteFolder {
	id: number;
	/** Slash-separated local path from the tree's root ('' for the root itself). */
	path: string;
	subFolders: RemoteSubFolder[];
	files: RemoteFile[];
}

export interface RemoteListingOptions {
	itemIndex: number;
	/** The wait between two listings of one folder; FOLDER_LISTING_INTERVAL_MS unless a caller knows better. */
	folderIntervalMs?: number;
}

/** One folder: its sub-folders and every one of its files, in one folder/ls call unless it holds 5,000 files or more. */
export async function listRemoteFolder(
	ctx: IExecuteFunctions,
	folderId: number,
	options: RemoteListingOptions,
): Promise<Omit<RemoteFolder, 'path'>> {
	const intervalMs = options.folderIntervalMs ?? FOLDER_LISTING_INTERVAL_MS;
	const listing = await pacedListing(ctx, folderId, intervalMs, async () =>
		await apiRequest(ctx, 'folder/ls.cgi', { folder_id: folderId, files: 1 }, { itemIndex: options.itemIndex, subject: { folder: parameterLabel(ctx, 'folder') } }),
	);
	let items = listing.items ?? [];
	const fileCount = toNumber(listing.files);
	if (items.length >= FILE_LS_CAP || (fileCount !== undefined && fileCount > items.length)) {
		ctx.logger.info(
			`1fichier: folder ${folderId} holds ${fileCount ?? 'at least ' + items.length} files, more than one listing answers (${FILE_LS_CAP}); walking it with file/ls`,
		);
		// walkFolder waits its turns itself (listFolderFiles); the folder/ls just made counts for both.
		const walked = await walkFolder(ctx, folderId, { limit: Infinity, itemIndex: options.itemIndex, intervalMs });
		const seen = new Set(walked.map((file) => file.url));
		items = [...walked, ...items.filter((file) => !seen.has(file.url))];
	}
	return {
		id: folderId,
		subFolders: (listing.sub_folders ?? []).flatMap(remoteSubFolder),
		files: items.map(remoteFile),
	};
}

export interface RemoteWalkOptions extends RemoteListingOptions {
	/** Whether to list a sub-folder (and so everything below it); every one by default. */
	descend?: (subFolder: RemoteSubFolder, parentPath: string) => boolean;
}

/** Every folder of the tree below `rootId` (itself first), depth first, sub-folders in name order. */
export async function* walkRemoteTree(
	ctx: IExecuteFunctions,
	rootId: number,
	options: RemoteWalkOptions,
): AsyncGenerator<RemoteFolder> {
	const pending: Array<{ id: number; path: string }> = [{ id: rootId, path: '' }];
	while (pending.length > 0) {
		const next = pending.pop()!;
		const folder: RemoteFolder = { ...(await listRemoteFolder(ctx, next.id, options)), path: next.path };
		const children = folder.subFolders
			.filter((sub) => options.descend?.(sub, folder.path) ?? true)
			.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
		for (const sub of children) pending.push({ id: sub.id, path: joinPath(folder.path, sub.name) });
		yield folder;
	}
}

/** `parent/name`; either may be '' (the tree's root). */
export function joinPath(parent: string, name: string): string {
	if (name === '') return parent;
	return parent === '' ? name : `${parent}/${name}`;
}

/** Waits for the folder's own turn (the API door waits the key's listing turn), lists, and records the listing. */
async function pacedListing<T>(ctx: IExecuteFunctions, folderId: number, intervalMs: number, list: () => Promise<T>): Promise<T> {
	const credentials = await getOneFichierCredentials(ctx);
	const clock = getClock();
	const signal = cancelSignalOf(ctx);
	const folderWaitMs = await claimListing(credentials, folderId, intervalMs, ctx.logger);
	if (folderWaitMs > 0) {
		ctx.logger.info(
			`1fichier: waiting ${(folderWaitMs / 1000).toFixed(1)} s before listing folder ${folderId} again (1fichier allows one listing of a folder per 30 s)`,
		);
		await clock.sleep(folderWaitMs, signal);
	}
	try {
		return await list();
	} finally {
		await markListed(credentials, folderId, clock.now(), ctx.logger);
	}
}

function remoteSubFolder(sub: ApiSubFolder): RemoteSubFolder[] {
	const id = toNumber(sub.id);
	if (id === undefined || typeof sub.name !== 'string') return [];
	return [{ id, name: fromRemoteName(sub.name), remoteName: sub.name, createDate: sub.create_date }];
}

function remoteFile(file: ApiFile): RemoteFile {
	return {
		name: fromRemoteName(file.filename),
		remoteName: file.filename,
		url: file.url,
		size: toNumber(file.size) ?? -1,
		date: file.date,
		uploadedAtMs: earliestParisInstant(file.date) ?? 0,
		checksum: normaliseChecksum(file.checksum),
	};
}
