/**
 * Verified transfers: the Whirlpool of the bytes that went through the node, hashed in a worker
 * beside the transfer, against the checksum 1fichier keeps of the file.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { pipeline } from 'stream';

import { HandedOverWhirlpool, normaliseChecksum, whirlpoolOfStream, WhirlpoolTap } from './whirlpool';
import { apiRequest } from '../api/request';
import { cancelSignalOf } from '../api/context';
import type { FileInfoResponse } from '../api/types';
import type { StoredUpload, UploadOptions, UploadSource } from './upload';
import { uploadFile } from './upload';
import { getFileInfo } from '../api/fileInfo';

export interface VerifiedUpload extends StoredUpload {
	/** 1fichier's Whirlpool, lowercase; undefined when it gave none. */
	checksum?: string;
	/** True only when 1fichier's checksum matched the bytes sent: the only copy worth deleting an older one for. */
	verified: boolean;
	/** True when 1fichier's first copy did not match: it was deleted and the file sent again. */
	resent?: boolean;
}

/**
 * Uploads and, when `verify`, compares 1fichier's checksum (end.pl's `whirlpool`, else
 * file/info's `checksum`) with the Whirlpool of the bytes sent. A copy that differs is deleted and
 * the file sent once more; a second mismatch deletes that copy too and fails with both hashes.
 * When 1fichier gives no checksum the upload stands, with `verified: false`: nothing was proven,
 * so a caller must not delete anything on the strength of that copy (ifExists replace and update
 * keep the older files then).
 */
export async function uploadVerified(
	ctx: IExecuteFunctions,
	source: UploadSource,
	options: UploadOptions,
	verify: boolean,
): Promise<VerifiedUpload> {
	if (!verify) {
		const stored = await uploadFile(ctx, source, options);
		return { ...stored, checksum: normaliseChecksum(stored.checksum), verified: false };
	}
	const first = await uploadAndCompare(ctx, source, options);
	if (first.verified || first.checksum === undefined) return first;
	await deleteBadCopy(ctx, first, options.itemIndex);
	ctx.logger.warn(
		`1fichier: the copy of "${source.fileName}" 1fichier stored has Whirlpool ${first.checksum}, the bytes sent ${first.sent}; it was deleted and the file is sent again`,
	);
	const second = await uploadAndCompare(ctx, source, options);
	if (second.verified || second.checksum === undefined) return { ...second, resent: true };
	await deleteBadCopy(ctx, second, options.itemIndex);
	throw new NodeOperationError(
		ctx.getNode(),
		`1fichier stored "${source.fileName}" with different bytes twice: its Whirlpool checksum does not match the bytes sent`,
		{
			itemIndex: options.itemIndex,
			description:
				`Whirlpool of the bytes sent: ${first.sent}. 1fichier's: ${first.checksum} (first upload), ` +
				`${second.checksum} (second upload). Both copies were deleted; nothing of this file was kept.`,
		},
	);
}

interface ComparedUpload extends VerifiedUpload {
	/** The Whirlpool of the bytes sent. */
	sent: string;
}

async function uploadAndCompare(ctx: IExecuteFunctions, source: UploadSource, options: UploadOptions): Promise<ComparedUpload> {
	const taps: WhirlpoolTap[] = [];
	// uploadFile opens the source again for each attempt: each attempt gets its own hash.
	const hashed: UploadSource = {
		...source,
		open: async () => {
			const tap = new WhirlpoolTap();
			taps.push(tap);
			return pipeline(await source.open(), tap, () => {});
		},
	};
	let stored: StoredUpload;
	try {
		stored = await uploadFile(ctx, hashed, options);
	} finally {
		for (const tap of taps) if (tap.checksum === undefined) tap.destroy();
	}
	// Unknown only when the POST looked failed yet end.pl showed the file: hash the source again.
	const sent = taps[taps.length - 1]?.checksum ?? (await hashSource(ctx, source));
	const checksum = normaliseChecksum(stored.checksum) ?? (await checksumFromInfo(ctx, stored.url, options.itemIndex));
	if (checksum === undefined) {
		ctx.logger.warn(`1fichier: no checksum for "${stored.filename}" (${stored.url}); it was checked by size only`);
	}
	return { ...stored, checksum, sent, verified: checksum === sent };
}

async function hashSource(ctx: IExecuteFunctions, source: UploadSource): Promise<string> {
	return await whirlpoolOfStream(await source.open(), cancelSignalOf(ctx));
}

/** end.pl gave no checksum: file/info may have it. */
async function checksumFromInfo(ctx: IExecuteFunctions, url: string, itemIndex: number): Promise<string | undefined> {
	return normaliseChecksum((await getFileInfo(ctx, url, itemIndex)).checksum);
}

async function deleteBadCopy(ctx: IExecuteFunctions, copy: ComparedUpload, itemIndex: number): Promise<void> {
	try {
		await apiRequest(ctx, 'file/rm.cgi', { files: [{ url: copy.url }] }, { itemIndex });
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`1fichier stored "${copy.filename}" with different bytes (${copy.url}) and the bad copy could not be deleted: ${(error as Error).message}`,
			{ itemIndex, description: `Whirlpool of the bytes sent: ${copy.sent}. 1fichier's: ${copy.checksum}.` },
		);
	}
}

/**
 * The download's last stage when verifying: the stream n8n's binary store reads. It hashes each
 * chunk once the store has taken it (HandedOverWhirlpool), so the digest is that of the Buffer
 * objects n8n holds, and when they are not the file it ends the stream with an error instead of its
 * end, so n8n's store discards what it was given (the stage's `checkFailure` is that error). The
 * file's details may still be on their way (file/info runs while the bytes flow): the end waits for
 * them. A download cut short is reported as such (`incomplete`), not as a mismatch; a file 1fichier
 * gives no checksum for passes, with a warning (the item then says `verified: false`).
 */
export function verifyingStage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	file: Promise<FileInfoResponse>,
	incomplete: (info: FileInfoResponse) => Error | undefined,
): HandedOverWhirlpool {
	return new HandedOverWhirlpool(async (received) => {
		const info = await file;
		const expected = normaliseChecksum(info.checksum);
		if (received === expected) return undefined;
		const cutShort = incomplete(info);
		if (cutShort) return cutShort;
		if (expected === undefined) {
			ctx.logger.warn(`1fichier: no checksum for "${info.filename}" (${info.url}); the download was checked by size only`);
			return undefined;
		}
		return new NodeOperationError(
			ctx.getNode(),
			`The bytes received for "${info.filename}" do not match 1fichier's Whirlpool checksum; the download was discarded`,
			{
				itemIndex,
				description: `Whirlpool of the bytes received: ${received}. 1fichier's: ${expected}. Try again; if it persists, the copy 1fichier holds may be damaged.`,
			},
		);
	});
}
