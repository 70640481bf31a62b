import { Transform } from 'node:stream';

// How the integrity faults (corruptUpload, wrongChecksum, corruptDownload) damage a transfer.

/** A copy of the chunk with its first byte flipped: what a damaged copy looks like. */
export function withFirstByteFlipped(chunk: Buffer): Buffer {
	const damaged = Buffer.from(chunk);
	damaged[0] ^= 0xff;
	return damaged;
}

/** Passes bytes through with the very first one flipped. */
export function flipFirstByte(): Transform {
	let flipped = false;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			if (flipped || chunk.length === 0) return callback(null, chunk);
			flipped = true;
			callback(null, withFirstByteFlipped(chunk));
		},
	});
}

/** A checksum that is well formed but not the file's. */
export function wrongChecksum(checksum: string): string {
	if (checksum === '') return '0'.repeat(128);
	return (parseInt(checksum[0], 16) ^ 0xf).toString(16) + checksum.slice(1);
}
