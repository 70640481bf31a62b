import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/**
 * A transfer at the pace of a link of `bytesPerSecond`: each chunk goes on once the link would have
 * carried the bytes before it. Loopback moves a GiB in about a second, faster than any user's link
 * to 1fichier; the benchmark slows the simulator down to a real link's speed with this
 * (`linkBytesPerSecond`), to measure what a transfer costs when the link, not the CPU, sets the
 * pace. Undefined when the link is unlimited (0).
 */
export function linkPace(bytesPerSecond: number): Transform | undefined {
	if (!(bytesPerSecond > 0)) return undefined;
	const started = performance.now();
	let sent = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback: TransformCallback) {
			sent += chunk.length;
			const due = started + (sent / bytesPerSecond) * 1000;
			const wait = due - performance.now();
			if (wait <= 0) return callback(null, chunk);
			setTimeout(() => callback(null, chunk), wait);
		},
	});
}
