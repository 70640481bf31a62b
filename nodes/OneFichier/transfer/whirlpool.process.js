// @ts-check
/**
 * The Whirlpool helper process (whirlpoolProcess.ts starts it): Node's own binary run with
 * `--openssl-legacy-provider`, which gives it OpenSSL's Whirlpool, hashing the bytes n8n's process
 * hands over on stdin. Plain CommonJS, started by path (the build copies it into dist).
 *
 * stdin: frames of [uint32 little-endian length][that many bytes]. A frame of length 0 asks for
 *        the Whirlpool of every byte since the previous one (the helper then starts afresh).
 * stdout: one line per answer: `ready <what runs>` once it has checked that its Whirlpool is
 *        right, then the digest (128 lowercase hex characters) for each frame of length 0.
 *        `error <message>` (then exit) when it has no working Whirlpool.
 * It reads stdin to its end and exits then: when n8n's process goes, so does the helper. A read
 * that fails (its stdin gone otherwise) ends it with an error.
 */
'use strict';

const { createHash } = require('crypto');
const { readSync, writeSync } = require('fs');

/** Whirlpool("abc"), ISO/IEC 10118-3:2004 (docs/1fichier-api.md, "Checksums: Whirlpool"). */
const ABC = '4e2448a4c6f486bb16b6562c73b4020bf3043e3a731bce721ae1b303d97e6d4c7181eebdb6c57e277d0e34957114cbd6c797fc9d95d8b582d225292076d4eef5';

/** @param {string} line */
function answer(line) {
	writeSync(1, `${line}\n`);
}

function checkedWhirlpool() {
	const probe = createHash('whirlpool').update('abc').digest('hex');
	if (probe !== ABC) throw new Error(`OpenSSL's Whirlpool of "abc" is ${probe}, not the standard vector`);
	return createHash('whirlpool');
}

/** @type {import('crypto').Hash} */
let hash;
try {
	hash = checkedWhirlpool();
} catch (error) {
	answer(`error ${String(/** @type {Error} */ (error).message ?? error).replace(/\s+/g, ' ')}`);
	process.exit(1);
}
answer(`ready OpenSSL ${process.versions.openssl}, Node.js ${process.version}`);

const header = Buffer.alloc(4);
let headerFilled = 0;
/** Bytes of the current frame still to come. */
let remaining = 0;

/** Hashes what `chunk` carries of the frames, answering each digest asked. */
function consume(/** @type {Buffer} */ chunk) {
	let offset = 0;
	while (offset < chunk.length) {
		if (remaining > 0) {
			const end = Math.min(chunk.length, offset + remaining);
			hash.update(chunk.subarray(offset, end));
			remaining -= end - offset;
			offset = end;
			continue;
		}
		const take = Math.min(header.length - headerFilled, chunk.length - offset);
		chunk.copy(header, headerFilled, offset, offset + take);
		headerFilled += take;
		offset += take;
		if (headerFilled < header.length) return;
		headerFilled = 0;
		remaining = header.readUInt32LE(0);
		if (remaining === 0) {
			answer(hash.digest('hex'));
			hash = createHash('whirlpool');
		}
	}
}

// Blocking reads into one buffer (libuv gives a child blocking stdio): a read takes whatever the
// pipe holds, hundreds of KiB, with no event or allocation per 64 KiB as a stream would have.
const buffer = Buffer.allocUnsafe(1 << 20);
for (;;) {
	const count = readSync(0, buffer, 0, buffer.length, null);
	if (count === 0) break;
	consume(buffer.subarray(0, count));
}
process.exit(0);
