/**
 * The uploads of a backup run, folder by folder: files gathered into one upload (up to 500 files
 * and a byte bound that keeps an upload well under 1fichier's 4 hours at the rate measured so far),
 * a file as large as the bound on its own, each copy judged (its Whirlpool, and its file unchanged
 * during the upload) and sent once more when it is not the file.
 *
 * Gathering is by bytes, not by kind of file: every upload session costs two API calls at the key's
 * pace (get_upload_server, end.pl), which for files of tens of MiB take longer than their bytes.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { getFileInfo } from '../api/fileInfo';
import { getClock } from '../installation/clock';
import type { BatchFileResult } from '../transfer/upload';
import { MAX_FILES_PER_UPLOAD, uploadBatch } from '../transfer/upload';
import { normaliseChecksum } from '../transfer/whirlpool';
import { forEachLimited } from './limited';
import type { LocalFile, LocalStat } from './localTree';
import { openLocalFile, sameLocalStat, statLocalFile } from './localTree';
import { removeRemoteFiles } from './remoteChanges';
import type { RemoteFile } from './remoteTree';
import type { BackupSettings } from './settings';
import type { RunSummary } from './summary';

/** The most bytes one gathered upload carries (1fichier ends an upload after 4 hours). */
export const BATCH_MAX_BYTES = 1024 * 1024 * 1024;
/** However slow the rate measured so far, an upload may gather this many bytes. */
const BATCH_MIN_BYTES = 64 * 1024 * 1024;
let batchMaxBytesForTesting: number | undefined;

/** Tests: a smaller byte bound, so that a file "as large as the bound" fits in a test; returns the undo. */
export function useBatchMaxBytesForTesting(bytes: number): () => void {
	batchMaxBytesForTesting = bytes;
	return () => {
		batchMaxBytesForTesting = undefined;
	};
}
/** A gathered upload is sized to last at most about this long at the rate measured so far. */
const BATCH_TARGET_MS = 3_600_000;
/** A file whose copy turned out wrong (changed while read, checksum mismatch) is sent this many times in all. */
const SEND_ROUNDS = 2;

/** A file to send, with its metadata read just before sending. */
export interface Outgoing {
	file: LocalFile;
	stat: LocalStat;
	remoteName: string;
	/** The copies it replaces once its own copy stands. */
	replaces: RemoteFile[];
	round: number;
}

export class Uploader {
	/** Upload rate measured so far (bytes per ms), to size gathered uploads. */
	private sentBytes = 0;
	private sendingMs = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly settings: BackupSettings,
		private readonly summary: RunSummary,
	) {}

	async send(folderId: number | undefined, outgoing: Outgoing[]): Promise<void> {
		let round = outgoing;
		for (let sendRound = 1; round.length > 0 && sendRound <= SEND_ROUNDS; sendRound++) {
			const ready = await this.freshStats(round);
			const again: Outgoing[] = [];
			await forEachLimited([...this.batches(ready)], this.settings.parallelUploads, async (batch) => {
				again.push(...(await this.sendBatch(folderId, batch)));
			});
			round = again.map((item) => ({ ...item, round: item.round + 1 }));
		}
	}

	/** Metadata read again just before sending: the reference the upload's own check compares with. */
	private async freshStats(items: Outgoing[]): Promise<Outgoing[]> {
		const ready: Outgoing[] = [];
		for (const item of items) {
			const stat = await statLocalFile(this.settings.root, item.file.path);
			if (!stat) {
				this.summary.fail(item.file.path, 'the file vanished before it was sent');
			} else if (stat.size === 0) {
				this.summary.skip(item.file.path, 'empty', 0);
			} else {
				ready.push({ ...item, stat });
			}
		}
		return ready;
	}

	/** Files together, within the file count and the byte bound; a file as large as the bound alone. */
	private *batches(items: Outgoing[]): Generator<Outgoing[]> {
		const maxBytes = this.batchMaxBytes();
		let batch: Outgoing[] = [];
		let bytes = 0;
		for (const item of items) {
			if (item.stat.size >= maxBytes) {
				yield [item];
				continue;
			}
			if (batch.length > 0 && (batch.length >= MAX_FILES_PER_UPLOAD || bytes + item.stat.size > maxBytes)) {
				yield batch;
				batch = [];
				bytes = 0;
			}
			batch.push(item);
			bytes += item.stat.size;
		}
		if (batch.length > 0) yield batch;
	}

	private batchMaxBytes(): number {
		const bound = batchMaxBytesForTesting ?? BATCH_MAX_BYTES;
		if (this.sendingMs < 1000) return bound;
		const rate = this.sentBytes / this.sendingMs;
		return Math.min(bound, Math.max(Math.min(BATCH_MIN_BYTES, bound), rate * BATCH_TARGET_MS));
	}

	/** Sends one batch; returns the files to send once more. */
	private async sendBatch(folderId: number | undefined, batch: Outgoing[]): Promise<Outgoing[]> {
		const { ctx, settings, summary } = this;
		if (settings.dryRun || folderId === undefined) {
			for (const item of batch) this.countSent(item, { url: undefined, checksum: undefined, verified: false });
			return [];
		}
		const startedAt = getClock().now();
		const sources = batch.map((item) => ({
			fileName: item.remoteName,
			size: item.stat.size,
			open: async () => await openLocalFile(ctx, settings.root, item.file.path),
		}));
		const results = await uploadBatch(ctx, sources, {
			folderId,
			itemIndex: settings.itemIndex,
			listingIntervalMs: settings.listingIntervalMs,
			hash: settings.verifyChecksum,
			onBytes: (count) => this.readBytes(count),
		});
		this.sendingMs += getClock().now() - startedAt;
		const again: Outgoing[] = [];
		const replaced: string[] = [];
		const badCopies: string[] = [];
		for (let index = 0; index < batch.length; index++) {
			const item = batch[index];
			const verdict = await this.judge(item, results[index]);
			if (verdict.kind === 'stored') {
				this.sentBytes += item.stat.size;
				this.countSent(item, verdict);
				// Verify Checksum on and no checksum to prove the new copy good: the older copies stay
				// (as File → Upload's replace and update do), and the next run compares again.
				if (settings.verifyChecksum && !verdict.verified && item.replaces.length > 0) {
					ctx.logger.warn(
						`1fichier backup: the older copies of "${item.file.path}" are kept (${item.replaces.map((copy) => copy.url).join(', ')}): 1fichier gave no checksum to prove the new copy good`,
					);
				} else {
					replaced.push(...item.replaces.map((copy) => copy.url));
				}
				continue;
			}
			if (verdict.badCopy) badCopies.push(verdict.badCopy);
			if (verdict.retry && item.round < SEND_ROUNDS) {
				ctx.logger.warn(`1fichier backup: "${item.file.path}" is sent again: ${verdict.reason}`);
				again.push(item);
			} else {
				summary.fail(item.file.path, verdict.reason);
			}
		}
		// A copy that is not the file is of no use to anyone; the older copies stay until one is.
		if (badCopies.length > 0) await removeRemoteFiles(ctx, badCopies, settings.itemIndex);
		await this.removeReplaced(replaced);
		return again;
	}

	/** Whether the copy stored is the file: its checksum, and the file not changed while it was sent. */
	private async judge(
		item: Outgoing,
		result: BatchFileResult,
	): Promise<{ kind: 'stored'; url: string; checksum?: string; verified: boolean } | { kind: 'bad'; reason: string; retry: boolean; badCopy?: string }> {
		const { ctx, settings } = this;
		if (!result.stored) return { kind: 'bad', reason: result.failure ?? 'the upload failed', retry: false };
		const stored = result.stored;
		const after = await statLocalFile(settings.root, item.file.path);
		if (result.readProblem || !sameLocalStat(item.stat, after)) {
			const why = result.readProblem ?? (after ? 'it changed while it was being sent' : 'it vanished while it was being sent');
			const retry = after !== undefined && !result.unreadable;
			return { kind: 'bad', reason: result.unreadable ? why : `the copy is not the file: ${why}`, retry, badCopy: stored.url };
		}
		let checksum = normaliseChecksum(stored.checksum);
		if (settings.verifyChecksum && checksum === undefined) {
			checksum = normaliseChecksum((await getFileInfo(ctx, stored.url, settings.itemIndex)).checksum);
		}
		if (!settings.verifyChecksum || checksum === undefined) {
			if (settings.verifyChecksum) ctx.logger.warn(`1fichier: no checksum for "${item.file.path}" (${stored.url}); it was checked by size only`);
			return { kind: 'stored', url: stored.url, checksum, verified: false };
		}
		if (checksum !== result.sentChecksum) {
			return {
				kind: 'bad',
				reason: `1fichier's Whirlpool checksum of the copy (${checksum}) is not the bytes sent (${result.sentChecksum})`,
				retry: true,
				badCopy: stored.url,
			};
		}
		return { kind: 'stored', url: stored.url, checksum, verified: true };
	}

	/** Bytes read from the source (hashing, uploads); long reads keep the progress lines coming. */
	readBytes(count: number): void {
		this.summary.bytes.readFromDisk += count;
		this.summary.logProgress();
	}

	private countSent(item: Outgoing, stored: { url?: string; checksum?: string; verified: boolean }): void {
		const { summary } = this;
		const updated = item.replaces.length > 0;
		summary.files.sent++;
		if (updated) summary.files.updated++;
		if (stored.verified) summary.files.verified++;
		summary.bytes.sent += item.stat.size;
		summary.record({
			path: item.file.path,
			action: updated ? 'updated' : 'sent',
			size: item.stat.size,
			checksum: stored.checksum,
			url: stored.url,
			verified: stored.verified,
		});
	}

	/** Removes the copies that new ones replace (once those stand). */
	async removeReplaced(urls: string[]): Promise<void> {
		if (urls.length === 0) return;
		if (!this.settings.dryRun) await removeRemoteFiles(this.ctx, urls, this.settings.itemIndex);
		this.summary.replacedCopies += urls.length;
	}
}
