/**
 * 1fichier dates are `YYYY-MM-DD HH:MM:SS` strings in Europe/Paris wall-clock time with second
 * resolution (docs/1fichier-api.md §2). The trigger mostly works on these strings directly: they sort
 * as text, and moving one by a few seconds is plain wall-clock arithmetic. Real instants are only
 * needed to turn "now" into a Paris date and to find the autumn night when an hour repeats.
 */

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		hourCycle: 'h23',
	});
}

const parisFormatter = wallClockFormatter('Europe/Paris');

/** How far `formatter`'s zone is ahead of UTC at this instant, in ms. */
function zoneOffsetMs(formatter: Intl.DateTimeFormat, ms: number): number {
	const whole = Math.floor(ms / 1000) * 1000;
	const parts: Record<string, number> = {};
	for (const part of formatter.formatToParts(new Date(whole))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second) - whole;
}

/** The wall clock in `timeZone` at this instant, as epoch ms of the same wall clock read as UTC (an unknown zone reads as UTC). */
export function wallClockAsUtc(ms: number, timeZone: string): number {
	let formatter: Intl.DateTimeFormat;
	try {
		formatter = timeZone === 'Europe/Paris' ? parisFormatter : wallClockFormatter(timeZone);
	} catch {
		return ms;
	}
	return ms + zoneOffsetMs(formatter, ms);
}

/**
 * A wall-clock time in `timeZone` (given as epoch ms of the same wall clock read as UTC) → epoch
 * ms. Two passes settle daylight-saving switches. An unknown zone is read as UTC.
 */
export function zonedWallTimeToEpoch(wallAsUtc: number, timeZone: string): number {
	let formatter: Intl.DateTimeFormat;
	try {
		formatter = timeZone === 'Europe/Paris' ? parisFormatter : wallClockFormatter(timeZone);
	} catch {
		return wallAsUtc;
	}
	const guess = wallAsUtc - zoneOffsetMs(formatter, wallAsUtc);
	return wallAsUtc - zoneOffsetMs(formatter, guess);
}

/** A 1fichier date (`YYYY-MM-DD HH:MM:SS`, Paris time; seconds optional) → epoch ms, or undefined. */
export function parseParisDate(text: string | undefined): number | undefined {
	const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec((text ?? '').trim());
	if (!match) return undefined;
	const [, y, mo, d, h, mi, sec = '0'] = match;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
	return Number.isNaN(wall) ? undefined : zonedWallTimeToEpoch(wall, 'Europe/Paris');
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Wall-clock fields → `YYYY-MM-DD HH:MM:SS`, from a Date read in UTC. */
function formatWall(asUtc: Date): string {
	return (
		`${pad(asUtc.getUTCFullYear(), 4)}-${pad(asUtc.getUTCMonth() + 1)}-${pad(asUtc.getUTCDate())} ` +
		`${pad(asUtc.getUTCHours())}:${pad(asUtc.getUTCMinutes())}:${pad(asUtc.getUTCSeconds())}`
	);
}

/** The Paris wall clock at this instant, as epoch ms of the same wall clock read as UTC. */
function parisWallAsUtc(ms: number): number {
	const parts: Record<string, number> = {};
	for (const part of parisFormatter.formatToParts(new Date(ms))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
}

/** Epoch milliseconds → 1fichier date (Europe/Paris). */
export function formatParisDate(ms: number): string {
	return formatWall(new Date(parisWallAsUtc(Math.floor(ms / 1000) * 1000)));
}

/** Returns the date if it is a well-formed 1fichier date, else undefined. */
export function normaliseDate(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim().replace('T', ' ');
	return DATE_PATTERN.test(text) ? text : undefined;
}

/** Moves a 1fichier date by whole seconds of wall-clock time. */
export function shiftDate(date: string, seconds: number): string {
	const match = DATE_PATTERN.exec(date);
	if (!match) return date;
	const [, y, mo, d, h, mi, s] = match.map(Number);
	return formatWall(new Date(Date.UTC(y, mo - 1, d, h, mi, s) + seconds * 1000));
}

/** Paris offset from UTC in ms at an instant (+1 h in winter, +2 h in summer). */
function parisOffsetMs(ms: number): number {
	return zoneOffsetMs(parisFormatter, ms);
}

/**
 * True on the night clocks go back in Paris (last Sunday of October): wall-clock times from
 * 02:00:00 to 02:59:59 happen twice, so a file dated 02:10 may be newer than one dated 02:50.
 */
export function isFallBackDay(date: string): boolean {
	const match = DATE_PATTERN.exec(date);
	if (!match) return false;
	const [, y, mo, d] = match.map(Number);
	// The switch happens at 01:00 UTC.
	return parisOffsetMs(Date.UTC(y, mo - 1, d, 0, 0, 0)) > parisOffsetMs(Date.UTC(y, mo - 1, d, 3, 0, 0));
}

/**
 * The `sent_after` to use once every file up to `newest` has been seen: `overlapSeconds`
 * before it, or, while `newest` is inside the hour that repeats when clocks go back, the start
 * of that hour (a file of the second pass carries an earlier-looking date).
 */
export function windowStart(newest: string, overlapSeconds: number): string {
	const start = shiftDate(newest, -overlapSeconds);
	const time = newest.slice(11);
	if (time >= '02:00:00' && time < '03:00:00' && isFallBackDay(newest)) {
		const beforeRepeat = `${newest.slice(0, 10)} 01:59:59`;
		return beforeRepeat < start ? beforeRepeat : start;
	}
	return start;
}

export function maxDate(a: string | undefined, b: string | undefined): string | undefined {
	if (a === undefined) return b;
	if (b === undefined) return a;
	return a >= b ? a : b;
}

/**
 * A date carried by a name (`nas-2026-11-30`, `20261130`, `2026-11-30T02-00`, `2026-11-30_02:00:00`),
 * read as wall-clock time in `timeZone` (names are usually made with n8n's `$now`, in the workflow's
 * zone) → epoch ms; undefined when the name carries no valid date. The first date in the name wins.
 */
export function dateInName(name: string, timeZone: string): number | undefined {
	const pattern = /(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?:[T _-](\d{2})[-:h.]?(\d{2})(?:[-:.]?(\d{2}))?)?(?!\d)/g;
	for (const match of name.matchAll(pattern)) {
		const [, y, , mo, d, h = '0', mi = '0', s = '0'] = match;
		const fields = [+y, +mo, +d, +h, +mi, +s];
		const wall = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
		const back = new Date(wall);
		const valid =
			back.getUTCFullYear() === fields[0] &&
			back.getUTCMonth() === fields[1] - 1 &&
			back.getUTCDate() === fields[2] &&
			fields[3] < 24 &&
			fields[4] < 60 &&
			fields[5] < 60 &&
			fields[0] >= 1970;
		if (valid) return zonedWallTimeToEpoch(wall, timeZone);
	}
	return undefined;
}

/**
 * The earliest instant a 1fichier date may stand for (epoch ms), or undefined. Dates are whole
 * seconds of Paris wall time, so the real instant is within the second after it; on the night
 * clocks go back, 02:00–02:59 happen twice and the first pass is taken. A decision "not changed
 * since its copy was made" must use this earliest reading, never a later one.
 */
export function earliestParisInstant(date: string | undefined): number | undefined {
	const parsed = parseParisDate(date);
	if (parsed === undefined) return undefined;
	const text = normaliseDate(date) ?? '';
	const time = text.slice(11);
	// parseParisDate reads the repeated hour as its second pass (winter time), one hour later.
	const repeated = time >= '02:00:00' && time < '03:00:00' && isFallBackDay(text);
	return repeated ? parsed - 3_600_000 : parsed;
}

/**
 * A 1fichier date as ISO 8601 with Paris's offset at that moment (`2026-11-30 02:00:00` →
 * `2026-11-30T02:00:00+01:00`), for output items beside the 1fichier date itself; null when the
 * value is not a 1fichier date. The wall-clock digits are kept as they are. On the night clocks go
 * back, 02:00–02:59 happen twice and the first pass (summer time, +02:00) is given, as
 * `earliestParisInstant` reads it; a time the spring-forward night skips keeps its digits with
 * the offset of before the switch.
 */
export function parisDateToIso(date: unknown): string | null {
	const text = normaliseDate(date);
	const instant = earliestParisInstant(text);
	if (text === undefined || instant === undefined) return null;
	const [, y, mo, d, h, mi, s] = (DATE_PATTERN.exec(text) ?? []).map(Number);
	const offsetMinutes = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - instant) / 60_000);
	const sign = offsetMinutes < 0 ? '-' : '+';
	const abs = Math.abs(offsetMinutes);
	return `${text.replace(' ', 'T')}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
