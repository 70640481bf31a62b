/**
 * Decisions from metadata, at the scale of real clocks: the default margin of 10 minutes, clocks
 * 5 minutes apart either way, same-size edits, backdated and future modification times, and the
 * repeated hour of the autumn night.
 */
import { earliestParisInstant, formatParisDate } from '../../nodes/OneFichier/api/dates';
import { copiesByRemoteName, decide, decideByChecksum } from '../../nodes/OneFichier/backup/decide';
import type { LocalFile } from '../../nodes/OneFichier/backup/localTree';
import type { RemoteFile } from '../../nodes/OneFichier/backup/remoteTree';

const MINUTE = 60_000;
const MARGIN = 10 * MINUTE;
const NIGHT = Date.parse('2026-12-07T01:00:00Z');

function local(size: number, times: { mtime: number; ctime: number }): LocalFile {
	return { name: 'a.jpg', path: 'a.jpg', size, mtimeMs: times.mtime, ctimeMs: times.ctime, ino: 1, dev: 1, lastChangeMs: Math.max(times.mtime, times.ctime) };
}

/** A copy uploaded at `realMs`, dated by a server whose clock is `serverAheadMs` ahead of the host's. */
function copy(size: number, realMs: number, serverAheadMs = 0, url = 'https://1fichier.com/?aaaaa'): RemoteFile {
	const date = formatParisDate(realMs + serverAheadMs);
	return { name: 'a.jpg', remoteName: 'a.jpg', url, size, date, uploadedAtMs: earliestParisInstant(date)!, checksum: 'c'.repeat(128) };
}

describe('decide (size and date)', () => {
	it('sends a file without a copy, and one whose size differs', () => {
		expect(decide(local(5, { mtime: NIGHT - 60 * MINUTE, ctime: NIGHT - 60 * MINUTE }), undefined, 'sizeAndDate', MARGIN).kind).toBe('new');
		const file = local(5, { mtime: NIGHT - 60 * MINUTE, ctime: NIGHT - 60 * MINUTE });
		expect(decide(file, [copy(6, NIGHT)], 'sizeAndDate', MARGIN)).toMatchObject({ kind: 'changed', why: expect.stringContaining('size') });
	});

	it("reads nothing for a file of the copy's size last changed well before the copy", () => {
		const file = local(5, { mtime: NIGHT - 24 * 60 * MINUTE, ctime: NIGHT - 24 * 60 * MINUTE });
		expect(decide(file, [copy(5, NIGHT)], 'sizeAndDate', MARGIN).kind).toBe('unchanged');
	});

	it('sends a same-size edit made after the copy', () => {
		const edited = local(5, { mtime: NIGHT + 60 * MINUTE, ctime: NIGHT + 60 * MINUTE });
		expect(decide(edited, [copy(5, NIGHT)], 'sizeAndDate', MARGIN).kind).toBe('changed');
	});

	it('sends a same-size edit whose modification time was set into the past (copy tools, touch -d): its status-change time tells', () => {
		const restored = local(5, { mtime: NIGHT - 365 * 24 * 60 * MINUTE, ctime: NIGHT + 60 * MINUTE });
		expect(decide(restored, [copy(5, NIGHT)], 'sizeAndDate', MARGIN).kind).toBe('changed');
	});

	it.each([
		['5 minutes ahead of', 5 * MINUTE],
		['5 minutes behind', -5 * MINUTE],
	])("with 1fichier's clock %s the host's: an edit one second after the upload is sent, an old file is not", (_label, aheadMs) => {
		const uploadedAt = NIGHT;
		const editedJustAfter = local(5, { mtime: uploadedAt + 1000, ctime: uploadedAt + 1000 });
		expect(decide(editedJustAfter, [copy(5, uploadedAt, aheadMs)], 'sizeAndDate', MARGIN).kind).toBe('changed');
		const old = local(5, { mtime: uploadedAt - 16 * MINUTE, ctime: uploadedAt - 16 * MINUTE });
		expect(decide(old, [copy(5, uploadedAt, aheadMs)], 'sizeAndDate', MARGIN).kind).toBe('unchanged');
	});

	it('sends again a file changed less than the margin before its copy was made (the clocks may disagree that much)', () => {
		const recent = local(5, { mtime: NIGHT - 5 * MINUTE, ctime: NIGHT - 5 * MINUTE });
		expect(decide(recent, [copy(5, NIGHT)], 'sizeAndDate', MARGIN).kind).toBe('changed');
	});

	it('reads a copy dated in the repeated autumn hour at its earliest', () => {
		// Uploaded at 02:30 winter time (01:30 UTC) on 2026-10-25; the date reads "02:30:00" either pass.
		const uploadedAt = Date.parse('2026-10-25T01:30:00Z');
		const date = formatParisDate(uploadedAt);
		expect(date).toBe('2026-10-25 02:30:00');
		const remote: RemoteFile = { name: 'a', remoteName: 'a', url: 'u', size: 5, date, uploadedAtMs: earliestParisInstant(date)! };
		// Edited 20 minutes after the upload: an hour-late reading of the date would call it unchanged.
		const edited = local(5, { mtime: uploadedAt + 20 * MINUTE, ctime: uploadedAt + 20 * MINUTE });
		expect(decide(edited, [remote], 'sizeAndDate', MARGIN).kind).toBe('changed');
	});

	it('compares with the newest copy and names the older ones as left-overs', () => {
		const file = local(5, { mtime: NIGHT - 24 * 60 * MINUTE, ctime: NIGHT - 24 * 60 * MINUTE });
		const copies = copiesByRemoteName([copy(5, NIGHT - 60 * MINUTE, 0, 'old'), copy(5, NIGHT, 0, 'new')]).get('a.jpg')!;
		expect(copies.map((item) => item.url)).toEqual(['new', 'old']);
		expect(decide(file, copies, 'sizeAndDate', MARGIN)).toMatchObject({ kind: 'unchanged', copy: { url: 'new' }, older: [{ url: 'old' }] });
	});
});

describe('decide (checksum)', () => {
	it('hashes a file of the same size whatever its dates, and decides by the checksum', () => {
		const file = local(5, { mtime: NIGHT + 60 * MINUTE, ctime: NIGHT + 60 * MINUTE });
		const copies = [copy(5, NIGHT)];
		expect(decide(file, copies, 'checksum', MARGIN).kind).toBe('hash');
		expect(decideByChecksum('c'.repeat(128), copies).kind).toBe('unchanged');
		expect(decideByChecksum('d'.repeat(128), copies).kind).toBe('changed');
		expect(decide(file, [copy(6, NIGHT)], 'checksum', MARGIN).kind).toBe('changed');
	});
});
