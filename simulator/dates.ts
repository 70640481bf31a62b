/**
 * 1fichier dates are `YYYY-MM-DD HH:MM:SS` strings in French local time, CET/CEST (§2
 * conventions; the C# SDK subtracts one hour, "returned time is +1, not UTC").
 */

/** What a pending remote job shows as execution date (§2.6, observed by the hospidy client). */
export const EPOCH_DATE = '1970-01-01 00:00:00';

const parisFormatter = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/Paris',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
});

interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

function parisWallClock(ms: number): WallClock {
	const parts: Record<string, number> = {};
	for (const part of parisFormatter.formatToParts(new Date(ms))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour,
		minute: parts.minute,
		second: parts.second,
	};
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Epoch milliseconds → `YYYY-MM-DD HH:MM:SS` in Europe/Paris. */
export function formatParisDate(ms: number): string {
	const w = parisWallClock(ms);
	return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

function wallClockAsUtc(w: WallClock): number {
	return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** How far Paris wall-clock time is ahead of UTC at this instant (+1 h or +2 h). */
function parisOffsetMs(ms: number): number {
	const wholeSecond = Math.floor(ms / 1000) * 1000;
	return wallClockAsUtc(parisWallClock(wholeSecond)) - wholeSecond;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * `YYYY-MM-DD HH:MM:SS` read as Europe/Paris wall-clock time → epoch ms; undefined when the
 * text is not such a date. Used for file/ls `sent_before` / `sent_after` (§2.4, §7 question 8).
 */
export function parseParisDate(text: string): number | undefined {
	const match = DATE_PATTERN.exec(text.trim());
	if (!match) return undefined;
	const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
	const wall = wallClockAsUtc({
		year: Number(year),
		month: Number(month),
		day: Number(day),
		hour: Number(hour),
		minute: Number(minute),
		second: Number(second),
	});
	if (Number.isNaN(wall)) return undefined;
	// Two passes settle the offset around the daylight-saving switches.
	const firstGuess = wall - parisOffsetMs(wall);
	return wall - parisOffsetMs(firstGuess);
}
