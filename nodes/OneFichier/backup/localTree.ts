/**
 * A directory on the n8n host as the backup reads it: through n8n's file-system helpers, so
 * N8N_RESTRICT_FILE_ACCESS_TO, N8N_BLOCK_FILE_PATTERNS and n8n's symlink rules hold exactly as for
 * Read/Write Files. The source directory is resolved (`resolvePath`) and checked
 * (`isFilePathBlocked`) once; each folder below it is read with one `readdir` and one `lstat` per
 * entry (metadata only: no file byte is read here); files are opened with `createReadStream`,
 * which refuses blocked paths and symbolic links.
 *
 * `walkLocalTree` yields folder by folder: only the folder being handed out and the paths of the
 * folders still to visit are in memory, whatever the size of the tree.
 */
import type { Stats } from 'fs';
import { lstat, readdir, stat } from 'fs/promises';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import path from 'path';
import type { Readable } from 'stream';

import { processEnvironment, readSetting } from '../installation/n8nSettings';
import type { SizedRead } from '../transfer/streams';
import { sizedChunks, SlotRing } from '../transfer/streams';
import { startWhirlpool } from '../transfer/whirlpool';
import { forEachLimited } from './limited';
import type { PathFilter } from './pathFilter';
import { joinPath } from './remoteTree';
import { parameterLabel } from '../helpers/parameterLabels';

type ResolvedFilePath = Parameters<IExecuteFunctions['helpers']['createReadStream']>[0];

export interface LocalRoot {
	/** The source directory as the user gave it, for messages. */
	given: string;
	/** Its real path (symbolic links in the given path resolved, as Read/Write Files does). */
	path: string;
}

/** What decides whether a file changed: its metadata (lstat), never its bytes. */
export interface LocalStat {
	size: number;
	mtimeMs: number;
	ctimeMs: number;
	ino: number;
	dev: number;
}

export interface LocalFile extends LocalStat {
	name: string;
	/** Slash-separated path from the source directory. */
	path: string;
	/**
	 * The last change of the file as the local clock saw it: the later of its modification time and
	 * its status-change time. Copy tools and cameras set modification times into the past; no tool
	 * can set the status-change time, which the system sets to now on every write, rename or
	 * replacement of the file.
	 */
	lastChangeMs: number;
}

export type LocalSkipReason = 'symlink' | 'special' | 'blocked';

export interface LocalSkip {
	path: string;
	reason: LocalSkipReason;
	folder: boolean;
}

export interface LocalFailure {
	path: string;
	reason: string;
}

export interface LocalFolder {
	/** Slash-separated path from the source directory ('' for the source directory itself). */
	path: string;
	files: LocalFile[];
	/** Names of the sub-folders in scope that the walk enters. */
	subFolders: string[];
	skipped: LocalSkip[];
	/** Entries that could not be read (an unreadable folder, a vanished file, a name that is not UTF-8). */
	failures: LocalFailure[];
	/** False when the folder itself could not be read: nothing is known of what it holds. */
	readable: boolean;
}

/** Resolves and checks the source directory; a clear error when it is missing, not a directory or not allowed. */
export async function openLocalTree(ctx: IExecuteFunctions, sourceDirectory: string, itemIndex: number): Promise<LocalRoot> {
	const given = sourceDirectory.trim();
	const label = parameterLabel(ctx, 'sourceDirectory');
	if (given === '') {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, {
			itemIndex,
			description: 'Give the directory on the n8n host to back up, e.g. /mnt/nas/export.',
		});
	}
	const unreadable = (error: unknown) =>
		new NodeOperationError(ctx.getNode(), `${label} ${given} cannot be read: ${describeFsError(error)}`, {
			itemIndex,
			description:
				'Check that the directory exists on the n8n host (in queue mode, on every worker) and that n8n may read it. An unmounted NAS shows up here: nothing is sent or removed.',
		});
	let resolved: string;
	try {
		resolved = await ctx.helpers.resolvePath(given);
	} catch (error) {
		throw unreadable(error);
	}
	if (ctx.helpers.isFilePathBlocked(resolved as ResolvedFilePath)) throw blockedError(ctx, given, resolved, itemIndex);
	let stats: Stats;
	try {
		stats = await stat(resolved);
	} catch (error) {
		throw unreadable(error);
	}
	if (!stats.isDirectory()) {
		throw new NodeOperationError(ctx.getNode(), `${label} ${given} is not a directory`, {
			itemIndex,
			description: 'Give a directory; to back up one file, use File → Upload.',
		});
	}
	return { given, path: resolved };
}

function blockedError(ctx: IExecuteFunctions, given: string, resolved: string, itemIndex: number): NodeOperationError {
	const env = processEnvironment();
	const allowed = readSetting(env, 'N8N_RESTRICT_FILE_ACCESS_TO');
	const patterns = readSetting(env, 'N8N_BLOCK_FILE_PATTERNS');
	const shown = resolved === given ? given : `${given} (${resolved})`;
	return new NodeOperationError(ctx.getNode(), `n8n does not allow access to ${parameterLabel(ctx, 'sourceDirectory')} ${shown}`, {
		itemIndex,
		description:
			`n8n reads files only inside N8N_RESTRICT_FILE_ACCESS_TO (here: ${allowed ? `"${allowed}"` : 'not set, so n8n 2.x allows ~/.n8n-files'}), ` +
			`never paths matching N8N_BLOCK_FILE_PATTERNS (here: ${patterns ? `"${patterns}"` : "not set, so .git paths"}), ` +
			"and never n8n's own folder (unless N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES=false). " +
			'Add the directory (or a parent) to N8N_RESTRICT_FILE_ACCESS_TO, separated by ";", and restart n8n.',
	});
}

/** lstat calls in flight while reading a folder: a NAS over the network answers each in a round trip. */
const STAT_CONCURRENCY = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One folder: its files with their metadata, the sub-folders to enter, what is skipped and why. */
export async function readLocalFolder(
	ctx: IExecuteFunctions,
	root: LocalRoot,
	relativePath: string,
	filter: PathFilter,
): Promise<LocalFolder> {
	const folder: LocalFolder = { path: relativePath, files: [], subFolders: [], skipped: [], failures: [], readable: true };
	let names: Buffer[];
	try {
		names = await readdir(absolutePath(root, relativePath), { encoding: 'buffer' });
	} catch (error) {
		folder.readable = false;
		folder.failures.push({ path: relativePath || '.', reason: `the folder cannot be read: ${describeFsError(error)}` });
		return folder;
	}
	const entries: string[] = [];
	for (const raw of names) {
		let name: string;
		try {
			name = utf8.decode(raw);
		} catch {
			const shown = joinPath(relativePath, raw.toString('utf8'));
			folder.failures.push({ path: shown, reason: 'the name is not valid UTF-8, so n8n cannot open it; rename it' });
			continue;
		}
		entries.push(name);
	}
	entries.sort();
	await forEachLimited(entries, STAT_CONCURRENCY, async (name) => await readEntry(ctx, root, folder, name, filter));
	// Entries were read concurrently: restore name order.
	folder.files.sort((a, b) => compareNames(a.name, b.name));
	folder.subFolders.sort(compareNames);
	return folder;
}

async function readEntry(ctx: IExecuteFunctions, root: LocalRoot, folder: LocalFolder, name: string, filter: PathFilter): Promise<void> {
	const relative = joinPath(folder.path, name);
	let stats: Stats;
	try {
		stats = await lstat(absolutePath(root, relative));
	} catch (error) {
		const vanished = (error as { code?: string }).code === 'ENOENT';
		folder.failures.push({ path: relative, reason: vanished ? 'the file vanished while the folder was read' : describeFsError(error) });
		return;
	}
	const isFolder = stats.isDirectory();
	if (!filter.inScope(relative, isFolder)) return;
	if (stats.isSymbolicLink()) {
		folder.skipped.push({ path: relative, reason: 'symlink', folder: false });
		return;
	}
	if (ctx.helpers.isFilePathBlocked(absolutePath(root, relative) as ResolvedFilePath)) {
		folder.skipped.push({ path: relative, reason: 'blocked', folder: isFolder });
		return;
	}
	if (isFolder) {
		folder.subFolders.push(name);
	} else if (stats.isFile()) {
		folder.files.push({ name, path: relative, ...localStatOf(stats), lastChangeMs: Math.max(stats.mtimeMs, stats.ctimeMs) });
	} else {
		folder.skipped.push({ path: relative, reason: 'special', folder: false });
	}
}

/** Every folder of the tree (the source directory first), depth first, sub-folders in name order. */
export async function* walkLocalTree(ctx: IExecuteFunctions, root: LocalRoot, filter: PathFilter): AsyncGenerator<LocalFolder> {
	const pending = [''];
	while (pending.length > 0) {
		const folder = await readLocalFolder(ctx, root, pending.pop()!, filter);
		for (let index = folder.subFolders.length - 1; index >= 0; index--) pending.push(joinPath(folder.path, folder.subFolders[index]));
		yield folder;
	}
}

/** Opens a file for reading through n8n's `createReadStream` (which refuses blocked paths and symbolic links). */
export async function openLocalFile(ctx: IExecuteFunctions, root: LocalRoot, relativePath: string): Promise<Readable> {
	// The path is real: the root was resolved and every step below it was read as a folder, not a link.
	return await ctx.helpers.createReadStream(absolutePath(root, relativePath) as ResolvedFilePath);
}

/** The file's metadata now (lstat), or undefined when it is gone. */
export async function statLocalFile(root: LocalRoot, relativePath: string): Promise<LocalStat | undefined> {
	try {
		const stats = await lstat(absolutePath(root, relativePath));
		return stats.isFile() ? localStatOf(stats) : undefined;
	} catch {
		return undefined;
	}
}

/** Whether two readings of a file's metadata describe the same, unchanged file. */
export function sameLocalStat(a: LocalStat, b: LocalStat | undefined): boolean {
	return b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino && a.dev === b.dev;
}

export function absolutePath(root: LocalRoot, relativePath: string): string {
	return relativePath === '' ? root.path : path.join(root.path, ...relativePath.split('/'));
}

function localStatOf(stats: Stats): LocalStat {
	return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, dev: stats.dev };
}

function compareNames(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

export function describeFsError(error: unknown): string {
	const code = (error as { code?: string }).code;
	const text: Record<string, string> = {
		ENOENT: 'it does not exist',
		EACCES: 'permission denied',
		EPERM: 'operation not permitted',
		ENOTDIR: 'a part of the path is not a directory',
		ELOOP: 'it is a symbolic link, which n8n does not follow',
		EIO: 'input/output error (a failing disk or a lost network mount)',
		ESTALE: 'stale file handle (the network mount went away)',
		ENOTCONN: 'the network mount is not connected',
	};
	const message = (error as Error)?.message ?? String(error);
	// Without the code itself: n8n replaces a message that names ENOENT or EACCES with its own generic one.
	return code && text[code] ? text[code] : message;
}


/** The Whirlpool of a local file's bytes (exactly its size), hashed in a worker; `problem` when it could not be read as planned. */
export async function hashLocalFile(
	ctx: IExecuteFunctions,
	root: LocalRoot,
	file: Pick<LocalFile, 'path' | 'size'>,
	onBytes?: (count: number) => void,
): Promise<{ checksum?: string; problem?: string }> {
	let stream: Readable;
	try {
		stream = await openLocalFile(ctx, root, file.path);
	} catch (error) {
		return { problem: `it could not be opened: ${describeFsError(error)}` };
	}
	const hashing = startWhirlpool();
	try {
		const reading: SizedRead = { extra: false, short: 0 };
		for await (const chunk of sizedChunks(stream, file.size, new SlotRing(), reading)) {
			const hashed = hashing.update(chunk);
			if (hashed) await hashed;
			onBytes?.(chunk.length);
		}
		if (reading.short > 0 || reading.extra) return { problem: 'its size changed while it was read' };
		return { checksum: await hashing.digest() };
	} catch (error) {
		return { problem: `it could not be read: ${describeFsError(error)}` };
	} finally {
		hashing.abort();
	}
}
