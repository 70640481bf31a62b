/**
 * Whether a local file needs sending, from metadata alone (docs/1fichier-api.md §5: 1fichier keeps
 * no modification times; its `date` is the upload date, Paris wall time).
 *
 * A copy is current when it has the file's size and the file has not changed since the copy was
 * made: the file's last change (the later of its modification time and its status-change time, see
 * localTree.ts) is earlier than the copy's upload date minus a margin for the two clocks
 * disagreeing. The upload date is read at its earliest (whole seconds, the repeated autumn hour's
 * first pass). Why this is safe, with the check the upload makes after each file (engine.ts):
 * - an edit made before the file is read is in the bytes sent;
 * - an edit made while it is read, or until end.pl confirmed it, changes its metadata between the
 *   two readings the upload takes, so that copy is deleted and the file sent again;
 * - an edit made after end.pl confirmed it happens after 1fichier dated the copy, so its time is
 *   later than the upload date as long as the clocks agree within the margin.
 * A copy never stands for a file whose status changed after it (a rename onto it, a restore from
 * a tool that backdates modification times, `touch -d`), since no tool sets the status-change time.
 *
 * `checksum` compares the Whirlpool of the local bytes with the copy's instead, for files of the
 * copy's size: it reads them, and catches an edit that kept size and times.
 */
import type { LocalFile } from './localTree';
import type { RemoteFile } from './remoteTree';

export type CompareMode = 'sizeAndDate' | 'checksum';

export type Decision =
	/** No copy of that name: send it. */
	| { kind: 'new' }
	/** A copy that is not the file (`why`): send the file, then remove the copies. */
	| { kind: 'changed'; why: string; copies: RemoteFile[] }
	/** The newest copy is the file; `older` copies of that name are left-overs. */
	| { kind: 'unchanged'; copy: RemoteFile; older: RemoteFile[] }
	/** `checksum`: the copy has the file's size; hash the file to know. */
	| { kind: 'hash'; copies: RemoteFile[] };

/** Newest first: by upload instant, then by date text, then by link (a stable order). */
export function newestCopyFirst(a: RemoteFile, b: RemoteFile): number {
	if (a.uploadedAtMs !== b.uploadedAtMs) return b.uploadedAtMs - a.uploadedAtMs;
	if (a.date !== b.date) return a.date < b.date ? 1 : -1;
	return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

/** The copies of each name (as 1fichier holds it), newest first. */
export function copiesByRemoteName(files: RemoteFile[]): Map<string, RemoteFile[]> {
	const byName = new Map<string, RemoteFile[]>();
	for (const file of files) {
		const copies = byName.get(file.remoteName);
		if (copies) copies.push(file);
		else byName.set(file.remoteName, [file]);
	}
	for (const copies of byName.values()) copies.sort(newestCopyFirst);
	return byName;
}

/** The file has not changed since `copy` was made (size and dates). */
export function unchangedSince(file: Pick<LocalFile, 'size' | 'lastChangeMs'>, copy: RemoteFile, clockSkewMs: number): boolean {
	return copy.size === file.size && copy.uploadedAtMs > 0 && file.lastChangeMs < copy.uploadedAtMs - clockSkewMs;
}

export function decide(file: LocalFile, copies: RemoteFile[] | undefined, compare: CompareMode, clockSkewMs: number): Decision {
	if (!copies || copies.length === 0) return { kind: 'new' };
	const [newest, ...older] = copies;
	if (newest.size !== file.size) return { kind: 'changed', why: `its size is ${file.size} bytes, the copy's ${newest.size}`, copies };
	if (compare === 'checksum' && newest.checksum !== undefined) return { kind: 'hash', copies };
	if (unchangedSince(file, newest, clockSkewMs)) return { kind: 'unchanged', copy: newest, older };
	return { kind: 'changed', why: 'it changed after the copy was made', copies };
}

/** `checksum`: the decision once the file's Whirlpool is known. */
export function decideByChecksum(localChecksum: string, copies: RemoteFile[]): Decision {
	const [newest, ...older] = copies;
	if (newest.checksum === localChecksum) return { kind: 'unchanged', copy: newest, older };
	return { kind: 'changed', why: "its Whirlpool checksum differs from the copy's", copies };
}
