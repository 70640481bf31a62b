/**
 * Calendar retention (backup/retention.ts) against tables of keeps worked out by hand from restic's
 * `forget` rules: each counting rule keeps the newest copy of each of its last N periods (and the
 * oldest copy while it has periods left), keep-within keeps what is less than N days older than
 * the newest copy.
 */
import { zonedWallTimeToEpoch } from '../../nodes/OneFichier/api/dates';
import type { RetentionRules } from '../../nodes/OneFichier/backup/retention';
import { applyRetention } from '../../nodes/OneFichier/backup/retention';
import { YEAR_KEEPS, YEAR_RULES, daysOf2025 } from '../helpers/retention';

const ZONE = 'Europe/Paris';
const NO_RULES: RetentionRules = { keepNewest: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepWithinDays: 0 };

/** `2025-12-31` or `2025-12-31 08:00` as Paris wall-clock time → epoch ms. */
function at(wall: string): number {
	const [date, time = '00:00'] = wall.split(' ');
	const [y, mo, d] = date.split('-').map(Number);
	const [h, mi] = time.split(':').map(Number);
	return zonedWallTimeToEpoch(Date.UTC(y, mo - 1, d, h, mi), ZONE);
}

/** Every day of 2025 at midnight, newest first, labelled MM-DD. */
function yearOfDailyCopies(): Array<{ label: string; dateMs: number }> {
	return daysOf2025().map((label) => ({ label, dateMs: at(`2025-${label}`) }));
}

function keeps(copies: Array<{ label: string; dateMs: number }>, rules: Partial<RetentionRules>, now = at('2026-01-15')) {
	const keptBy = applyRetention(copies, { ...NO_RULES, ...rules }, ZONE, now);
	return Object.fromEntries(copies.flatMap((copy, index) => (keptBy[index].length > 0 ? [[copy.label, keptBy[index]]] : [])));
}

describe('applyRetention', () => {
	it('a year of daily copies: the keeps of newest 3, daily 7, weekly 4, monthly 6, yearly 2, within 10 days', () => {
		const copies = yearOfDailyCopies();
		expect(copies).toHaveLength(365);
		// Worked out by hand (see YEAR_KEEPS).
		expect(keeps(copies, YEAR_RULES)).toEqual(YEAR_KEEPS);
	});

	it('a year of copies, monthly 12 and weekly 2 only: the last day of each month and the last two Sundays', () => {
		const kept = keeps(yearOfDailyCopies(), { keepMonthly: 12, keepWeekly: 2 });
		expect(kept).toEqual({
			'12-31': ['keepWeekly', 'keepMonthly'],
			'12-28': ['keepWeekly'],
			'11-30': ['keepMonthly'],
			'10-31': ['keepMonthly'],
			'09-30': ['keepMonthly'],
			'08-31': ['keepMonthly'],
			'07-31': ['keepMonthly'],
			'06-30': ['keepMonthly'],
			'05-31': ['keepMonthly'],
			'04-30': ['keepMonthly'],
			'03-31': ['keepMonthly'],
			'02-28': ['keepMonthly'],
			'01-31': ['keepMonthly'],
		});
	});

	it('several copies a day: daily keeps the newest of each day; the oldest copy too while days are left', () => {
		const copies = [
			{ label: '03 20:00', dateMs: at('2025-06-03 20:00') },
			{ label: '03 08:00', dateMs: at('2025-06-03 08:00') },
			{ label: '02 20:00', dateMs: at('2025-06-02 20:00') },
			{ label: '02 08:00', dateMs: at('2025-06-02 08:00') },
			{ label: '01 20:00', dateMs: at('2025-06-01 20:00') },
			{ label: '01 08:00', dateMs: at('2025-06-01 08:00') },
		];
		expect(keeps(copies, { keepDaily: 2 })).toEqual({ '03 20:00': ['keepDaily'], '02 20:00': ['keepDaily'] });
		// Five days asked, three exist: the oldest copy is kept as well (restic keeps the longest history).
		expect(keeps(copies, { keepDaily: 5 })).toEqual({
			'03 20:00': ['keepDaily'],
			'02 20:00': ['keepDaily'],
			'01 20:00': ['keepDaily'],
			'01 08:00': ['keepDaily'],
		});
	});

	it('keep-within counts calendar days before the newest copy, across a clock change', () => {
		// Clocks go forward in Paris on 30 March 2025: ten days before 5 April 00:00 is 26 March 00:00,
		// 239 hours earlier, not 240.
		const copies = ['04-05', '03-27', '03-26', '03-25'].map((label) => ({ label, dateMs: at(`2025-${label}`) }));
		expect(keeps(copies, { keepWithinDays: 10 })).toEqual({ '04-05': ['keepWithinDays'], '03-27': ['keepWithinDays'] });
	});

	it('keep-within counts from the newest copy, not from now; a copy dated in the future does not move it', () => {
		const copies = [
			{ label: 'future', dateMs: at('2031-01-01') },
			{ label: '01-10', dateMs: at('2025-01-10') },
			{ label: '01-05', dateMs: at('2025-01-05') },
			{ label: '01-01', dateMs: at('2025-01-01') },
		];
		expect(keeps(copies, { keepWithinDays: 7 }, at('2026-06-01'))).toEqual({
			future: ['keepWithinDays'],
			'01-10': ['keepWithinDays'],
			'01-05': ['keepWithinDays'],
		});
	});

	it('no rule on: nothing kept (Clean Up always asks for keepNewest of at least 1)', () => {
		expect(keeps(yearOfDailyCopies().slice(0, 5), {})).toEqual({});
	});
});
