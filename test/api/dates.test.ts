/**
 * 1fichier's Paris wall-clock dates as ISO 8601 with offsets (the `…Iso` output fields), around the
 * two nights a year Paris changes its clocks: the last Sundays of March (02:00 → 03:00) and of
 * October (03:00 → 02:00) in 2026.
 */
import { dateInName, earliestParisInstant, parisDateToIso } from '../../nodes/OneFichier/api/dates';
import { fileItem, folderItem, requestDates } from '../../nodes/OneFichier/helpers/items';

describe('parisDateToIso', () => {
	it.each([
		['2026-11-30 02:00:00', '2026-11-30T02:00:00+01:00'],
		['2026-07-14 12:00:00', '2026-07-14T12:00:00+02:00'],
		['2026-01-01 00:00:00', '2026-01-01T00:00:00+01:00'],
		['2025-12-31 23:59:59', '2025-12-31T23:59:59+01:00'],
		// Spring forward, 2026-03-29: 01:59:59 is winter time, 03:00:00 summer time.
		['2026-03-29 01:59:59', '2026-03-29T01:59:59+01:00'],
		['2026-03-29 03:00:00', '2026-03-29T03:00:00+02:00'],
		// Fall back, 2026-10-25: 02:00–02:59 happen twice; the first pass (summer time) is given.
		['2026-10-25 01:59:59', '2026-10-25T01:59:59+02:00'],
		['2026-10-25 02:30:00', '2026-10-25T02:30:00+02:00'],
		['2026-10-25 03:00:00', '2026-10-25T03:00:00+01:00'],
	])('%s (Paris) is %s', (date, iso) => {
		expect(parisDateToIso(date)).toBe(iso);
		expect(Date.parse(iso)).toBe(earliestParisInstant(date));
	});

	it('keeps the digits of a time the spring-forward night skips, with the offset of before the switch', () => {
		expect(parisDateToIso('2026-03-29 02:30:00')).toBe('2026-03-29T02:30:00+01:00');
	});

	it('is null for what is not a 1fichier date', () => {
		for (const value of [undefined, null, '', 'yesterday', '2026-13-01 00:00:00x', 42]) expect(parisDateToIso(value)).toBeNull();
	});
});

describe('output items carry the ISO date beside 1fichier\'s, which keeps its form', () => {
	it('files, folders and remote upload requests', () => {
		const file = fileItem({ url: 'https://1fichier.com/?abcde', filename: 'a.txt', size: 1, date: '2026-10-25 02:30:00', checksum: '' });
		expect(file).toMatchObject({ date: '2026-10-25 02:30:00', dateIso: '2026-10-25T02:30:00+02:00' });
		const folder = folderItem({ id: 5, name: 'docs', create_date: '2026-03-29 03:00:00' });
		expect(folder).toMatchObject({ createDate: '2026-03-29 03:00:00', createDateIso: '2026-03-29T03:00:00+02:00' });
		expect(requestDates('2026-11-30 02:00:00', null)).toEqual({
			requestDate: '2026-11-30 02:00:00',
			requestDateIso: '2026-11-30T02:00:00+01:00',
			executionDate: null,
			executionDateIso: null,
		});
	});
});

// The date a retention entry carries in its name (folder cleanUp).
const utc = (name: string) => {
	const ms = dateInName(name, 'UTC');
	return ms === undefined ? undefined : new Date(ms).toISOString();
};

describe('dateInName', () => {
	it.each([
		['2026-11-30', '2026-11-30T00:00:00.000Z'],
		['nas-20261130', '2026-11-30T00:00:00.000Z'],
		['2026-11-30T02-00', '2026-11-30T02:00:00.000Z'],
		['backup_2026-11-30_02:30:15.tar', '2026-11-30T02:30:15.000Z'],
		['20261130T0200', '2026-11-30T02:00:00.000Z'],
		['db-2026-11-28.sql', '2026-11-28T00:00:00.000Z'],
		// An impossible first date is skipped for a valid later one.
		['2026-02-30 then 2026-03-01', '2026-03-01T00:00:00.000Z'],
	])('%s → %s', (name, expected) => {
		expect(utc(name)).toBe(expected);
	});

	it.each(['not-a-date', '2026-13-01', '12345678901', 'id 20261130123', '2026-1130', '1969-12-31', 'v2026'])(
		'%s carries no date',
		(name) => {
			expect(dateInName(name, 'UTC')).toBeUndefined();
		},
	);

	it('reads the date in the given time zone (the workflow\'s)', () => {
		expect(new Date(dateInName('2026-07-01', 'Europe/Paris')!).toISOString()).toBe('2026-06-30T22:00:00.000Z');
	});
});
