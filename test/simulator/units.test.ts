import { formatParisDate, parseParisDate } from '../../simulator/dates';
import { boundaryOf, MalformedMultipartError, parseMultipart, type PartHeaders } from '../../simulator/multipart';
import { fileIdFromUrl, reservedCharacterProblem, sanitizeName } from '../../simulator/names';

describe('dates in Europe/Paris (§2 conventions)', () => {
	it('formats winter (+1) and summer (+2) times', () => {
		expect(formatParisDate(Date.UTC(2024, 0, 15, 12, 0, 5))).toBe('2024-01-15 13:00:05');
		expect(formatParisDate(Date.UTC(2024, 6, 15, 12, 0, 5))).toBe('2024-07-15 14:00:05');
		expect(formatParisDate(Date.UTC(2024, 11, 31, 23, 30, 0))).toBe('2025-01-01 00:30:00');
	});

	it('parses back, including around the daylight-saving switches', () => {
		for (const ms of [Date.UTC(2024, 2, 31, 0, 59, 59), Date.UTC(2024, 2, 31, 1, 0, 0), Date.UTC(2024, 9, 27, 2, 0, 0), Date.UTC(2021, 5, 22, 12, 57, 25)]) {
			expect(parseParisDate(formatParisDate(ms))).toBe(ms);
		}
		expect(parseParisDate('2024-01-15')).toBe(Date.UTC(2024, 0, 14, 23, 0, 0));
		expect(parseParisDate('not a date')).toBeUndefined();
	});
});

describe('names and links (§2, §5)', () => {
	it('resolves every accepted link form to the id', () => {
		const id = '2zk52quqlm0cbjr93ri5';
		for (const url of [`https://1fichier.com/?${id}`, `https://cjoint.net/?${id}&af=42`, `https://${id}.1fichier.com/`, `https://www.tenvoi.com/?${id.toUpperCase()}`]) {
			expect(fileIdFromUrl(url)).toBe(id);
		}
		expect(fileIdFromUrl(`https://evil.example/?${id}`)).toBeUndefined();
		expect(fileIdFromUrl(id)).toBeUndefined();
	});

	it('flags the reserved characters', () => {
		for (const name of ['a\\b', 'a<b', 'a>b', 'a"b', "a'b", 'a$b', 'a`b', 'a\u00b4b', 'a/b', ' a']) {
			expect(reservedCharacterProblem(name)).toBeDefined();
		}
		expect(reservedCharacterProblem('normal name (1) é.txt')).toBeUndefined();
	});

	it('flags control characters and the names . and ..', () => {
		expect(reservedCharacterProblem('a\rb')).toBe('control character U+000D');
		expect(reservedCharacterProblem('a\nb')).toBe('control character U+000A');
		expect(reservedCharacterProblem('a\u0000b')).toBe('control character U+0000');
		expect(reservedCharacterProblem('tab\there')).toBeDefined();
		expect(reservedCharacterProblem('del\u007f')).toBeDefined();
		expect(reservedCharacterProblem('.')).toBe('reserved name "."');
		expect(reservedCharacterProblem('..')).toBe('reserved name ".."');
		for (const fine of ['...', '.hidden', 'a..b', 'trailing.']) expect(reservedCharacterProblem(fine)).toBeUndefined();
		expect(sanitizeName('..')).toBe('_');
		expect(sanitizeName('a\r\nb')).toBe('a__b');
	});
});

describe('streaming multipart parser', () => {
	const boundary = 'XyZ--boundary';
	const body = Buffer.concat([
		Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="did"\r\n\r\n123\r\n`),
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename="a \\"q\\".bin"\r\nContent-Type: application/x-test\r\n\r\n`),
		// data that looks like a boundary start without being one
		Buffer.from(`line\r\n--${boundary.slice(0, 5)}not\r\n--XyZ\r\n`),
		Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename*=UTF-8''na%C3%AFve.txt\r\n\r\n`),
		Buffer.from('second'),
		Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
	]);

	async function parse(chunks: Buffer[]) {
		const parts: Array<{ headers: PartHeaders; data: string }> = [];
		await parseMultipart(
			(async function* () {
				yield* chunks;
			})(),
			boundary,
			(headers) => {
				const part = { headers, data: '' };
				parts.push(part);
				return { write: (chunk: Buffer) => void (part.data += chunk.toString('latin1')), end: () => undefined };
			},
		);
		return parts;
	}

	it('gives the same parts whatever the chunking', async () => {
		const whole = await parse([body]);
		expect(whole.map((part) => part.headers)).toEqual([
			{ name: 'did' },
			{ name: 'file[]', filename: 'a "q".bin', contentType: 'application/x-test' },
			{ name: 'file[]', filename: 'naïve.txt' },
		]);
		expect(whole.map((part) => part.data)).toEqual(['123', `line\r\n--${boundary.slice(0, 5)}not\r\n--XyZ\r\n`, 'second']);
		for (let size = 1; size < 40; size += 3) {
			const chunks: Buffer[] = [];
			for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
			expect(await parse(chunks)).toEqual(whole);
		}
	});

	it('gives the same parts when the body is cut in two at any byte', async () => {
		const whole = await parse([body]);
		for (let at = 0; at <= body.length; at++) expect(await parse([body.subarray(0, at), body.subarray(at)])).toEqual(whole);
	});

	it('reads hundreds of parts whatever the chunk edges, data that nearly matches the boundary included', async () => {
		// Part data holds every prefix of the delimiter, so a boundary may seem to start at any chunk edge.
		const delimiter = `\r\n--${boundary}`;
		const contents = Array.from({ length: 300 }, (_, index) =>
			Buffer.from(`${index}:${delimiter.slice(0, 1 + (index % (delimiter.length - 1)))}|${'x'.repeat(index % 50)}`),
		);
		const many = Buffer.concat([
			...contents.map((content, index) =>
				Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename="f${index}"\r\n\r\n`), content, Buffer.from('\r\n')]),
			),
			Buffer.from(`--${boundary}--\r\n`),
		]);
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		for (const maxChunk of [1, 3, 17, 64, 1000, many.length]) {
			const chunks: Buffer[] = [];
			for (let at = 0; at < many.length; ) {
				const size = 1 + Math.floor(random() * maxChunk);
				chunks.push(many.subarray(at, at + size));
				at += size;
			}
			const parts = await parse(chunks);
			expect(parts.map((part) => part.headers.filename)).toEqual(contents.map((_, index) => `f${index}`));
			expect(parts.map((part) => part.data)).toEqual(contents.map((content) => content.toString('latin1')));
		}
	});

	it('rejects a body cut before its closing boundary', async () => {
		await expect(parse([body.subarray(0, body.length - 30)])).rejects.toThrow(MalformedMultipartError);
	});

	it('reads the boundary from the Content-Type, quoted or not', () => {
		expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
		expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
		expect(boundaryOf('application/json')).toBeUndefined();
	});
});
