/**
 * Calendar retention with restic's `forget` semantics (restic's internal/restic/snapshot_policy.go):
 * copies are taken newest first; each counting rule keeps the newest copy of each of its last N
 * periods (days, ISO weeks, months, years in the workflow's time zone), and, while it still has
 * periods left when it reaches the oldest copy, that oldest copy too, so a short history is kept
 * whole; `keepWithinDays` keeps every copy less than that many calendar days older than the newest
 * copy (not than now: a backup that stopped running does not age its last copies away). A copy kept
 * by any rule is kept.
 */
import { wallClockAsUtc, zonedWallTimeToEpoch } from '../api/dates';

export interface RetentionRules {
	keepNewest: number;
	keepDaily: number;
	keepWeekly: number;
	keepMonthly: number;
	keepYearly: number;
	keepWithinDays: number;
}

/** Why a copy is kept: the rule's parameter name. */
export type RetentionRule = keyof RetentionRules;

export interface DatedCopy {
	/** The copy's date, epoch ms. */
	dateMs: number;
}

type PeriodOf = (wall: Date, position: number) => number;

/** ISO 8601 week: year of the week's Thursday × 100 + week number. */
function isoWeek(wall: Date): number {
	const thursday = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()));
	thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
	const weekYear = thursday.getUTCFullYear();
	const week = 1 + Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 24 * 3600_000));
	return weekYear * 100 + week;
}

const COUNTING_RULES: Array<[RetentionRule, PeriodOf]> = [
	// Every copy is a period of its own.
	['keepNewest', (_wall, position) => position],
	['keepDaily', (wall) => wall.getUTCFullYear() * 10_000 + (wall.getUTCMonth() + 1) * 100 + wall.getUTCDate()],
	['keepWeekly', (wall) => isoWeek(wall)],
	['keepMonthly', (wall) => wall.getUTCFullYear() * 100 + wall.getUTCMonth() + 1],
	['keepYearly', (wall) => wall.getUTCFullYear()],
];

/** `days` calendar days before `ms` in `timeZone` (a day across a clock change is 23 or 25 hours). */
function calendarDaysBefore(ms: number, days: number, timeZone: string): number {
	const wall = new Date(wallClockAsUtc(ms, timeZone));
	wall.setUTCDate(wall.getUTCDate() - days);
	return zonedWallTimeToEpoch(wall.getTime(), timeZone);
}

/**
 * The rules that keep each copy, in the order given; `copies` must be sorted newest first. An empty
 * list means the copy is not kept. `nowMs` bounds the newest copy `keepWithinDays` counts from (a
 * copy dated in the future does not move the window).
 */
export function applyRetention(copies: DatedCopy[], rules: RetentionRules, timeZone: string, nowMs: number): RetentionRule[][] {
	const keptBy: RetentionRule[][] = copies.map(() => []);
	const left = new Map<RetentionRule, number>();
	const lastPeriod = new Map<RetentionRule, number>();
	for (const [rule] of COUNTING_RULES) left.set(rule, rules[rule]);

	const notFuture = copies.map((copy) => copy.dateMs).filter((ms) => ms <= nowMs);
	const newest = notFuture.length > 0 ? Math.max(...notFuture) : undefined;
	// Every copy dated in the future: as restic, the window then holds them all.
	const withinFrom =
		rules.keepWithinDays <= 0 ? undefined : newest === undefined ? -Infinity : calendarDaysBefore(newest, rules.keepWithinDays, timeZone);

	copies.forEach((copy, position) => {
		const wall = new Date(wallClockAsUtc(copy.dateMs, timeZone));
		const oldest = position === copies.length - 1;
		for (const [rule, periodOf] of COUNTING_RULES) {
			if ((left.get(rule) ?? 0) <= 0) continue;
			const period = periodOf(wall, position);
			if (period === lastPeriod.get(rule) && !oldest) continue;
			lastPeriod.set(rule, period);
			left.set(rule, (left.get(rule) ?? 0) - 1);
			keptBy[position].push(rule);
		}
		if (withinFrom !== undefined && copy.dateMs > withinFrom) keptBy[position].push('keepWithinDays');
	});
	return keptBy;
}
