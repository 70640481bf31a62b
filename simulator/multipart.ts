/**
 * A small streaming multipart/form-data parser (RFC 7578). It never holds more than one network
 * chunk plus a boundary's worth of bytes: part bodies are handed to their sink as they arrive,
 * and the parser waits for the sink (disk) before reading on. That is what lets a 5 GiB upload
 * go through with flat memory (§2.2: uploads up to 300 GB per file).
 */

export interface PartHeaders {
	/** Form field name, e.g. `file[]` or `did`. */
	name: string;
	/** Present for file parts (may be ''). */
	filename?: string;
	contentType?: string;
}

export interface PartSink {
	write(chunk: Buffer): Promise<void> | void;
	end(): Promise<void> | void;
}

export type OpenPart = (headers: PartHeaders) => PartSink | Promise<PartSink>;

export class MalformedMultipartError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MalformedMultipartError';
	}
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const CLOSE_MARK = Buffer.from('--');
const MAX_HEADER_BYTES = 16 * 1024;

/** `boundary` parameter of a multipart/form-data Content-Type (quoted or not). */
export function boundaryOf(contentType: string | undefined): string | undefined {
	if (!contentType || !/^multipart\/form-data\b/i.test(contentType.trim())) return undefined;
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : undefined;
}

type Stage = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';

/**
 * Reads `source` to its end, calling `openPart` for each part and streaming its bytes into the
 * returned sink. Throws MalformedMultipartError when the body is not well-formed or is cut short.
 */
export async function parseMultipart(source: AsyncIterable<Buffer>, boundary: string, openPart: OpenPart): Promise<void> {
	const parser = new MultipartParser(boundary, openPart);
	for await (const chunk of source) await parser.push(chunk);
	parser.finish();
}

class MultipartParser {
	/** Every boundary line is preceded by CRLF; the first one too, once we pretend a CRLF came first. */
	private readonly delimiter: Buffer;
	private pending: Buffer = CRLF;
	private stage: Stage = 'preamble';
	private sink: PartSink | undefined;

	constructor(
		boundary: string,
		private readonly openPart: OpenPart,
	) {
		this.delimiter = Buffer.from(`\r\n--${boundary}`);
	}

	async push(chunk: Buffer): Promise<void> {
		this.pending = await this.join(chunk);
		while (await this.step()) {
			// each step consumes what it can and says whether another step may progress
		}
	}

	/**
	 * The unread bytes followed by `chunk`. In a part's body the unread bytes are only the tail that
	 * might begin a delimiter: unless one really starts there, they are data, and the chunk is
	 * taken as it is rather than copied behind them (a copy of every byte of an upload).
	 */
	private async join(chunk: Buffer): Promise<Buffer> {
		if (this.pending.length === 0) return chunk;
		const seamFits = chunk.length >= this.delimiter.length - 1;
		if (this.stage === 'body' && this.pending.length < this.delimiter.length && seamFits) {
			const seam = Buffer.concat([this.pending, chunk.subarray(0, this.delimiter.length - 1)]);
			const at = seam.indexOf(this.delimiter);
			if (at < 0 || at >= this.pending.length) {
				await this.sink!.write(this.pending);
				return chunk;
			}
		}
		return Buffer.concat([this.pending, chunk]);
	}

	finish(): void {
		if (this.stage !== 'done') throw new MalformedMultipartError('multipart body ended before its closing boundary');
	}

	private async step(): Promise<boolean> {
		switch (this.stage) {
			case 'preamble':
				return this.skipPreamble();
			case 'afterBoundary':
				return this.readBoundaryEnding();
			case 'headers':
				return this.readPartHeaders();
			case 'body':
				return this.readPartBody();
			case 'done':
				this.pending = Buffer.alloc(0); // the epilogue is ignored
				return false;
		}
	}

	private skipPreamble(): boolean {
		const at = this.pending.indexOf(this.delimiter);
		if (at < 0) {
			this.keepTail();
			return false;
		}
		this.pending = this.pending.subarray(at + this.delimiter.length);
		this.stage = 'afterBoundary';
		return true;
	}

	/** After a boundary: `--` closes the body, CRLF opens a part. */
	private readBoundaryEnding(): boolean {
		if (this.pending.length < 2) return false;
		const ending = this.pending.subarray(0, 2);
		if (ending.equals(CLOSE_MARK)) {
			this.stage = 'done';
			return true;
		}
		if (!ending.equals(CRLF)) throw new MalformedMultipartError('unexpected bytes after a boundary');
		this.pending = this.pending.subarray(2);
		this.stage = 'headers';
		return true;
	}

	private async readPartHeaders(): Promise<boolean> {
		const at = this.pending.indexOf(HEADER_END);
		if (at < 0) {
			if (this.pending.length > MAX_HEADER_BYTES) throw new MalformedMultipartError('part headers too long');
			return false;
		}
		const headers = parsePartHeaders(this.pending.subarray(0, at).toString('utf8'));
		this.pending = this.pending.subarray(at + HEADER_END.length);
		this.sink = await this.openPart(headers);
		this.stage = 'body';
		return true;
	}

	private async readPartBody(): Promise<boolean> {
		const sink = this.sink as PartSink;
		const at = this.pending.indexOf(this.delimiter);
		if (at >= 0) {
			if (at > 0) await sink.write(this.pending.subarray(0, at));
			await sink.end();
			this.sink = undefined;
			this.pending = this.pending.subarray(at + this.delimiter.length);
			this.stage = 'afterBoundary';
			return true;
		}
		// Everything but a possible beginning of the delimiter is part data.
		const safeLength = this.pending.length - (this.delimiter.length - 1);
		if (safeLength > 0) {
			const data = this.pending.subarray(0, safeLength);
			this.pending = this.pending.subarray(safeLength);
			await sink.write(data);
		}
		return false;
	}

	private keepTail(): void {
		const keep = this.delimiter.length - 1;
		if (this.pending.length > keep) this.pending = this.pending.subarray(this.pending.length - keep);
	}
}

/** Content-Disposition and Content-Type of one part. */
export function parsePartHeaders(text: string): PartHeaders {
	const headers: PartHeaders = { name: '' };
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		if (name === 'content-type') headers.contentType = value;
		if (name === 'content-disposition') Object.assign(headers, dispositionParameters(value));
	}
	return headers;
}

/** `name` and `filename` of a Content-Disposition value (RFC 5987 `filename*` wins). */
export function dispositionParameters(value: string): Partial<PartHeaders> {
	const found: Partial<PartHeaders> = {};
	const parameter = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
	for (let match = parameter.exec(value); match; match = parameter.exec(value)) {
		const key = match[1].toLowerCase();
		// Only \" and \\ are escapes: browsers send a Windows path's backslashes as they are.
		const raw = match[2] !== undefined ? match[2].replace(/\\(["\\])/g, '$1') : match[3].trim();
		if (key === 'name') found.name = raw;
		if (key === 'filename' && found.filename === undefined) found.filename = raw;
		// RFC 5987 form wins when present (`filename*=UTF-8''na%C3%AFve.txt`).
		if (key === 'filename*') found.filename = decodeExtendedValue(raw);
	}
	return found;
}

function decodeExtendedValue(raw: string): string {
	const match = /^[^']*'[^']*'(.*)$/.exec(raw);
	try {
		return decodeURIComponent(match ? match[1] : raw);
	} catch {
		return raw;
	}
}
