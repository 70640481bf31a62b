/** The look-alike table: every local name maps to one 1fichier accepts, and back, exactly. */
import type { INode } from 'n8n-workflow';

import {
	assertValidName,
	fromRemoteName,
	LOOK_ALIKES,
	QUOTE_MARK,
	remoteNameProblem,
	SPACE_LOOK_ALIKE,
	toRemoteName,
	toRemotePath,
} from '../../nodes/OneFichier/api/names';
import { reservedCharacterProblem } from '../../simulator/names';

const node = { name: '1fichier', type: 'n8n-nodes-1fichier.oneFichier' } as INode;

/** What 1fichier (and the simulator, and the node's own name check) accepts. */
function accepted(name: string): boolean {
	if (reservedCharacterProblem(name) !== undefined) return false;
	try {
		assertValidName(node, 'name', name);
		return true;
	} catch {
		return false;
	}
}

const RESERVED = ['\\', '<', '>', '"', "'", '$', '`', '/', '\u00B4'];

describe('toRemoteName / fromRemoteName', () => {
	it.each([
		["L'été.jpg", 'L\uFF07été.jpg'],
		['$RECYCLE.BIN', '\uFF04RECYCLE.BIN'],
		['a<b>c', 'a\uFF1Cb\uFF1Ec'],
		['say "hi"', 'say \uFF02hi\uFF02'],
		['back\\slash', 'back\uFF3Cslash'],
		['`tick`', '\uFF40tick\uFF40'],
		['caf\u00B4', 'caf\u02CA'],
		[' leading', `${SPACE_LOOK_ALIKE}leading`],
		['trailing ', `trailing${SPACE_LOOK_ALIKE}`],
		['in between', 'in between'],
		['.', '\uFF0E'],
		['..', '\uFF0E\uFF0E'],
		['...', '...'],
		['.hidden', '.hidden'],
		['line\nbreak', 'line\u240Abreak'],
		['nul\u0000', 'nul\u2400'],
		['del\u007F', 'del\u2421'],
		['plain name.txt', 'plain name.txt'],
	])('%p is sent as %p', (local, remote) => {
		expect(toRemoteName(local)).toBe(remote);
		expect(fromRemoteName(remote)).toBe(local);
		expect(accepted(remote)).toBe(true);
	});

	it.each(RESERVED)('maps the reserved character %p to a look-alike the API accepts, and back', (char) => {
		for (const name of [char, `a${char}`, `${char}a`, `a${char}b`, `${char}${char}`]) {
			const remote = toRemoteName(name);
			expect(remote).not.toContain(char);
			expect(accepted(remote)).toBe(true);
			expect(fromRemoteName(remote)).toBe(name);
		}
	});

	it('quotes look-alikes a local name already holds, so they come back as themselves', () => {
		for (const [reserved, lookAlike] of LOOK_ALIKES) {
			const local = `x${lookAlike}y`;
			const remote = toRemoteName(local);
			expect(remote).toBe(`x${QUOTE_MARK}${lookAlike}y`);
			expect(fromRemoteName(remote)).toBe(local);
			// …and the two local names stay two remote names.
			expect(toRemoteName(`x${reserved}y`)).not.toBe(remote);
		}
		expect(toRemoteName('\uFF0E')).toBe(`${QUOTE_MARK}\uFF0E`);
		expect(toRemoteName(`${SPACE_LOOK_ALIKE}x${SPACE_LOOK_ALIKE}`)).toBe(`${QUOTE_MARK}${SPACE_LOOK_ALIKE}x${QUOTE_MARK}${SPACE_LOOK_ALIKE}`);
		expect(toRemoteName(`a${QUOTE_MARK}b`)).toBe(`a${QUOTE_MARK}${QUOTE_MARK}b`);
	});

	it('reads a bare look-alike made by someone else as the plain character (as rclone does)', () => {
		expect(fromRemoteName('L\uFF07été.jpg')).toBe("L'été.jpg");
		expect(fromRemoteName(`odd${QUOTE_MARK}`)).toBe(`odd${QUOTE_MARK}`);
	});

	it('round-trips exactly, and is accepted, for random names over every special character', () => {
		const alphabet = [
			...RESERVED,
			...LOOK_ALIKES.map(([, lookAlike]) => lookAlike),
			QUOTE_MARK,
			SPACE_LOOK_ALIKE,
			'\uFF0E',
			' ',
			'.',
			'\u0000',
			'\t',
			'\u007F',
			'a',
			'é',
			'e\u0301',
			'😀',
		];
		let seed = 12345;
		const random = () => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed / 0x7fffffff;
		};
		const seen = new Map<string, string>();
		const wrong: string[] = [];
		for (let round = 0; round < 20000; round++) {
			const length = 1 + Math.floor(random() * 6);
			let name = '';
			for (let index = 0; index < length; index++) name += alphabet[Math.floor(random() * alphabet.length)];
			const remote = toRemoteName(name);
			// One-to-one: two local names never share a remote name.
			const earlier = seen.get(remote) ?? name;
			seen.set(remote, name);
			if (fromRemoteName(remote) !== name || !accepted(remote) || earlier !== name) wrong.push(JSON.stringify(name));
		}
		expect(wrong.slice(0, 10)).toEqual([]);
	});

	it('encodes each step of a relative path', () => {
		expect(toRemotePath("photos/L'été/ a.jpg")).toBe(`photos/L\uFF07été/${SPACE_LOOK_ALIKE}a.jpg`);
		expect(toRemotePath('')).toBe('');
	});
});

describe('remoteNameProblem', () => {
	it('accepts names up to 250 characters once encoded and refuses longer or empty ones', () => {
		expect(remoteNameProblem('a'.repeat(250))).toBeUndefined();
		expect(remoteNameProblem('a'.repeat(251))).toContain('251 characters');
		expect(remoteNameProblem(toRemoteName(`${'a'.repeat(249)}\uFF04`))).toContain('251 characters');
		expect(remoteNameProblem('')).toContain('empty');
	});
});
