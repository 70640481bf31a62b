/**
 * A year of daily backup copies and the copies calendar retention keeps of it, worked out by hand
 * from restic's `forget` rules: the same table checks the rules (test/backup/retention.test.ts) and
 * Folder → Clean Up on the simulator (test/actions/folder/cleanUp.test.ts).
 */

/** Every day of 2025 as `MM-DD`, newest first. */
export function daysOf2025(): string[] {
	const days = [];
	for (let day = new Date(Date.UTC(2025, 11, 31)); day.getUTCFullYear() === 2025; day.setUTCDate(day.getUTCDate() - 1)) {
		days.push(day.toISOString().slice(5, 10));
	}
	return days;
}

export const YEAR_RULES = { keepNewest: 3, keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepYearly: 2, keepWithinDays: 10 };

/**
 * What `YEAR_RULES` keep of one copy a day through 2025, by `MM-DD`, with the rules that keep each.
 * 2025-12-31 is a Wednesday of ISO week 2026-W01 (Mon 29 Dec to Sun 4 Jan); the newest copies of
 * the weeks before are the Sundays 28, 21 and 14 December. Within 10 days of 31 Dec 00:00 means
 * after 21 Dec 00:00 (21 Dec itself is exactly 10 days older: not within). Yearly has one year
 * left when it reaches the oldest copy, so it keeps 1 January too.
 */
export const YEAR_KEEPS: Record<string, string[]> = {
	'12-31': ['keepNewest', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly', 'keepWithinDays'],
	'12-30': ['keepNewest', 'keepDaily', 'keepWithinDays'],
	'12-29': ['keepNewest', 'keepDaily', 'keepWithinDays'],
	'12-28': ['keepDaily', 'keepWeekly', 'keepWithinDays'],
	'12-27': ['keepDaily', 'keepWithinDays'],
	'12-26': ['keepDaily', 'keepWithinDays'],
	'12-25': ['keepDaily', 'keepWithinDays'],
	'12-24': ['keepWithinDays'],
	'12-23': ['keepWithinDays'],
	'12-22': ['keepWithinDays'],
	'12-21': ['keepWeekly'],
	'12-14': ['keepWeekly'],
	'11-30': ['keepMonthly'],
	'10-31': ['keepMonthly'],
	'09-30': ['keepMonthly'],
	'08-31': ['keepMonthly'],
	'07-31': ['keepMonthly'],
	'01-01': ['keepYearly'],
};
