/** Stream stages shared by uploads and downloads: chunk sizes, regrouping, progress logging. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { Transform } from 'stream';

import { getClock } from './pacer';

/** Read size for binaries streamed from n8n's store: 1 MiB chunks keep per-chunk overhead low. */
export const TRANSFER_CHUNK_BYTES = 1 << 20;

/**
 * Regroups small network chunks (16-64 KiB) into 1 MiB ones: n8n's binary store awaits one disk
 * write per chunk, so fewer, larger chunks make a download into n8n markedly faster.
 */
export function chunkCoalescer(targetBytes = TRANSFER_CHUNK_BYTES): Transform {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	return new Transform({
		readableHighWaterMark: targetBytes,
		transform(chunk: Buffer, _encoding, callback) {
			pending.push(chunk);
			pendingBytes += chunk.length;
			if (pendingBytes >= targetBytes) {
				this.push(Buffer.concat(pending, pendingBytes));
				pending = [];
				pendingBytes = 0;
			}
			callback();
		},
		flush(callback) {
			if (pendingBytes > 0) this.push(Buffer.concat(pending, pendingBytes));
			callback();
		},
	});
}

const PROGRESS_LOG_INTERVAL_MS = 15_000;

/** Logs progress of long transfers through n8n's logger (every 15 s), passing bytes through. */
export function progressLogger(ctx: IExecuteFunctions, source: { fileName: string; size: number }): Transform {
	let transferred = 0;
	let lastLog = getClock().now();
	const started = lastLog;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			transferred += chunk.length;
			const now = getClock().now();
			if (now - lastLog >= PROGRESS_LOG_INTERVAL_MS) {
				lastLog = now;
				const percent = source.size ? Math.floor((transferred / source.size) * 100) : 100;
				const rate = transferred / Math.max(1, (now - started) / 1000) / 1048576;
				ctx.logger.info(
					`1fichier: "${source.fileName}" ${percent}% (${transferred} of ${source.size} bytes, ${rate.toFixed(1)} MiB/s)`,
				);
			}
			callback(null, chunk);
		},
	});
}
