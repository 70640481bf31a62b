/**
 * The small readers behind backups: the date a retention entry carries in its name, and the
 * directories `baseDirectory` compares.
 */
import { normaliseDirectory } from '../../nodes/OneFichier/actions/file/baseDirectory';
import { dateInName } from '../../nodes/OneFichier/api/dates';

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

describe('normaliseDirectory', () => {
	it.each([
		['/mnt/nas/', '/mnt/nas'],
		['/mnt//nas/./x/../y', '/mnt/nas/y'],
		['C:\\Data\\nas\\', 'C:/Data/nas'],
		['/', '/'],
		['  relative/dir  ', 'relative/dir'],
	])('%s → %s', (input, expected) => {
		expect(normaliseDirectory(input)).toBe(expected);
	});
});
