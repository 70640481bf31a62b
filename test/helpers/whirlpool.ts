/**
 * The reference Whirlpool for tests: OpenSSL's, in a child `node --openssl-legacy-provider`
 * (Node's default OpenSSL 3 build keeps Whirlpool in the legacy provider).
 */
import { execFileSync } from 'child_process';

const HASH_SLICES = `
const { createHash } = require('crypto');
const input = require('fs').readFileSync(0);
let offset = 0;
const out = [];
for (const length of process.argv[1].split(',').filter(Boolean).map(Number)) {
	out.push(createHash('whirlpool').update(input.subarray(offset, offset + length)).digest('hex'));
	offset += length;
}
process.stdout.write(out.join('\\n'));
`;

/** OpenSSL's Whirlpool of each input, in one child process. */
export function opensslWhirlpools(inputs: Buffer[]): string[] {
	const lengths = inputs.map((input) => input.length).join(',');
	const output = execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', HASH_SLICES, lengths], {
		input: Buffer.concat(inputs),
		maxBuffer: 1 << 24,
	});
	return output.toString().split('\n');
}

export function opensslWhirlpool(input: Buffer): string {
	return opensslWhirlpools([input])[0];
}

/** OpenSSL's Whirlpool of `block` repeated `times` times, built in the child: nothing big is handed over. */
export function opensslWhirlpoolOfRepeated(block: Buffer, times: number): string {
	const script = `
const { createHash } = require('crypto');
const block = require('fs').readFileSync(0);
const hash = createHash('whirlpool');
for (let i = 0; i < ${times}; i++) hash.update(block);
process.stdout.write(hash.digest('hex'));
`;
	return execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script], { input: block }).toString();
}
