/**
 * One remote file onto disk, never half-written under its real name: the download streams to a
 * temporary name beside the target through n8n's `writeContentToFile` (its path rules, no symlink
 * followed), the bytes written are counted and hashed, and only a complete file whose Whirlpool is
 * 1fichier's is renamed into place. A failed, refused or cancelled transfer removes the temporary
 * file; one left by a process that was killed is removed by the next restore into that directory.
 */
import { randomBytes } from 'crypto';
import { constants } from 'fs';
import { lstat, readdir, rename, unlink } from 'fs/promises';
import type { IExecuteFunctions, ResolvedFilePath } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import path from 'path';
import type { Readable } from 'stream';
import { pipeline, Readable as ReadableStream } from 'stream';

import { throwIfCancelled } from '../api/context';
import { toNodeApiError } from '../api/errors';
import { progressLogger } from '../transfer/streams';
import type { StreamingWhirlpool } from '../transfer/whirlpool';
import { startWhirlpool } from '../transfer/whirlpool';
import { statIfPresent } from './localDirectory';
import { openRemoteFile } from './remoteBytes';

/** What the restore knows of a remote file from its listing. */
export interface RemoteFileRef {
	url: string;
	filename: string;
	size?: number;
	/** 1fichier's Whirlpool, lowercase; undefined when it gave none. */
	checksum?: string;
}

export interface WrittenFile {
	bytes: number;
	/** Whirlpool of the bytes written. */
	checksum: string;
	/** True only when that is 1fichier's checksum. */
	verified: boolean;
	/** False when `replace` was off and a file appeared under the target name meanwhile. */
	placed: boolean;
}

const TEMP_PREFIX = '.1fichier-restore-';
const TEMP_NAME = /^\.1fichier-restore-[0-9a-f]{12}\.part$/;
/** A temporary file untouched this long belongs to no running restore (a transfer writes all the time). */
const STALE_TEMP_MS = 3600_000;

/** A short name (a long target name plus a suffix could pass the file system's name limit). */
function temporaryPathBeside(target: ResolvedFilePath): ResolvedFilePath {
	return path.join(path.dirname(target), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.part`) as ResolvedFilePath;
}

/**
 * Runs `action` with paths of entries of `file`'s directory that do not follow a symlink swapped in
 * meanwhile: relative to a pinned directory handle where n8n offers one (Linux, inside an allowed
 * base), else after n8n's check that no component is a symlink.
 */
async function inDirectoryOf<T>(ctx: IExecuteFunctions, file: ResolvedFilePath, action: (entry: (name: string) => string) => Promise<T>): Promise<T> {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	const directory = path.dirname(file);
	const pinned = typeof helpers.pinDirectory === 'function' ? await helpers.pinDirectory(directory, { create: false }) : null;
	try {
		if (!pinned) await ctx.helpers.assertNoSymlinkInPath(file);
		return await action((name) => (pinned ? pinned.resolvePath(name) : path.join(directory, name)));
	} finally {
		await pinned?.close();
	}
}

async function removeQuietly(ctx: IExecuteFunctions, file: ResolvedFilePath): Promise<void> {
	try {
		await inDirectoryOf(ctx, file, async (entry) => await unlink(entry(path.basename(file))));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			ctx.logger.warn(`1fichier: could not remove the temporary file "${file}": ${(error as Error).message}`);
		}
	}
}

/** Removes temporary files of restores that were killed part-way (untouched for an hour). */
export async function removeStaleTemporaryFiles(ctx: IExecuteFunctions, directory: string): Promise<void> {
	let names: string[];
	try {
		names = await readdir(directory);
	} catch {
		return;
	}
	for (const name of names.filter((entry) => TEMP_NAME.test(entry))) {
		const file = path.join(directory, name) as ResolvedFilePath;
		try {
			const stats = await lstat(file);
			if (stats.isFile() && Date.now() - stats.mtimeMs > STALE_TEMP_MS) await removeQuietly(ctx, file);
		} catch {
			// gone meanwhile
		}
	}
}

/**
 * The bytes of `source`, each chunk copied once (the copy is what is written and hashed: the
 * download may reuse its buffers once a chunk is handed on), counted and hashed. A failure of the
 * source ends this stream early instead of failing it, so n8n's writer closes the file and returns
 * (it does not listen for errors of what it is given); `failure()` then says what happened.
 */
function hashedCopy(source: Readable, hashing: StreamingWhirlpool) {
	let failure: Error | undefined;
	let received = 0;
	async function* chunks() {
		try {
			for await (const chunk of source) {
				const copy = Buffer.from(chunk as Buffer);
				received += copy.length;
				const waiting = hashing.update(copy);
				if (waiting) await waiting;
				yield copy;
			}
		} catch (error) {
			failure = error as Error;
		}
	}
	return {
		stream: ReadableStream.from(chunks(), { objectMode: false }),
		failure: () => failure,
		received: () => received,
	};
}

export interface WriteRequest {
	file: RemoteFileRef;
	/** The resolved path to write (its directory exists and is checked). */
	target: ResolvedFilePath;
	/** When false, a file that appeared under `target` meanwhile is kept and this copy dropped. */
	replace: boolean;
	/** Refuse bytes whose Whirlpool is not 1fichier's (a file 1fichier gives no checksum for is checked by size). */
	verify: boolean;
	itemIndex: number;
}

/** Downloads `file` into `target` (see the top of this file). */
export async function downloadToFile(ctx: IExecuteFunctions, request: WriteRequest): Promise<WrittenFile> {
	const { file, target, itemIndex } = request;
	const download = await openRemoteFile(ctx, file.url, itemIndex);
	const expectedSize = file.size ?? download.contentLength;
	const progress = progressLogger(ctx, { fileName: file.filename, size: expectedSize ?? 0 });
	const hashing = startWhirlpool();
	const copy = hashedCopy(
		pipeline(download.stream, progress, () => {}),
		hashing,
	);
	const temporary = temporaryPathBeside(target);
	let kept = false;
	try {
		await ctx.helpers.writeContentToFile(temporary, copy.stream, constants.O_EXCL);
		const failure = copy.failure();
		if (failure) {
			throwIfCancelled(ctx);
			throw toNodeApiError(
				ctx.getNode(),
				{ endpoint: 'download token', message: failure.message || 'connection lost', kind: 'retryable', origin: 'network' },
				itemIndex,
			);
		}
		const received = copy.received();
		if (expectedSize !== undefined && received !== expectedSize) {
			throw new NodeOperationError(ctx.getNode(), `The download of "${file.filename}" stopped after ${received} of ${expectedSize} bytes`, {
				itemIndex,
			});
		}
		const checksum = await hashing.digest();
		if (request.verify && file.checksum !== undefined && checksum !== file.checksum) {
			throw new NodeOperationError(ctx.getNode(), `The bytes received for "${file.filename}" do not match 1fichier's Whirlpool checksum`, {
				itemIndex,
				description: `Whirlpool of the bytes received: ${checksum}. 1fichier's: ${file.checksum}. Nothing was written under its name.`,
			});
		}
		const placed = await moveIntoPlace(ctx, temporary, target, request.replace);
		kept = placed;
		return { bytes: received, checksum, verified: file.checksum !== undefined && checksum === file.checksum, placed };
	} finally {
		hashing.abort();
		download.stream.destroy();
		copy.stream.destroy();
		if (!kept) await removeQuietly(ctx, temporary);
	}
}

/** Renames the complete file into place; without `replace`, only if nothing is there (returns false then). */
async function moveIntoPlace(ctx: IExecuteFunctions, temporary: ResolvedFilePath, target: ResolvedFilePath, replace: boolean): Promise<boolean> {
	return await inDirectoryOf(ctx, target, async (entry) => {
		const to = entry(path.basename(target));
		if (!replace && (await statIfPresent(ctx, to))) return false;
		await rename(entry(path.basename(temporary)), to);
		return true;
	});
}
